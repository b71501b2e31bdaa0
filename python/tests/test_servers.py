"""Through the Pythonic layer against the local mail servers (scripts/mailservers):
send over SMTP (STARTTLS + AUTH, CA WD_TEST_CA), read back over POP3 and IMAP.

Skipped without WD_TEST_HOST, failed instead when WD_REQUIRE_SERVERS=1."""

import itertools
import threading
import time
import uuid

import pytest

import wd300com as wd
from wd300com import ImapSession, Message, Pop3Session, Session, SmtpSession, WdError

DELIVERY_TIMEOUT = 20.0
PAYLOAD = b"\x00\x01binary\x00\xff\xfe" * 100


def port(env, name):
    return int(env["WD_TEST_%s_PORT" % name])


def user(env, i):
    return env["WD_TEST_USER%d" % i], env["WD_TEST_PASS%d" % i]


def smtp(env, **kw):
    u, p = user(env, 1)
    return SmtpSession(
        env["WD_TEST_HOST"], port(env, "SMTP"), u, p,
        security="starttls", ca_file=env["WD_TEST_CA"], timeout=30, **kw
    )


def pop3(env, i=2):
    u, p = user(env, i)
    return Pop3Session(
        env["WD_TEST_HOST"], port(env, "POP3"), u, p,
        security="starttls", ca_file=env["WD_TEST_CA"], timeout=30,
    )


def imap(env, i=3):
    u, p = user(env, i)
    return ImapSession(
        env["WD_TEST_HOST"], port(env, "IMAP"), u, p,
        security="starttls", ca_file=env["WD_TEST_CA"], timeout=30,
    )


def new_message(env, tag):
    msg = Message()
    msg.sender = "Alice Émetteur <%s>" % user(env, 1)[0]
    msg.to = [user(env, 2)[0]]
    msg.cc = [user(env, 3)[0]]
    msg.subject = "wd300com python %s — été" % tag
    msg.body = "Texte brut é\n"
    msg.html = "<p>Message <b>HTML</b> é %s</p>" % tag
    msg.add_attachment_data("données-%s.bin" % tag, PAYLOAD, "application/octet-stream")
    return msg


def find(session_factory, subject):
    """Polls the mailbox (newest first, headers only) until `subject` arrives.
    Returns (session, message); the caller closes the session."""
    deadline = time.time() + DELIVERY_TIMEOUT
    while True:
        s = session_factory()
        for m in s.messages(wd.WD_READ_HEADER, reverse=True):
            if m.subject == subject:
                return s, m
        s.close()
        if time.time() > deadline:
            pytest.fail("message %r not delivered within %ss" % (subject, DELIVERY_TIMEOUT))
        time.sleep(0.3)


def check_arrived(m, sent_subject, env):
    assert m.subject == sent_subject
    assert user(env, 1)[0] in m.sender
    assert "Alice Émetteur" in m.sender
    assert m.to == [user(env, 2)[0]]
    assert "<b>HTML</b>" in m.html  # a body field: completes the headers-only read
    assert "Texte brut é" in m.body
    atts = m.attachments
    assert len(atts) == 1
    assert atts[0].name.startswith("données-")
    assert atts[0].content == PAYLOAD


def test_send_then_read_back_pop3_and_imap(env):
    tag = uuid.uuid4().hex[:12]
    with new_message(env, tag) as msg:
        subject = msg.subject
        with smtp(env) as s:
            assert s.is_open
            assert s.send(msg) is None
            assert msg.refused == []
        assert not s.is_open

    session, m = find(lambda: pop3(env), subject)
    with session:
        check_arrived(m, subject, env)
        assert m.uid
        assert m.size > len(PAYLOAD)
        session.delete(m)
    # deleted at close: gone on the next session
    with pop3(env) as s2:
        recent = itertools.islice(s2.messages(wd.WD_READ_HEADER, reverse=True), 50)
        assert all(x.subject != subject for x in recent)

    session, m = find(lambda: imap(env), subject)
    with session:
        check_arrived(m, subject, env)
        assert m.uid and m.number >= 1
        assert m.header("Message-ID")
        session.delete(m)


