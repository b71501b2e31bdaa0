"""Proof that the bench from scripts/mailservers works, using only Python's
standard mail clients (no wd300com code).

    scripts/mailservers start
    python3 -m pytest -q scripts/tests/test_mailservers.py

The variables come from the environment when WD_TEST_HOST is set, otherwise
from `scripts/mailservers env` evaluated by bash (which also proves that its
quoting survives carol's password).
"""

import base64
import imaplib
import json
import os
import poplib
import smtplib
import ssl
import subprocess
import time
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), "mailservers")
DELIVERY_TIMEOUT = 10.0


def _load_env():
    if os.environ.get("WD_TEST_HOST"):
        return dict(os.environ)
    out = subprocess.run(
        ["bash", "-c", 'eval "$("$0" env)" && env -0', SCRIPT],
        check=True, stdout=subprocess.PIPE).stdout
    env = {}
    for item in out.split(b"\0"):
        if b"=" in item:
            k, v = item.split(b"=", 1)
            env[k.decode()] = v.decode("utf-8")
    return env


E = _load_env()
HOST = E["WD_TEST_HOST"]


def port(name):
    return int(E["WD_TEST_%s_PORT" % name])


USERS = {
    "alice": (E["WD_TEST_USER1"], E["WD_TEST_PASS1"], E["WD_TEST_TOKEN1"]),
    "bob": (E["WD_TEST_USER2"], E["WD_TEST_PASS2"], E["WD_TEST_TOKEN2"]),
    "carol": (E["WD_TEST_USER3"], E["WD_TEST_PASS3"], E["WD_TEST_TOKEN3"]),
}


