"""The exception hierarchy: one class per WD_E_* family under WdError, raised by real
failures of the library (local sockets for the network cases, the mail servers for the
server's refusals)."""

import pickle
import socket
import threading
import uuid

import pytest

import wd300com as wd
from wd300com import (
    AuthError,
    ConnectionLostError,
    InvalidArgumentError,
    InvalidHandleError,
    IoError,
    Message,
    MessageError,
    NotSupportedError,
    Pop3Session,
    ProtocolError,
    RecipientRefusedError,
    Session,
    SessionExistsError,
    SmtpSession,
    TlsError,
    UnknownSessionError,
    WdConnectionError,
    WdError,
    WdTimeoutError,
)


def test_every_code_of_the_header_has_its_class():
    codes = {v for k, v in wd.CONSTANTS.items() if k.startswith("WD_E_") and k != "WD_E_NONE"}
    assert set(wd.ERROR_CLASSES) == codes
    for code, cls in wd.ERROR_CLASSES.items():
        assert issubclass(cls, WdError)
        assert wd.error_class(code) is cls
        name = next(k for k, v in wd.CONSTANTS.items() if v == code and k.startswith("WD_E_"))
        assert name in cls.__doc__, (name, cls)
    assert len(set(wd.ERROR_CLASSES.values())) == len(codes)
    assert wd.error_class(0) is WdError and wd.error_class(12345) is WdError


def test_builtin_bases_and_no_shadowing():
    assert issubclass(WdTimeoutError, TimeoutError) and issubclass(WdTimeoutError, OSError)
    assert issubclass(WdConnectionError, ConnectionError)
    assert issubclass(ConnectionLostError, WdConnectionError)
    assert issubclass(InvalidArgumentError, ValueError)
    assert issubclass(IoError, OSError)
    assert issubclass(RecipientRefusedError, ProtocolError)
    assert not issubclass(AuthError, OSError)
    # A star import leaves Python's own names alone.
    namespace = {}
    exec("from wd300com import *", namespace)
    assert "TimeoutError" not in namespace and "ConnectionError" not in namespace
    assert not hasattr(wd, "TimeoutError") and not hasattr(wd, "ConnectionError")


def test_from_code_fields_str_and_pickle():
    e = WdError.from_code(wd.WD_E_TIMEOUT, "no reply within 1 s", "os error 11", "EmailX")
    assert type(e) is WdTimeoutError
    assert (e.code, e.code_name, e.message, e.server_reply, e.function) == (
        202, "WD_E_TIMEOUT", "no reply within 1 s", "os error 11", "EmailX"
    )
    assert str(e) == "EmailX: WD_E_TIMEOUT: no reply within 1 s"
    assert e.errno is None  # an OSError without an errno
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is WdTimeoutError and str(back) == str(e)
    assert back.server_reply == "os error 11"
    plain = WdError(wd.WD_E_AUTH, "refused")  # the constructor of before still works
    assert type(plain) is WdError and plain.code_name == "WD_E_AUTH"
    assert repr(WdError.from_code(wd.WD_E_AUTH, "x")).startswith("AuthError(code=401")


def test_local_failures_raise_their_class(tmp_path):
    with pytest.raises(InvalidHandleError) as ei:
        Message(12345).subject
    assert ei.value.code == wd.WD_E_INVALID_HANDLE
    with Message() as m:
        with pytest.raises(ValueError) as vi:  # InvalidArgumentError is a ValueError
            m.get(9999)
        assert isinstance(vi.value, InvalidArgumentError)
        with pytest.raises(OSError) as oi:  # IoError is an OSError
            m.add_attachment(tmp_path / "absent.bin")
        assert isinstance(oi.value, IoError) and oi.value.server_reply
        with pytest.raises(MessageError):
            m.import_source(b"")
    with pytest.raises(UnknownSessionError):
        Session("py-unknown-%s" % uuid.uuid4().hex).open()
    name = "py-exists-%s" % uuid.uuid4().hex
    Session.declare(name, "imap", server="127.0.0.1")
    with pytest.raises(SessionExistsError):
        Session.declare(name, "imap")
    with pytest.raises(InvalidArgumentError):  # refused in Python, same class
        Session.declare(name + "x", "imap", security="tls1.0")
    assert wd.EmailOuvreSessionNotes("profile", "x") == 0
    assert isinstance(wd.last_error(), NotSupportedError)


def test_connection_refused_is_a_connection_error():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionError) as ei:
        Pop3Session("127.0.0.1", port, "u", "p", security="none", timeout=5)
    assert type(ei.value) is WdConnectionError
    assert ei.value.server_reply  # the OS error


def test_silent_server_is_a_timeout_error():
    with socket.create_server(("127.0.0.1", 0)) as srv:  # listens, never greets
        with pytest.raises(TimeoutError) as ei:
            Pop3Session("127.0.0.1", srv.getsockname()[1], "u", "p", security="none", timeout=1)
    assert type(ei.value) is WdTimeoutError and ei.value.code == wd.WD_E_TIMEOUT


def test_server_closing_is_connection_lost():
    with socket.create_server(("127.0.0.1", 0)) as srv:

        def hang_up():
            conn, _ = srv.accept()
            conn.close()

        t = threading.Thread(target=hang_up)
        t.start()
        with pytest.raises(ConnectionLostError) as ei:
            Pop3Session("127.0.0.1", srv.getsockname()[1], "u", "p", security="none", timeout=5)
        t.join()
    assert isinstance(ei.value, ConnectionError) and ei.value.code == wd.WD_E_CONNECTION_LOST


# The server's refusals, from the local mail servers.


def _login(env, i):
    return env["WD_TEST_USER%d" % i], env["WD_TEST_PASS%d" % i]


def test_server_refusals_raise_their_class(env):
    host, ca = env["WD_TEST_HOST"], env["WD_TEST_CA"]
    user, password = _login(env, 1)
    with pytest.raises(AuthError) as ei:
        SmtpSession(host, int(env["WD_TEST_SMTP_PORT"]), user, "wrong", security="starttls",
                    ca_file=ca, timeout=30)
    assert ei.value.server_reply and "535" in ei.value.server_reply
    with pytest.raises(TlsError):
        SmtpSession(host, int(env["WD_TEST_SMTP_NOTLS_PORT"]), user, password,
                    security="starttls", ca_file=ca, timeout=30)
    with pytest.raises(TlsError):  # the bench's CA is not trusted without ca_file
        SmtpSession(host, int(env["WD_TEST_SMTPS_PORT"]), user, password, security="ssl",
                    timeout=30)
    with SmtpSession(host, int(env["WD_TEST_SMTP_PORT"]), user, password, security="starttls",
                     ca_file=ca, timeout=30) as smtp, Message() as m:
        m.sender = user
        m.to = ["nobody-%s@%s" % (uuid.uuid4().hex[:8], env.get("WD_TEST_DOMAIN", "wd.test"))]
        m.subject = "refused"
        with pytest.raises(ProtocolError) as pi:
            smtp.send(m)
        assert type(pi.value) is RecipientRefusedError and "550" in " ".join(m.refused)
    user2, password2 = _login(env, 2)
    with Pop3Session(host, int(env["WD_TEST_POP3_PORT"]), user2, password2,
                     security="starttls", ca_file=ca, timeout=30) as pop3:
        with pytest.raises(NotSupportedError):
            pop3.count(wd.WD_READ_UNREAD)  # POP3 has no read flag