def test_imap_iteration_get_all_and_folders(env):
    tag = uuid.uuid4().hex[:12]
    folder = "py-%s" % tag
    with imap(env) as s:
        s.create_folder(folder)
        try:
            assert folder in s.folders()
            for i in range(3):
                with Message() as m:
                    m.sender = user(env, 3)[0]
                    m.to = [user(env, 3)[0]]
                    m.subject = "append %d %s" % (i, tag)
                    m.add_attachment_data("n%d.bin" % i, bytes([i, 0, i]), None)
                    m.build()
                    s.append(folder, m)
            s.select(folder)
            assert s.count() == 3
            assert len(s) == 3
            subjects = [m.subject for m in s]
            assert subjects == ["append %d %s" % (i, tag) for i in range(3)]
            with s.get_all() as lst:
                assert len(lst) == 3
                assert [m.attachments[0].content for m in lst] == [bytes([i, 0, i]) for i in range(3)]
                assert lst[-1].subject == subjects[-1]
            first = s.first()
            assert first.subject == subjects[0]
            assert s.read(2).subject == subjects[1]
            assert s.read(99) is None
        finally:
            s.select("INBOX")
            s.delete_folder(folder)


@pytest.mark.parametrize("kind", ["pop3", "imap"])
def test_declared_session_and_bad_password(env, kind):
    name = "py-declared-%s" % uuid.uuid4().hex[:8]
    s = Session.declare(
        name, kind, server=env["WD_TEST_HOST"], port=port(env, kind.upper()),
        user=user(env, 1)[0], password="wrong password", security="starttls",
        ca_file=env["WD_TEST_CA"], timeout=30,
    )
    assert isinstance(s, {"pop3": Pop3Session, "imap": ImapSession}[kind])
    with pytest.raises(WdError) as ei:
        s.open()
    assert ei.value.code == wd.WD_E_AUTH
    assert "wrong password" not in ei.value.message
    assert ei.value.server_reply
    s.set("password", user(env, 1)[1])
    with s:
        assert s.is_open
        assert s.count() >= 0
    assert not s.is_open
    with s:  # the declaration survives close: open again
        assert s.count() >= 0


def test_starttls_not_offered_is_tls_error(env):
    u, p = user(env, 1)
    with pytest.raises(WdError) as ei:
        SmtpSession(
            env["WD_TEST_HOST"], port(env, "SMTP_NOTLS"), u, p,
            security="starttls", ca_file=env["WD_TEST_CA"], timeout=30,
        )
    assert ei.value.code == wd.WD_E_TLS


def test_refused_recipient(env):
    with smtp(env) as s, Message() as m:
        m.sender = user(env, 1)[0]
        m.to = ["nobody-%s@%s" % (uuid.uuid4().hex[:8], env.get("WD_TEST_DOMAIN", "wd.test"))]
        m.subject = "refused"
        with pytest.raises(WdError) as ei:
            s.send(m)
        assert ei.value.code == wd.WD_E_RECIPIENT_REFUSED
        assert "550" in (ei.value.server_reply or "") + " ".join(m.refused)


def deliver_with_smtplib(env, source, rcpt):
    """Delivers raw bytes with the standard library (independent of our SMTP client)."""
    import smtplib
    import ssl

    ctx = ssl.create_default_context(cafile=env["WD_TEST_CA"])
    u, p = user(env, 1)
    with smtplib.SMTP(env["WD_TEST_HOST"], port(env, "SMTP"), timeout=30) as s:
        s.starttls(context=ctx)
        s.login(u, p)
        s.sendmail(u, [rcpt], source)


def test_pop3_reads_what_we_built(env):
    tag = uuid.uuid4().hex[:12]
    with new_message(env, tag) as msg:
        subject = msg.subject
        deliver_with_smtplib(env, msg.build(), user(env, 2)[0])
    session, m = find(lambda: pop3(env), subject)
    with session:
        check_arrived(m, subject, env)
        assert m.size > 0 and m.uid
        n = session.count()
        assert n >= 1
        by_number = session.read(m.number)
        assert by_number.subject == subject
        session.delete(m)