@pytest.fixture(scope="session", autouse=True)
def bench_running():
    r = subprocess.run([SCRIPT, "status"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=dict(os.environ, **{
                           "WD_BENCH_DIR": E["WD_BENCH_DIR"]}))
    if r.returncode != 0:
        pytest.fail("bench not running (scripts/mailservers start):\n"
                    + r.stdout.decode("utf-8", "replace"))


@pytest.fixture(scope="session")
def ctx():
    c = ssl.create_default_context(cafile=E["WD_TEST_CA"])
    assert c.verify_mode == ssl.CERT_REQUIRED and c.check_hostname
    return c


def new_subject(tag):
    return "wdbench %s %s" % (tag, uuid.uuid4().hex)


def message(frm, to, subject, body):
    return ("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@wd.test>\r\n"
            "\r\n%s\r\n" % (frm, to, subject, uuid.uuid4().hex, body))


def poll(fn, what):
    deadline = time.time() + DELIVERY_TIMEOUT
    while True:
        got = fn()
        if got is not None:
            return got
        if time.time() > deadline:
            pytest.fail("timed out after %.0fs waiting for %s" % (DELIVERY_TIMEOUT, what))
        time.sleep(0.1)


# ------------------------------------------------------------------ readers
def pop3_find(connect, user, pw, needle, apop=False):
    """Connect, log in, return the message containing needle (bytes) or None."""
    def once():
        p = connect()
        try:
            if apop:
                p.apop(user, pw)
            else:
                p.user(user)
                p.pass_(pw)
            count, _ = p.stat()
            for i in range(count, 0, -1):
                try:
                    lines = p.retr(i)[1]
                except poplib.error_proto:
                    # Another test removed this message meanwhile ("-ERR Message N
                    # expunged"): the mailboxes are shared, skip it.
                    continue
                raw = b"\r\n".join(lines)
                if needle in raw:
                    return raw
            return None
        finally:
            p.quit()
    return poll(once, "POP3 %s" % needle[:40])


def imap_login_literal(m, user, pw):
    """IMAP LOGIN with the password sent as a literal (needed for non-ASCII)."""
    m.literal = pw.encode("utf-8")
    typ, data = m._simple_command("LOGIN", m._quote(user))
    m.state = "AUTH"
    return typ, data


def imap_find(connect, user, pw, needle):
    def once():
        m = connect()
        try:
            m.login(user, pw)
            m.select("INBOX", readonly=True)
            typ, data = m.uid("SEARCH", "CHARSET", "UTF-8", "TEXT", m._quote(needle.decode()))
            uids = data[0].split()
            if not uids:
                return None
            typ, data = m.uid("FETCH", uids[-1], "(BODY.PEEK[])")
            return data[0][1]
        finally:
            m.logout()
    return poll(once, "IMAP %s" % needle[:40])


def pop3_plain():
    return poplib.POP3(HOST, port("POP3"), timeout=10)


def imap_plain():
    return imaplib.IMAP4(HOST, port("IMAP"), timeout=10)


# ------------------------------------------------------------------ SMTP
def test_submission_starttls_auth_to_pop3_plain(ctx):
    alice, apw, _ = USERS["alice"]
    bob, bpw, _ = USERS["bob"]
    subj = new_subject("starttls")
    with smtplib.SMTP(HOST, port("SMTP"), timeout=10) as s:
        s.ehlo()
        assert s.has_extn("starttls")
        s.starttls(context=ctx)
        s.ehlo()
        assert int(s.esmtp_features["size"]) >= 60 * 1024 * 1024
        assert s.has_extn("smtputf8")
        s.login(alice, apw)
        s.sendmail(alice, [bob], message(alice, bob, subj, "body via starttls"))
    raw = pop3_find(pop3_plain, bob, bpw, subj.encode())
    assert b"body via starttls" in raw


def test_smtps_to_pop3s(ctx):
    alice, apw, _ = USERS["alice"]
    bob, bpw, _ = USERS["bob"]
    subj = new_subject("smtps")
    with smtplib.SMTP_SSL(HOST, port("SMTPS"), timeout=10, context=ctx) as s:
        s.login(alice, apw)
        s.sendmail(alice, [bob], message(alice, bob, subj, "body via smtps"))
    raw = pop3_find(lambda: poplib.POP3_SSL(HOST, port("POP3S"), timeout=10, context=ctx),
                    bob, bpw, subj.encode())
    assert b"body via smtps" in raw


def test_notls_port_to_pop3_stls(ctx):
    alice, apw, _ = USERS["alice"]
    bob, bpw, _ = USERS["bob"]
    subj = new_subject("notls")
    with smtplib.SMTP(HOST, port("SMTP_NOTLS"), timeout=10) as s:
        s.ehlo()
        assert not s.has_extn("starttls")
        assert "PLAIN" in s.esmtp_features["auth"].split()
        s.login(alice, apw)  # AUTH over plain text is allowed here
        s.sendmail(alice, [bob], message(alice, bob, subj, "body via notls"))

    def stls():
        p = pop3_plain()
        assert "STLS" in p.capa()
        p.stls(context=ctx)
        return p
    raw = pop3_find(stls, bob, bpw, subj.encode())
    assert b"body via notls" in raw


def test_unauthenticated_from_loopback_is_accepted():
    bob, bpw, _ = USERS["bob"]
    subj = new_subject("noauth")
    with smtplib.SMTP(HOST, port("SMTP_NOTLS"), timeout=10) as s:
        s.sendmail("someone@example.org", [bob],
                   message("someone@example.org", bob, subj, "no auth"))
    imap_find(imap_plain, bob, bpw, subj.encode())


def test_imap_plain_starttls_imaps_read_back(ctx):
    alice, apw, _ = USERS["alice"]
    bob, bpw, _ = USERS["bob"]
    subj = new_subject("imap")
    with smtplib.SMTP(HOST, port("SMTP"), timeout=10) as s:
        s.starttls(context=ctx)
        s.login(bob, bpw)
        s.sendmail(bob, [alice], message(bob, alice, subj, "body for imap"))

    def starttls():
        m = imap_plain()
        m.starttls(ssl_context=ctx)
        return m
    for connect in (imap_plain, starttls,
                    lambda: imaplib.IMAP4_SSL(HOST, port("IMAPS"), ssl_context=ctx,
                                              timeout=10)):
        raw = imap_find(connect, alice, apw, subj.encode())
        assert b"body for imap" in raw


def test_smtputf8_subject_round_trip(ctx):
    alice, apw, _ = USERS["alice"]
    bob, bpw, _ = USERS["bob"]
    marker = uuid.uuid4().hex
    subj = "Grüße ✓ 日本語 %s" % marker
    msg = message(alice, bob, subj, "UTF-8 body: äöü").encode("utf-8")
    with smtplib.SMTP(HOST, port("SMTP"), timeout=10) as s:
        s.starttls(context=ctx)
        s.login(alice, apw)
        s.sendmail(alice, [bob], msg, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    raw = imap_find(imap_plain, bob, bpw, marker.encode())
    assert ("Subject: " + subj).encode("utf-8") in raw
    assert "UTF-8 body: äöü".encode("utf-8") in raw


def test_unknown_recipient_rejected_with_550():
    alice = USERS["alice"][0]
    bob = USERS["bob"][0]
    with smtplib.SMTP(HOST, port("SMTP_NOTLS"), timeout=10) as s:
        s.ehlo()
        s.mail(alice)
        code, _ = s.rcpt("nobody-%s@%s" % (uuid.uuid4().hex[:8], E["WD_TEST_DOMAIN"]))
        assert code == 550
        code, _ = s.rcpt("someone@example.com")
        assert code == 554  # relay access denied: mail never leaves
        code, _ = s.rcpt(bob)
        assert code == 250
        s.rset()


@pytest.mark.parametrize("mech", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_smtp_auth_mechanisms(mech, ctx):
    alice, apw, _ = USERS["alice"]
    with smtplib.SMTP(HOST, port("SMTP"), timeout=10) as s:
        s.starttls(context=ctx)
        s.ehlo()
        assert mech in s.esmtp_features["auth"].split()
        s.user, s.password = alice, apw
        fn = {"PLAIN": s.auth_plain, "LOGIN": s.auth_login,
              "CRAM-MD5": s.auth_cram_md5}[mech]
        code, _ = s.auth(mech, fn, initial_response_ok=(mech != "LOGIN"))
        assert code == 235


def test_smtp_bad_password_refused():
    alice = USERS["alice"][0]
    with smtplib.SMTP(HOST, port("SMTP_NOTLS"), timeout=10) as s:
        s.ehlo()
        s.user, s.password = alice, "wrong"
        with pytest.raises(smtplib.SMTPAuthenticationError) as ei:
            s.auth("PLAIN", s.auth_plain)
        assert ei.value.smtp_code == 535


def test_smtp_auth_plain_carol_utf8():
    carol, cpw, _ = USERS["carol"]
    resp = base64.b64encode(b"\0" + carol.encode() + b"\0" + cpw.encode("utf-8"))
    with smtplib.SMTP(HOST, port("SMTP_NOTLS"), timeout=10) as s:
        s.ehlo()
        code, _ = s.docmd("AUTH PLAIN", resp.decode())
        assert code == 235


# ------------------------------------------------------------------ POP3
def test_pop3_apop():
    bob, bpw, _ = USERS["bob"]
    p = pop3_plain()
    try:
        assert p.timestamp.search(p.welcome)
        assert p.apop(bob, bpw).startswith(b"+OK")
    finally:
        p.quit()
    p = pop3_plain()
    try:
        with pytest.raises(poplib.error_proto):
            p.apop(bob, "wrong")
    finally:
        p.close()


def test_pop3_carol_password():
    carol, cpw, _ = USERS["carol"]
    p = pop3_plain()
    try:
        p.user(carol)
        assert p.pass_(cpw).startswith(b"+OK")
    finally:
        p.quit()


# ------------------------------------------------------------------ IMAP
def test_imap_login_carol_weird_password():
    carol, cpw, _ = USERS["carol"]
    assert " " in cpw and '"' in cpw and any(ord(c) > 127 for c in cpw)
    m = imap_plain()
    try:
        typ, _ = imap_login_literal(m, carol, cpw)
        assert typ == "OK"
        assert m.select("INBOX")[0] == "OK"
    finally:
        m.logout()


def test_imap_cram_md5():
    alice, apw, _ = USERS["alice"]
    m = imap_plain()
    try:
        assert m.login_cram_md5(alice, apw)[0] == "OK"
    finally:
        m.logout()


def xoauth2(user, token):
    return ("user=%s\x01auth=Bearer %s\x01\x01" % (user, token)).encode()


def oauthbearer(user, token):
    return ("n,a=%s,\x01auth=Bearer %s\x01\x01" % (user, token)).encode()


def imap_oauth(mech, user, token):
    """Returns True on success, False on NO.  Answers an error challenge with
    an empty line, as SASL requires."""
    build = xoauth2 if mech == "XOAUTH2" else oauthbearer
    sent = []

    def auth(challenge):
        if not sent:
            sent.append(1)
            return build(user, token)
        assert b'"status"' in challenge, challenge
        return b""
    m = imap_plain()
    try:
        m.authenticate(mech, auth)
        return True
    except imaplib.IMAP4.error:
        return False
    finally:
        try:
            m.logout()
        except Exception:
            pass


@pytest.mark.parametrize("mech", ["XOAUTH2", "OAUTHBEARER"])
def test_imap_oauth_static_token(mech):
    alice, _, tok = USERS["alice"]
    assert imap_oauth(mech, alice, tok)


def test_imap_oauth_bad_tokens_refused():
    alice, _, _ = USERS["alice"]
    bob, _, bob_tok = USERS["bob"]
    assert not imap_oauth("XOAUTH2", alice, "not-a-token")
    assert not imap_oauth("XOAUTH2", alice, bob_tok)  # token of another user
    assert imap_oauth("XOAUTH2", bob, bob_tok)


def test_imap_oauth_tokens_file():
    alice, _, _ = USERS["alice"]
    path = E["WD_TEST_TOKENS_FILE"]
    with open(path, "r", encoding="utf-8") as f:
        saved = f.read()
    good, old = "t-" + uuid.uuid4().hex, "t-" + uuid.uuid4().hex
    data = json.loads(saved or "{}")
    data[good] = {"user": alice, "exp": int(time.time()) + 3600}
    data[old] = {"user": alice, "exp": int(time.time()) - 10}
    try:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f)
        assert imap_oauth("XOAUTH2", alice, good)
        assert not imap_oauth("XOAUTH2", alice, old)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(saved)


def test_smtp_xoauth2_static_token(ctx):
    alice, _, tok = USERS["alice"]
    with smtplib.SMTP(HOST, port("SMTP"), timeout=10) as s:
        s.starttls(context=ctx)
        s.ehlo()
        code, _ = s.docmd("AUTH XOAUTH2", base64.b64encode(xoauth2(alice, tok)).decode())
        assert code == 235
