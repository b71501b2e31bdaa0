"""The Python side of bench/run: the standard library clients the library is compared with.

    peers.py smtp  HOST PORT USER PASS FILE N      smtplib: login, sendmail(FILE's bytes) N times
    peers.py pop3  HOST PORT USER PASS             poplib: retr(i) for every message
    peers.py imap  HOST PORT USER PASS             imaplib: one UID FETCH 1:* (BODY.PEEK[])
    peers.py pop3-last100 / imap-last100 HOST PORT USER PASS   open, count and list, read the last 100, close
    peers.py pop3-headers / imap-headers HOST PORT USER PASS   every message's header (TOP n 0 / one UID FETCH)
    peers.py parse PATH...                         email.message_from_bytes(policy.default)
    peers.py memparse FILE DIR                     one message parsed, its attachments written to DIR
    peers.py ctypes-smtp HOST PORT USER PASS FILE N   the library from Python (python/ package)

Prints one JSON line {"n", "bytes", "secs"} like bench/wdbench; the time covers the session
(connect to quit) or the parsing (files already in memory).
"""

import email
import email.policy
import imaplib
import json
import os
import poplib
import smtplib
import sys
import time


def report(n, nbytes, secs):
    print(json.dumps({"n": n, "bytes": nbytes, "secs": round(secs, 6)}), flush=True)