def test_pop3_legacy_opener_and_flat_reading(env):
    tag = uuid.uuid4().hex[:12]
    with new_message(env, tag) as msg:
        subject = msg.subject
        deliver_with_smtplib(env, msg.build(), user(env, 2)[0])
    u, p = user(env, 2)
    deadline = time.time() + DELIVERY_TIMEOUT
    while True:
        # EmailOuvreSessionPOP3 names the session after the user; plain POP3 here.
        assert wd.EmailOuvreSessionPOP3(u, p, env["WD_TEST_HOST"], port(env, "POP3"), 0) == 1, (
            wd.ErreurInfo(wd.WD_ERR_FULL_DETAILS)
        )
        try:
            assert wd.EmailLitDernier(u, 0, wd.WD_READ_HEADER) == 1
            found = False
            while wd.EmailPropriete(0, wd.WD_EMAIL_OUT, 0) == "0":
                if wd.EmailPropriete(0, wd.WD_EMAIL_SUBJECT, 0) == subject:
                    found = True
                    break
                # 1 while a message was read; 0 without error past the first one.
                assert wd.EmailLitPrecedent(u, 0, wd.WD_READ_HEADER) in (0, 1)
                assert wd.ErreurDetectee() == 0
            if found:
                legacy = Message.legacy()
                assert legacy.attachments[0].content == PAYLOAD
                assert wd.EmailSupprimeMessage(u, 0) == 1
                return
        finally:
            assert wd.EmailFermeSession(u) == 1
        if time.time() > deadline:
            pytest.fail("not delivered")
        time.sleep(0.3)


def test_asynchronous_send_and_status(env):
    """SmtpSession.status() (EmailEtat) on a message sent asynchronously through the
    bench's Postfix: queued or sent right after send(), sent once close() has flushed the
    queue, then delivered; an unknown identifier is an argument error."""
    tag = uuid.uuid4().hex[:12]
    with new_message(env, tag) as msg:
        msg.to, msg.cc = [user(env, 3)[0]], []
        subject = msg.subject
        with smtp(env, asynchronous=True) as s:
            mail_id = s.send(msg)
            assert isinstance(mail_id, int) and mail_id > 0
            assert msg.mail_id == mail_id
            assert s.status(mail_id) in (wd.WD_STATUS_PENDING, wd.WD_STATUS_SENT)
        assert SmtpSession.status(mail_id) == wd.WD_STATUS_SENT, wd.last_error()
        assert SmtpSession.status(str(mail_id)) == wd.WD_STATUS_SENT
    with pytest.raises(WdError) as ei:
        SmtpSession.status(2**31 - 1)
    assert ei.value.code == wd.WD_E_INVALID_ARGUMENT
    session, m = find(lambda: imap(env), subject)
    with session:
        assert m.to == [user(env, 3)[0]]
        assert m.attachments[0].content == PAYLOAD
        session.delete(m)


@pytest.mark.parametrize("method", [wd.WD_AUTH_SCRAM_SHA_256, "scram-sha-1"])
def test_scram_auth_method_keyword(env, method):
    u, p = user(env, 3)
    for cls, name in [(SmtpSession, "SMTP"), (ImapSession, "IMAP")]:
        with cls(
            env["WD_TEST_HOST"], port(env, name), u, p, security="starttls",
            ca_file=env["WD_TEST_CA"], timeout=30, auth_method=method,
        ) as s:
            assert s.is_open


def test_imap_wait_search_seek_roles_and_flags(env):
    """wait_once(0) (nothing new), search(), seek(), special_folder(), folder_roles() and the
    flag attributes through the Pythonic layer."""
    tag = uuid.uuid4().hex[:8]
    folder = "py-find-%s" % tag
    with imap(env) as s:
        assert s.special_folder("sent") == "Sent"
        assert s.special_folder(wd.WD_FOLDER_TRASH) == "Trash"
        assert s.special_folder("all") is None
        assert s.folder_roles()["Drafts"] == wd.WD_FOLDER_DRAFTS
        assert s.folder_roles()["INBOX"] == 0
        with pytest.raises(WdError):
            s.special_folder("nope")
        s.create_folder(folder)
        for subject in ("café %s" % tag, "thé %s" % tag, "café crème %s" % tag):
            with Message() as m:
                m.sender = user(env, 1)[0]
                m.to = [user(env, 3)[0]]
                m.subject = subject
                m.body = "corps"
                s.append(folder, m)
        s.select(folder)
        assert s.wait_once(0) is False
        found = s.search("SUBJECT café")
        assert [m.subject for m in found] == ["café %s" % tag, "café crème %s" % tag]
        found.close()
        assert [m.subject for m in s.seek("subject", "CRÈME")] == ["café crème %s" % tag]
        assert s.seek_first("body", "absent") is None
        first = s.first()
        assert first is not None and not first.flagged and first.keywords == []
        first.flagged = True
        first.keywords = ["$Label1"]
        s.update(first)
        again = s.read(1)
        assert again is not None and again.flagged and again.keywords == ["$Label1"]
        s.select("INBOX")
        s.delete_folder(folder)


