#!/usr/bin/env python3
"""Sends an HTML message with an attachment over SMTP (STARTTLS + AUTH), then reads it
back over POP3 and over IMAP (both with STARTTLS), printing what arrived.

Settings come from the environment, as exported by `eval "$(scripts/mailservers env)"`:
WD_TEST_HOST, WD_TEST_SMTP_PORT, WD_TEST_POP3_PORT, WD_TEST_IMAP_PORT, WD_TEST_CA,
WD_TEST_USER1/PASS1 (the sender, SMTP login) and WD_TEST_USER2/PASS2 (the recipient,
POP3 and IMAP login).

    python3 examples/python_roundtrip.py

Uses the installed package (pip install ./python) or, failing that, the checkout's.
"""

import os
import sys
import time
import uuid

try:
    import wd300com as wd
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
    import wd300com as wd

DELIVERY_TIMEOUT = 20.0


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit("%s is not set: run eval \"$(scripts/mailservers env)\" first" % name)
    return value


HOST = env("WD_TEST_HOST")
CA = env("WD_TEST_CA")
SENDER, SENDER_PASS = env("WD_TEST_USER1"), env("WD_TEST_PASS1")
RCPT, RCPT_PASS = env("WD_TEST_USER2"), env("WD_TEST_PASS2")


def show(proto, m):
    print("%s: arrived: subject=%r" % (proto, m.subject))
    print("%s:          sender=%r to=%r" % (proto, m.sender, m.to))
    print("%s:          html=%r" % (proto, m.html.strip()[:60]))
    for a in m.attachments:
        print("%s:          attachment %r (%s), %d bytes" % (proto, a.name, a.type, len(a.content)))


def find(open_session, subject, proto):
    """Polls the mailbox, newest first, headers only, until `subject` arrives."""
    deadline = time.time() + DELIVERY_TIMEOUT
    while True:
        session = open_session()
        for m in session.messages(wd.WD_READ_HEADER, reverse=True):
            if m.subject == subject:
                return session, m
        session.close()
        if time.time() > deadline:
            sys.exit("%s: message not found after %ss" % (proto, DELIVERY_TIMEOUT))
        time.sleep(0.3)


def main():
    print("library %s (%s)" % (wd.version(), wd.library_path))
    tag = uuid.uuid4().hex[:10]
    subject = "wd300com Python round trip %s — été" % tag
    data = bytes(range(256)) * 4

    with wd.Message() as msg:
        msg.sender = "Alice <%s>" % SENDER
        msg.to = [RCPT]
        msg.subject = subject
        msg.body = "Plain text version.\n"
        msg.html = "<html><body><h1>Bonjour</h1><p>HTML body, tag %s.</p></body></html>" % tag
        msg.add_attachment_data("report-%s.bin" % tag, data, "application/octet-stream")
        with wd.SmtpSession(
            HOST, int(env("WD_TEST_SMTP_PORT")), SENDER, SENDER_PASS,
            security="starttls", ca_file=CA, timeout=30,
        ) as smtp:
            smtp.send(msg)
        print("SMTP: sent %r (%d bytes of source) to %s" % (subject, len(msg.source), RCPT))

    def pop3():
        return wd.Pop3Session(
            HOST, int(env("WD_TEST_POP3_PORT")), RCPT, RCPT_PASS,
            security="starttls", ca_file=CA, timeout=30,
        )

    def imap():
        return wd.ImapSession(
            HOST, int(env("WD_TEST_IMAP_PORT")), RCPT, RCPT_PASS,
            security="starttls", ca_file=CA, timeout=30,
        )

    session, m = find(pop3, subject, "POP3")
    with session:
        show("POP3", m)
        ok_pop3 = m.attachments[0].content == data

    session, m = find(imap, subject, "IMAP")
    with session:
        show("IMAP", m)
        ok_imap = m.attachments[0].content == data
        session.delete(m)  # tidy up: flag + expunge

    if not (ok_pop3 and ok_imap):
        sys.exit("attachment content differs")
    print("round trip OK")


if __name__ == "__main__":
    try:
        main()
    except wd.WdError as e:
        sys.exit("error: %s (server reply: %s)" % (e, e.server_reply))
