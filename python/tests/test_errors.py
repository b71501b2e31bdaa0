"""Error propagation, misuse, and per-thread error state through ctypes."""

import threading

import pytest

import wd300com as wd
from wd300com import Message, Session, WdError


def test_flat_failure_sets_thread_error():
    assert wd.EmailLibere(987654) == 0
    assert wd.ErreurDetectee() == 1
    assert wd.ErreurCode() == wd.WD_E_INVALID_HANDLE
    assert wd.ErrorCode() == wd.WD_E_INVALID_HANDLE
    msg = wd.ErreurInfo(wd.WD_ERR_MESSAGE)
    assert isinstance(msg, str) and msg
    assert wd.ErreurInfo(wd.WD_ERR_CODE) == str(wd.WD_E_INVALID_HANDLE)
    assert msg in wd.ErreurInfo(wd.WD_ERR_FULL_DETAILS)
    # the queries do not clear the state
    assert wd.ErreurDetectee() == 1
    # a successful call clears it
    assert wd.EmailLitTimeOut() > 0
    assert wd.ErreurDetectee() == 0
    assert wd.ErreurCode() == wd.WD_E_NONE


def test_wderror_carries_code_message_reply():
    with pytest.raises(WdError) as ei:
        Session("no-such-session-%d" % id(object())).open()
    e = ei.value
    assert e.code == wd.WD_E_UNKNOWN_SESSION
    assert e.code_name == "WD_E_UNKNOWN_SESSION"
    assert e.message and "no-such-session" in e.message
    assert e.function == "EmailOuvreSessionDeclaree"
    assert "WD_E_UNKNOWN_SESSION" in str(e)
    assert isinstance(e, Exception)


def test_connect_error_has_code():
    s = Session.declare("py-connect-refused-%d" % id(object()), "pop3", server="127.0.0.1", port=1, timeout=5)
    with pytest.raises(WdError) as ei:
        s.open()
    assert ei.value.code == wd.WD_E_CONNECT
    assert ei.value.server_reply  # the OS error


def test_invalid_handles_raise():
    with pytest.raises(WdError) as ei:
        Message(12345).subject
    assert ei.value.code == wd.WD_E_INVALID_HANDLE
    m = Message()
    m.close()
    m.close()  # idempotent
    with pytest.raises(WdError) as ei:
        m.subject = "x"
    assert ei.value.code == wd.WD_E_INVALID_HANDLE
    assert wd.EmailFree(m.handle) == 0  # double free detected, not a crash
    assert wd.ErreurCode() == wd.WD_E_INVALID_HANDLE


def test_misuse_arguments():
    with Message() as m:
        with pytest.raises(WdError) as ei:
            m.get(9999)
        assert ei.value.code == wd.WD_E_INVALID_ARGUMENT
        with pytest.raises(WdError) as ei:
            m.get(wd.WD_EMAIL_RECIPIENT, 5)
        assert ei.value.code == wd.WD_E_INVALID_ARGUMENT
        with pytest.raises(WdError) as ei:
            m.sender = "a@wd.test\r\nBcc: x@evil"
        assert ei.value.code == wd.WD_E_INVALID_ARGUMENT
        with pytest.raises(WdError) as ei:
            m.add_header("Bad Name:", "v")
        assert ei.value.code == wd.WD_E_INVALID_ARGUMENT
        with pytest.raises(WdError) as ei:
            m.attachment_content(3)
        assert ei.value.code == wd.WD_E_INVALID_ARGUMENT
        with pytest.raises(WdError) as ei:
            m.subject = "nul\0inside"
        assert ei.value.code == wd.WD_E_INVALID_ARGUMENT
        assert "NUL" in ei.value.message
        with pytest.raises(WdError) as ei:
            m.subject = 3.5
        assert ei.value.code == wd.WD_E_INVALID_ARGUMENT
    # NULL where a string is required
    assert wd.EmailSessionCree(None, wd.WD_SESSION_IMAP) == 0
    assert wd.ErreurCode() == wd.WD_E_INVALID_ARGUMENT
    # NULL out_len through the raw function
    h = wd.EmailCree()
    assert wd.lib.EmailSource(h, None) is None
    assert wd.ErreurCode() == wd.WD_E_INVALID_ARGUMENT
    wd.EmailLibere(h)
    # invalid UTF-8 is refused, not repaired
    assert wd.EmailSessionCree(b"\xff\xfe", wd.WD_SESSION_IMAP) == 0
    assert wd.ErreurCode() == wd.WD_E_INVALID_ARGUMENT


def test_session_misuse():
    name = "py-misuse-%d" % id(object())
    s = Session.declare(name, "imap", server="127.0.0.1", port=143)
    assert s.get("server") == "127.0.0.1"
    assert s.get("port") == "143"
    s.set("password", "secret")
    assert s.get("password") == ""
    with pytest.raises(WdError) as ei:
        Session.declare(name, "imap")
    assert ei.value.code == wd.WD_E_SESSION_EXISTS
    with pytest.raises(WdError) as ei:
        s.set(wd.WD_PROP_PORT, "not a number")
    assert ei.value.code == wd.WD_E_INVALID_ARGUMENT
    with pytest.raises(ValueError):
        Session.declare(name + "x", "nntp")
    with pytest.raises(TypeError):
        Session.declare(name + "y", "imap", colour="blue")
    with pytest.raises(WdError) as ei:
        wd.Pop3Session("127.0.0.1", 110, "u", "p", name=name + "-unknown", open=False).get(999)
    assert ei.value.code == wd.WD_E_INVALID_ARGUMENT


def test_not_supported_openers():
    assert wd.EmailOuvreSessionNotes("p", "x") == 0
    assert wd.ErreurCode() == wd.WD_E_NOT_SUPPORTED
    assert wd.ErreurInfo(wd.WD_ERR_MESSAGE)


def test_errors_are_per_thread():
    barrier = threading.Barrier(8)
    results = {}

    def worker(i):
        barrier.wait()
        for _ in range(200):
            if i % 2:
                assert wd.EmailLibere(1000 + i) == 0
                code = wd.ErreurCode()
                if code != wd.WD_E_INVALID_HANDLE:
                    results[i] = "odd thread saw %r" % code
                    return
            else:
                assert wd.EmailLitTimeOut() > 0
                if wd.ErreurDetectee() != 0:
                    results[i] = "even thread saw an error"
                    return
        # The Pythonic layer reads the error of its own call.
        try:
            Message(4242 + i).subject
        except WdError as e:
            if e.code != wd.WD_E_INVALID_HANDLE:
                results[i] = "WdError code %r" % e.code
                return
        results[i] = "ok"

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: "ok" for i in range(8)}


def test_error_from_other_thread_is_invisible():
    assert wd.EmailLitTimeOut() > 0  # clears this thread's state
    t = threading.Thread(target=lambda: wd.EmailLibere(31337))
    t.start()
    t.join()
    assert wd.ErreurDetectee() == 0


def test_messages_in_parallel_threads():
    errors = []

    def worker(i):
        try:
            for j in range(20):
                with Message() as m:
                    m.sender = "t%d@wd.test" % i
                    m.to = ["r%d@wd.test" % j]
                    m.subject = "thread %d message %d é" % (i, j)
                    m.add_attachment_data("a.bin", bytes([i, 0, j]), None)
                    with Message.from_source(m.build()) as back:
                        assert back.subject == m.subject
                        assert back.attachments[0].content == bytes([i, 0, j])
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