def envelope(data):
    msg = email.message_from_bytes(data.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
    return email.utils.parseaddr(msg["From"])[1], [email.utils.parseaddr(msg["To"])[1]]


def smtp(host, port, user, password, path, n):
    data = open(path, "rb").read()
    sender, rcpts = envelope(data)
    t0 = time.perf_counter()
    s = smtplib.SMTP(host, int(port))
    s.ehlo()
    if password != "-":
        s.login(user, password)
    for _ in range(int(n)):
        refused = s.sendmail(sender, rcpts, data)
        if refused:
            raise SystemExit(f"refused: {refused}")
    s.quit()
    report(int(n), len(data) * int(n), time.perf_counter() - t0)


def pop3(host, port, user, password):
    t0 = time.perf_counter()
    p = poplib.POP3(host, int(port))
    p.user(user)
    p.pass_(password)
    count, _ = p.stat()
    nbytes = 0
    for i in range(1, count + 1):
        _, lines, octets = p.retr(i)
        nbytes += octets
    p.quit()
    report(count, nbytes, time.perf_counter() - t0)


def imap(host, port, user, password):
    t0 = time.perf_counter()
    m = imaplib.IMAP4(host, int(port))
    m.login(user, password)
    m.select("INBOX")
    typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
    if typ != "OK":
        raise SystemExit(f"UID FETCH: {typ} {data}")
    bodies = [part[1] for part in data if isinstance(part, tuple)]
    m.logout()
    report(len(bodies), sum(len(b) for b in bodies), time.perf_counter() - t0)


def pop3_last100(host, port, user, password):
    t0 = time.perf_counter()
    p = poplib.POP3(host, int(port))
    p.user(user)
    p.pass_(password)
    count, _ = p.stat()
    listing = p.list()[1]
    nbytes = 0
    for i in range(max(1, count - 99), count + 1):
        nbytes += p.retr(i)[2]
    p.quit()
    report(min(count, 100), nbytes + len(listing), time.perf_counter() - t0)


def imap_last100(host, port, user, password):
    t0 = time.perf_counter()
    m = imaplib.IMAP4(host, int(port))
    m.login(user, password)
    typ, data = m.select("INBOX")
    count = int(data[0])
    m.uid("SEARCH", "ALL")
    m.fetch("1:*", "(UID FLAGS RFC822.SIZE)")
    typ, data = m.fetch(f"{max(1, count - 99)}:{count}", "(BODY.PEEK[])")
    bodies = [part[1] for part in data if isinstance(part, tuple)]
    m.logout()
    report(len(bodies), sum(len(b) for b in bodies), time.perf_counter() - t0)


def pop3_headers(host, port, user, password):
    t0 = time.perf_counter()
    p = poplib.POP3(host, int(port))
    p.user(user)
    p.pass_(password)
    count, _ = p.stat()
    nbytes = 0
    for i in range(1, count + 1):
        nbytes += p.top(i, 0)[2]
    p.quit()
    report(count, nbytes, time.perf_counter() - t0)


def imap_headers(host, port, user, password):
    t0 = time.perf_counter()
    m = imaplib.IMAP4(host, int(port))
    m.login(user, password)
    m.select("INBOX")
    typ, data = m.uid("FETCH", "1:*", "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER])")
    heads = [part[1] for part in data if isinstance(part, tuple)]
    m.logout()
    report(len(heads), sum(len(h) for h in heads), time.perf_counter() - t0)


def files(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out.extend(files(sorted(os.path.join(p, f) for f in os.listdir(p) if not f.startswith("."))))
        else:
            out.append(p)
    return out


def parse(paths):
    blobs = [open(p, "rb").read() for p in files(paths)]
    touched = 0
    t0 = time.perf_counter()
    for data in blobs:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        touched += len(str(msg["Subject"] or "")) + len(str(msg["From"] or ""))
        for kind in ("plain", "html"):
            body = msg.get_body(preferencelist=(kind,))
            if body is not None:
                touched += len(body.get_content())
        for att in msg.iter_attachments():
            touched += len(att.get_filename() or "")
            touched += len(att.get_content())
    secs = time.perf_counter() - t0
    print(f"peers: parse touched {touched} bytes", file=sys.stderr)
    report(len(blobs), sum(len(b) for b in blobs), secs)


def memparse(path, out_dir):
    """One large message received as bytes: parsed (the bytes then dropped), its fields
    read, every attachment written to a file in out_dir."""
    with open(path, "rb") as f:
        data = f.read()
    t0 = time.perf_counter()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    del data
    touched = len(str(msg["Subject"] or "")) + len(str(msg["From"] or ""))
    for kind in ("plain", "html"):
        body = msg.get_body(preferencelist=(kind,))
        if body is not None:
            touched += len(body.get_content())
    for i, att in enumerate(msg.iter_attachments()):
        with open(os.path.join(out_dir, f"py-{i}-{att.get_filename() or 'part'}"), "wb") as f:
            f.write(att.get_content())
    report(1, os.path.getsize(path), time.perf_counter() - t0)


def ctypes_smtp(host, port, user, password, path, n):
    """The library from Python through the ctypes package in python/ (flat functions)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
    import wd300com as wd

    data = open(path, "rb").read()
    m = wd.EmailCree()
    if not wd.EmailImporteSource(m, data):
        raise SystemExit(wd.ErreurInfo(wd.WD_ERR_MESSAGE))
    t0 = time.perf_counter()
    pw = None if password == "-" else password
    if not wd.EmailOuvreSessionSMTP(user, pw, host, int(port), 0, wd.WD_OPTION_NONE):
        raise SystemExit(wd.ErreurInfo(wd.WD_ERR_MESSAGE))
    for _ in range(int(n)):
        if not wd.EmailEnvoieMessage(user, m, 0):
            raise SystemExit(wd.ErreurInfo(wd.WD_ERR_MESSAGE))
    wd.EmailFermeSession(user)
    report(int(n), len(data) * int(n), time.perf_counter() - t0)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {
        "smtp": smtp,
        "pop3": pop3,
        "imap": imap,
        "parse": lambda *a: parse(list(a)),
        "memparse": memparse,
        "ctypes-smtp": ctypes_smtp,
        "pop3-last100": pop3_last100,
        "imap-last100": imap_last100,
        "pop3-headers": pop3_headers,
        "imap-headers": imap_headers,
    }[cmd](*args)