def test_proxy_keyword_through_the_bench_proxies(env):
    u, p = user(env, 1)
    proxy_user, proxy_pass = env["WD_TEST_PROXY_USER"], env["WD_TEST_PROXY_PASS"]
    socks = "socks5h://%s:%s@127.0.0.1:%s" % (proxy_user, proxy_pass, env["WD_TEST_SOCKS_AUTH_PORT"])
    http = "http://%s:%s@127.0.0.1:%s" % (proxy_user, proxy_pass, env["WD_TEST_HTTP_PROXY_PORT"])
    with ImapSession(
        env["WD_TEST_TLS_NAME"], port(env, "IMAPS"), u, p,
        security="ssl", ca_file=env["WD_TEST_CA"], timeout=30, proxy=socks,
    ) as s:
        assert s.get("proxy") == socks.replace(":" + proxy_pass + "@", ":****@")
        assert s.count() >= 0
    with smtp(env, proxy=http) as s:
        assert s.get("proxy").startswith("http://%s:****@" % proxy_user)
    # A refusal by the proxy: WD_E_CONNECT with the proxy's reply.
    with pytest.raises(wd.WdConnectionError) as e:
        smtp(env, proxy="http://127.0.0.1:%s" % env["WD_TEST_HTTP_PROXY_PORT"])
    assert e.value.code == wd.WD_E_CONNECT
    assert "requires a user name and password" in e.value.message
    assert " 407 " in e.value.server_reply
    with pytest.raises(wd.InvalidArgumentError):
        smtp(env, proxy="ftp://127.0.0.1:21", open=False)


def test_wait_yields_new_mail_as_it_arrives(env):
    """`for m in imap.wait(seconds)`: messages sent over SMTP by another thread while the
    generator waits come out of it, with their subjects; a call on the session from that
    thread interrupts a wait without ending the generator."""
    tag = uuid.uuid4().hex[:8]
    subjects = {"wait %s %d" % (tag, i) for i in (1, 2)}
    with imap(env) as s:
        s.last(wd.WD_READ_HEADER)  # the listing: what arrives after it is new
        sent = []

        def send():
            s.folders()  # on the waiting session: the wait gives way, the generator waits on
            with smtp(env) as out:
                for subject in sorted(subjects):
                    with Message() as m:
                        m.sender = user(env, 1)[0]
                        m.to = [user(env, 3)[0]]
                        m.subject = subject
                        m.body = "new"
                        out.send(m)
                        sent.append(subject)

        sender = threading.Thread(target=send)
        sender.start()
        got = []
        try:
            for m in s.wait(DELIVERY_TIMEOUT, wd.WD_READ_HEADER):
                if m.subject in subjects:
                    got.append(m.subject)
                    s.delete(m)
                if len(got) == len(subjects):
                    break
        finally:
            sender.join()
        assert sent == sorted(subjects)
        assert sorted(got) == sorted(subjects)


def test_wait_ends_after_the_delay_or_when_closed(env):
    """wait() in a folder that gets no mail ends after the delay with nothing; closed by
    another thread, the session ends the generator without an error."""
    folder = "py-wait-%s" % uuid.uuid4().hex[:8]
    with imap(env) as s:
        s.create_folder(folder)
    try:
        with imap(env) as s:
            s.select(folder)
            assert list(s.wait(0)) == []
            assert list(s.wait(1)) == []
            closer = threading.Timer(0.5, s.close)
            start = time.monotonic()
            closer.start()
            assert list(s.wait(120)) == []
            closer.join()
            assert time.monotonic() - start < 60  # ended by the close, not by the delay
            assert not s.is_open
        with pytest.raises(wd.InvalidArgumentError):
            next(s.wait(-1))
    finally:
        with imap(env) as s:
            s.delete_folder(folder)


def test_max_message_size_keyword(env):
    """max_message_size= (WD_PROP_MAX_MESSAGE_SIZE, a keyword made from the header): a
    message larger than it is refused before it is sent."""
    u = user(env, 1)[0]
    with smtp(env, max_message_size=1000, connections=2) as s:
        assert s.get("max_message_size") == "1000"
        assert s.get("connections") == "2"
        with new_message(env, "big") as m:
            with pytest.raises(wd.MessageError) as e:
                s.send(m)
            assert e.value.code == wd.WD_E_MESSAGE
        with Message() as small:
            small.sender, small.to, small.subject, small.body = u, [u], "small", "ok"
            s.send(small)
