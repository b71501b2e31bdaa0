"""Progress callbacks (a tqdm-like bar, a callable, cancelling, an exception in the
callback, the ctypes object kept alive), the transcript sent to logging, and a list
filled in the background. The server tests are skipped without WD_TEST_HOST (failed with
WD_REQUIRE_SERVERS=1)."""

import gc
import logging
import os
import uuid

import pytest

import wd300com as wd
from wd300com import CancelledError, ImapSession, Message, SmtpSession


class FakeBar:
    """What the library needs of a tqdm bar: total, n, update(), reset()."""

    def __init__(self):
        self.total = None
        self.n = 0
        self.updates = []
        self.resets = 0

    def update(self, n):
        assert n > 0
        self.n += n
        self.updates.append(n)

    def reset(self, total=None):
        self.resets += 1
        self.n = 0
        self.total = total


def attachment_message(size):
    m = Message()
    m.subject = "progress"
    m.add_attachment_data("a.bin", os.urandom(size), "application/octet-stream")
    return m


@pytest.fixture
def no_progress():
    yield
    wd.set_progress(None)


def test_a_bar_follows_an_attachment_save(tmp_path, no_progress):
    size = 300 * 1024
    bar = FakeBar()
    wd.set_progress(bar)
    with attachment_message(size) as m:
        m.save_attachment(0, tmp_path / "a.bin")
        assert bar.total == size and bar.n == size
        assert len(bar.updates) <= size // 65536 + 1
        # A second transfer starts the bar again.
        m.save_attachment(0, tmp_path / "b.bin")
        assert bar.resets == 1 and bar.n == size
    assert (tmp_path / "b.bin").stat().st_size == size


def test_returning_false_cancels_and_an_exception_is_raised_by_the_call(tmp_path, no_progress):
    size = 300 * 1024
    calls = []

    def half(done, total):
        calls.append((done, total))
        return done < total // 2

    with attachment_message(size) as m:
        wd.set_progress(half)
        with pytest.raises(CancelledError) as e:
            m.save_attachment(0, tmp_path / "a.bin")
        assert e.value.code == wd.WD_E_CANCELLED
        assert not (tmp_path / "a.bin").exists()
        assert calls[0] == (0, size) and calls[-1][0] >= size // 2

        def boom(done, total):
            if done > 0:
                raise KeyError("from the callback")

        wd.set_progress(boom)
        with pytest.raises(KeyError):
            m.save_attachment(0, tmp_path / "a.bin")
        assert not (tmp_path / "a.bin").exists()
        # The error of the next failing call is its own.
        wd.set_progress(None)
        with pytest.raises(wd.WdError) as e:
            m.save_attachment(5, tmp_path / "a.bin")
        assert e.value.code == wd.WD_E_INVALID_ARGUMENT


def test_the_ctypes_callback_outlives_the_python_references(tmp_path, no_progress):
    seen = []
    wd.set_progress(lambda done, total: seen.append(done))
    gc.collect()
    with attachment_message(200 * 1024) as m:
        m.save_attachment(0, tmp_path / "a.bin")
    assert seen[-1] == 200 * 1024


def test_a_progress_target_must_be_callable_or_a_bar():
    with pytest.raises(TypeError):
        wd.set_progress(42)


# ----- against the local servers ----------------------------------------------------


def smtp(env):
    return SmtpSession(
        env["WD_TEST_HOST"], int(env["WD_TEST_SMTP_PORT"]), env["WD_TEST_USER1"],
        env["WD_TEST_PASS1"], security="starttls", ca_file=env["WD_TEST_CA"], timeout=30,
    )


def test_send_progress_drives_a_bar_and_a_cancel_keeps_the_session(env):
    msg = Message()
    msg.sender = env["WD_TEST_USER1"]
    msg.to = ["someone@%s" % env["WD_TEST_SINK_DOMAIN"]]
    msg.subject = "python progress %s" % uuid.uuid4().hex
    msg.add_attachment_data("big.bin", os.urandom(600 * 1024), "application/octet-stream")
    size = len(msg.build())
    bar = FakeBar()
    with smtp(env) as s:
        assert s.progress(bar) is s
        s.send(msg)
        assert bar.total == size and bar.n == size
        s.progress(lambda done, total: done < total // 2)
        with pytest.raises(CancelledError):
            s.send(msg)
        s.progress(None)
        s.send(msg)


def test_transcript_to_logging_with_session_and_direction(env, caplog):
    caplog.set_level(logging.DEBUG, logger="wd300com")
    wd.log_transcript()
    try:
        with smtp(env) as s:
            name = s.name
    finally:
        wd.log_transcript(False)
    records = [r for r in caplog.records if r.name == "wd300com" and r.session == name]
    assert len(records) > 5
    assert {r.direction for r in records} == {"client", "server", "info"}
    assert all(r.levelno == logging.DEBUG for r in records)
    text = "\n".join(r.getMessage() for r in records)
    assert " SMTP C: EHLO " in text and " SMTP S: 220" in text
    assert records[0].getMessage()[:2] == "20" and records[0].getMessage()[23] == "Z"
    assert env["WD_TEST_PASS1"] not in text
    assert "****" in text


def test_list_filled_in_the_background_followed_as_it_grows(env):
    folder = "py-async-%s" % uuid.uuid4().hex[:12]
    with ImapSession(
        env["WD_TEST_HOST"], int(env["WD_TEST_IMAP_PORT"]), env["WD_TEST_USER1"],
        env["WD_TEST_PASS1"], timeout=30,
    ) as s:
        s.create_folder(folder)
        try:
            for i in range(12):
                m = Message()
                m.sender = env["WD_TEST_USER1"]
                m.subject = "bg %02d" % i
                m.body = "x"
                s.append(folder, m)
                m.close()
            s.select(folder)
            done = []
            s.progress(lambda d, t: done.append((d, t)))
            with s.get_all(wd.WD_READ_ALL, background=True) as lst:
                subjects = [m.subject for m in lst.follow(poll=0.01)]
                assert lst.complete
            assert subjects == ["bg %02d" % i for i in range(12)]
            assert done[-1][0] == done[-1][1] > 0
            s.progress(None)
            s.select("INBOX")
        finally:
            s.delete_folder(folder)
