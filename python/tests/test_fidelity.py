"""WinDev fidelity: one test per row of docs/WINDEV-FIDELITY.md that the library corrected,
named after the row (F25, M13, C18 …), so that the table and these tests read side by side.

Each test does what ported WLangage code does, mostly through the flat C functions (as a C
port would: the legacy `Email` structure is message handle 0), against the local servers
with dave@wd.test (WD_TEST_USER4, a mailbox kept for these tests and the porting
examples), or against a small fake server of its own for the network edge cases. Server
tests fail (never skip) with WD_REQUIRE_SERVERS=1, as the other server tests do.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import email
import email.policy
import http.server
import imaplib
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from typing import Dict, Iterator, List, Optional, Tuple

import pytest

import wd300com as wd
from conftest import PYTHON_DIR

DELIVERY_TIMEOUT = 30.0

# -- helpers -------------------------------------------------------------------------


def dave(env) -> Tuple[str, str]:
    return env["WD_TEST_USER4"], env["WD_TEST_PASS4"]


def port(env, name: str) -> int:
    return int(env["WD_TEST_%s_PORT" % name])


def prop(h: int, p: int, i: int = 0) -> str:
    return wd.EmailPropriete(h, p, i)


def out(h: int = 0) -> bool:
    return prop(h, wd.WD_EMAIL_OUT) == "1"


def maildir(env) -> str:
    local, domain = dave(env)[0].split("@")
    return env["WD_TEST_MAILDIR_FMT"].replace("{domain}", domain).replace("{local}", local)


def mailbox_files(env) -> List[str]:
    files = []
    for sub in ("new", "cur"):
        d = os.path.join(maildir(env), sub)
        files += [os.path.join(d, f) for f in sorted(os.listdir(d))] if os.path.isdir(d) else []
    return files


def ensure_maildir(env) -> None:
    """Dovecot makes the Maildir at the first login."""
    if not os.path.isdir(os.path.join(maildir(env), "new")):
        u, p = dave(env)
        with imap_client(env):
            pass
        assert os.path.isdir(os.path.join(maildir(env), "new")), (u, p)


def empty_inbox(env) -> None:
    ensure_maildir(env)
    for f in mailbox_files(env):
        os.unlink(f)


def deliver(env, raws: List[bytes]) -> None:
    """Writes messages into dave's Maildir new/, in this order."""
    st = os.stat(maildir(env))
    for i, raw in enumerate(raws):
        name = "%d.%06d.fidelity%s" % (time.time(), i, secrets.token_hex(4))
        tmp = os.path.join(maildir(env), "tmp", name)
        with open(tmp, "wb") as f:
            f.write(raw)
        os.chown(tmp, st.st_uid, st.st_gid)
        os.rename(tmp, os.path.join(maildir(env), "new", name))


def raw_message(subject: str, body: str = "body", headers: str = "") -> bytes:
    return (
        "From: Alice <alice@wd.test>\r\nTo: dave@wd.test\r\n%sSubject: %s\r\n"
        "Message-ID: <%s@wd.test>\r\n\r\n%s\r\n" % (headers, subject, secrets.token_hex(8), body)
    ).encode()


def delivered(env, match) -> List[email.message.EmailMessage]:
    """The messages of dave's Maildir for which match(message) holds, once some arrived."""
    deadline = time.time() + DELIVERY_TIMEOUT
    while True:
        found = []
        for f in mailbox_files(env):
            with open(f, "rb") as fh:
                m = email.message_from_bytes(fh.read(), policy=email.policy.default)
            if match(m):
                found.append(m)
        if found or time.time() > deadline:
            return found
        time.sleep(0.3)


@contextlib.contextmanager
def pop3_legacy(env, raws: List[bytes]) -> Iterator[str]:
    """dave's inbox holding `raws`, a legacy POP3 session (named after the user) on it."""
    empty_inbox(env)
    deliver(env, raws)
    u, p = dave(env)
    assert wd.EmailOuvreSessionPOP3(u, p, env["WD_TEST_HOST"], port(env, "POP3"), 0) == 1, (
        wd.ErreurInfo(wd.WD_ERR_DEFAULT)
    )
    try:
        yield u
    finally:
        wd.EmailFermeSession(u)


@contextlib.contextmanager
def imap_client(env) -> Iterator[imaplib.IMAP4]:
    c = imaplib.IMAP4(env["WD_TEST_HOST"], port(env, "IMAP"))
    c.login(*dave(env))
    try:
        yield c
    finally:
        c.logout()


@contextlib.contextmanager
def imap_folder(env, n: int, raws: Optional[List[bytes]] = None) -> Iterator[Tuple[str, str]]:
    """A new folder of dave holding messages "m1" … "mN" (or `raws`), a legacy IMAP
    session selecting it; the folder is deleted afterwards."""
    folder = "fidelity-" + secrets.token_hex(4)
    with imap_client(env) as c:
        c.create(folder)
        for raw in raws if raws is not None else [raw_message("m%d" % i) for i in range(1, n + 1)]:
            c.append(folder, None, None, raw)
    u, p = dave(env)
    assert wd.EmailOuvreSessionIMAP(u, p, env["WD_TEST_HOST"], port(env, "IMAP"), 0) == 1
    try:
        assert wd.EmailChangeDossier(u, folder) == 1
        yield u, folder
    finally:
        wd.EmailFermeSession(u)
        with imap_client(env) as c:
            c.delete(folder)


def imap_flags(env, folder: str) -> Dict[str, str]:
    """Subject → FLAGS of every message of `folder`, read by another client."""
    with imap_client(env) as c:
        typ, exists = c.select(folder)
        if exists[0] == b"0":
            return {}
        typ, data = c.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        out = {}
        if typ == "OK" and data and data[0] is not None:
            for item in data:
                if isinstance(item, tuple):
                    subject = item[1].decode().split(":", 1)[1].strip()
                    out[subject] = item[0].decode()
        return out


@contextlib.contextmanager
def smtp_legacy(env, asynchronous: int = wd.WD_SENDING_SYNCHRONOUS) -> Iterator[str]:
    u, p = dave(env)
    assert wd.EmailOuvreSessionSMTP(
        u, p, env["WD_TEST_HOST"], port(env, "SMTP"), asynchronous, wd.WD_OPTION_NONE
    ) == 1, wd.ErreurInfo(wd.WD_ERR_DEFAULT)
    try:
        yield u
    finally:
        wd.EmailFermeSession(u)


def new_mail(address: str, subject: str, **fields) -> int:
    """A message from `address` to itself (handle), `fields` set as WD_EMAIL_* name →
    value."""
    h = wd.EmailCree()
    assert wd.EmailModifiePropriete(h, wd.WD_EMAIL_SENDER, 0, address) == 1
    assert wd.EmailAjoute(h, wd.WD_EMAIL_RECIPIENT, address) == 1
    assert wd.EmailModifiePropriete(h, wd.WD_EMAIL_SUBJECT, 0, subject) == 1
    assert wd.EmailModifiePropriete(h, wd.WD_EMAIL_MESSAGE, 0, "Bonjour.") == 1
    for name, value in fields.items():
        assert wd.EmailModifiePropriete(h, getattr(wd, "WD_EMAIL_" + name), 0, value) == 1
    return h


def built(h: int) -> email.message.EmailMessage:
    assert wd.EmailConstruitSource(h, 0) == 1, wd.ErreurInfo(wd.WD_ERR_DEFAULT)
    return email.message_from_bytes(wd.EmailSource(h), policy=email.policy.default)


def read_all(session: str, first, step) -> List[str]:
    """The subjects read by a loop `first`, then `step` until WD_EMAIL_OUT, deleting each."""
    seen = []
    first(session, 0, 0)
    while not out():
        seen.append(prop(0, wd.WD_EMAIL_SUBJECT))
        assert wd.EmailSupprimeMessage(session, 0) == 1
        assert out(), "EmailSupprimeMessage sets Email.EnDehors"
        step(session, 0, 0)
    assert wd.ErreurDetectee() == 0
    return seen


# -- 1.1 Functions -------------------------------------------------------------------


def test_F12_send_options_ask_delivery_status_notifications(env, tmp_path):
    """EmailEnvoieMessage honours its options: DSN (RFC 3461) NOTIFY and RET go on RCPT
    and MAIL (Postfix offers DSN), and Postfix's success report comes back."""
    trace = tmp_path / "trace.log"
    tag = secrets.token_hex(4)
    h = new_mail(dave(env)[0], "fidelity dsn %s" % tag)
    assert wd.EmailTrace(str(trace)) == 1
    try:
        with smtp_legacy(env) as s:
            opts = wd.WD_SEND_DSN_SUCCESS | wd.WD_SEND_DSN_FAILURE | wd.WD_SEND_DSN_HEADERS
            assert wd.EmailEnvoieMessage(s, h, opts) == 1, wd.ErreurInfo(wd.WD_ERR_DEFAULT)
            assert wd.EmailEnvoieMessage(s, h, 1 << 12) == 0
            assert wd.ErreurCode() == wd.WD_E_INVALID_ARGUMENT
    finally:
        wd.EmailTrace(None)
        wd.EmailLibere(h)
    text = trace.read_text()
    assert " RET=HDRS" in text and "NOTIFY=SUCCESS,FAILURE" in text, text
    reports = delivered(env, lambda m: m.get_content_type() == "multipart/report"
                        and "fidelity dsn %s" % tag in m.as_string())
    assert reports, "Postfix's delivery report came back to the sender"


def test_F13_EmailEnvoie_sends_a_ready_file(env, tmp_path):
    """EmailEnvoie sends a ready RFC 5322 file as it is: envelope from From/To/Cc/Bcc, the
    Bcc line removed, LF line ends made CRLF, a line starting with a dot kept."""
    ensure_maildir(env)
    tag = secrets.token_hex(4)
    eml = tmp_path / "ready.eml"
    eml.write_bytes(
        (
            "From: Dave <%s>\nTo: %s\nBcc: dave+hidden@wd.test\nSubject: fidelity eml %s\n"
            "X-Kept: as written\n\n.a line that starts with a dot\nbody %s\n"
            % (dave(env)[0], dave(env)[0], tag, tag)
        ).encode()
    )
    with smtp_legacy(env) as s:
        assert wd.EmailEnvoie(s, str(eml)) == 1, wd.ErreurInfo(wd.WD_ERR_DEFAULT)
        assert wd.EmailSend(s, str(tmp_path / "missing.eml")) == 0
        assert wd.ErreurCode() == wd.WD_E_IO
    got = delivered(env, lambda m: m["Subject"] == "fidelity eml %s" % tag)
    deadline = time.time() + DELIVERY_TIMEOUT
    while len(got) < 2 and time.time() < deadline:  # To and Bcc: two deliveries
        got = delivered(env, lambda m: m["Subject"] == "fidelity eml %s" % tag)
    assert len(got) == 2, "delivered to To and to Bcc"
    for m in got:
        assert m["Bcc"] is None and m["X-Kept"] == "as written"
        assert m.get_content().startswith(".a line that starts with a dot\n")


def test_F15_build_takes_a_wlangage_date():
    """A DateHeure is taken when set (no late failure at EmailConstruitSource); any other
    text is refused at once; WD_PARAM_DATE_FORMAT makes the date read as DateHeure."""
    h = wd.EmailCree()
    try:
        assert wd.EmailModifiePropriete(h, wd.WD_EMAIL_DATE, 0, "20240301102030") == 1
        local = datetime.datetime(2024, 3, 1, 10, 20, 30).astimezone()
        assert prop(h, wd.WD_EMAIL_DATE) == local.isoformat()
        assert built(h)["Date"].datetime == local
        assert wd.EmailParametre(wd.WD_PARAM_DATE_FORMAT, wd.WD_DATE_WLANGAGE) == 1
        try:
            assert prop(h, wd.WD_EMAIL_DATE) == "20240301102030"
        finally:
            assert wd.EmailParametre(wd.WD_PARAM_DATE_FORMAT, wd.WD_DATE_RFC3339) == 1
        assert wd.EmailModifiePropriete(h, wd.WD_EMAIL_DATE, 0, "01/03/2024") == 0
        assert wd.ErreurCode() == wd.WD_E_INVALID_ARGUMENT
        assert wd.EmailParametre(wd.WD_PARAM_DATE_FORMAT, 7) == 0
    finally:
        wd.EmailLibere(h)


def test_F18_a_failed_read_ends_the_EnDehors_loop():
    """PC SOFT's loop `EmailLitPremier … TANTQUE PAS Email.EnDehors … EmailLitSuivant` on a
    session that did not open ends at once: the failed read sets WD_EMAIL_OUT (and
    WD_EMAIL_ERROR), where it used to spin for ever."""
    turns = 0
    wd.EmailLitPremier("never-opened", 0, 0)
    assert wd.ErreurCode() == wd.WD_E_UNKNOWN_SESSION
    while not out() and turns < 3:
        turns += 1
        wd.EmailLitSuivant("never-opened", 0, 0)
    assert turns == 0
    assert "never-opened" in prop(0, wd.WD_EMAIL_ERROR)


def test_F19_past_the_end_a_read_returns_faux_without_error(env):
    """Appendix B.1: past the last message EmailLitSuivant returns 0 without error and sets
    WD_EMAIL_OUT, so `TANTQUE EmailLitSuivant(…)` ends as well as the EnDehors loop."""
    with pop3_legacy(env, [raw_message("one"), raw_message("two")]) as s:
        n = 0
        ok = wd.EmailLitPremier(s, 0, 0)
        while ok:
            n += 1
            ok = wd.EmailLitSuivant(s, 0, 0)
        assert n == 2 and out() and wd.ErreurDetectee() == 0


def test_F24_pop3_count_stays_for_the_session(env):
    """EmailNbMessage keeps the count of the session's first listing after a delete, so
    PC SOFT's `POUR I = 1 À EmailNbMessage` visits every number; the deleted one reads
    EnDehors ("this message was deleted")."""
    with pop3_legacy(env, [raw_message("a"), raw_message("b"), raw_message("c")]) as s:
        assert wd.EmailNbMessage(s, 0) == 3
        assert wd.EmailLitMessage(s, 0, 2) == 1
        assert wd.EmailSupprimeMessage(s, 0) == 1
        assert wd.EmailNbMessage(s, 0) == 3
        subjects = []
        for i in range(1, wd.EmailNbMessage(s, 0) + 1):
            wd.EmailLitMessage(s, 0, i)
            subjects.append("deleted" if out() else prop(0, wd.WD_EMAIL_SUBJECT))
        assert subjects == ["a", "deleted", "c"] and wd.ErreurDetectee() == 0
    u, p = dave(env)
    assert wd.EmailOuvreSessionPOP3(u, p, env["WD_TEST_HOST"], port(env, "POP3"), 0) == 1
    try:
        assert wd.EmailNbMessage(u, 0) == 2, "removed at the close"
    finally:
        wd.EmailFermeSession(u)


def test_F25_delete_sets_out_and_imap_only_flags(env):
    """EmailSupprimeMessage sets Email.EnDehors; on IMAP it flags \\Deleted only: another
    client still sees the message, numbers do not move, and it goes at the close."""
    with imap_folder(env, 3) as (s, folder):
        assert wd.EmailLitPremier(s, 0, 0) == 1
        assert wd.EmailSupprimeMessage(s, 0) == 1
        assert out()
        flags = imap_flags(env, folder)
        assert len(flags) == 3 and "\\Deleted" in flags["m1"] and "\\Deleted" not in flags["m2"]
        assert wd.EmailNbMessage(s, 0) == 3
        assert wd.EmailLitSuivant(s, 0, 0) == 1
        assert (prop(0, wd.WD_EMAIL_SUBJECT), prop(0, wd.WD_EMAIL_NUMBER)) == ("m2", "2")
        wd.EmailFermeSession(s)
        assert sorted(imap_flags(env, folder)) == ["m2", "m3"], "CLOSE removed it"


def test_F25_deleting_while_reading_visits_every_message_both_ways(env):
    """A loop that deletes each message as it reads visits all of them, forward and
    backward, on POP3 and IMAP (reading backward used to skip every other message)."""
    names = ["m1", "m2", "m3", "m4"]
    for first, step, want in [
        (wd.EmailLitPremier, wd.EmailLitSuivant, names),
        (wd.EmailLitDernier, wd.EmailLitPrecedent, names[::-1]),
    ]:
        with pop3_legacy(env, [raw_message(n) for n in names]) as s:
            assert read_all(s, first, step) == want
        with imap_folder(env, 4) as (s, folder):
            assert read_all(s, first, step) == want
            wd.EmailFermeSession(s)
            assert imap_flags(env, folder) == {}


def test_F26_EmailDetruit_removes_the_deleted_messages(env):
    """EmailDetruit removes the messages flagged \\Deleted now (UID EXPUNGE: Dovecot offers
    UIDPLUS); on POP3 it is not supported (deletions go at QUIT)."""
    with imap_folder(env, 3) as (s, folder):
        assert wd.EmailLitMessage(s, 0, 2) == 1
        assert wd.EmailSupprimeMessage(s, 0) == 1
        assert wd.EmailDetruit(s) == 1
        assert sorted(imap_flags(env, folder)) == ["m1", "m3"]
        assert wd.EmailNbMessage(s, 0) == 2
        assert wd.EmailLitMessage(s, 0, 2) == 1 and prop(0, wd.WD_EMAIL_SUBJECT) == "m3"
    with pop3_legacy(env, [raw_message("p")]) as s:
        assert wd.EmailDestroy(s) == 0
        assert wd.ErreurCode() == wd.WD_E_NOT_SUPPORTED


def test_F27_EmailLitEnteteMessage_reads_the_headers_of_message_n(env):
    """EmailLitEntêteMessage reads the headers of message N (the body on first access);
    a number with no message reads Faux and EnDehors, without error."""
    raws = [raw_message("first", "body one"), raw_message("second", "body two")]
    with pop3_legacy(env, raws) as s:
        assert wd.EmailLitEnteteMessage(s, 0, 2) == 1
        assert prop(0, wd.WD_EMAIL_SUBJECT) == "second"
        assert prop(0, wd.WD_EMAIL_MESSAGE).strip() == "body two", "fetched on access"
        assert wd.EmailReadMessageHeader(s, 0, 9) == 0 and out() and wd.ErreurDetectee() == 0


def test_F28_EmailTailleMessage_gives_the_size_without_fetching(env):
    """EmailTailleMessage gives the size the server announces; -1 for no such message."""
    raws = [raw_message("small"), raw_message("big", "x" * 5000)]
    with pop3_legacy(env, raws) as s:
        assert wd.EmailTailleMessage(s, 1) == len(raws[0])
        assert wd.EmailMessageSize(s, 2) == len(raws[1])
        assert wd.EmailTailleMessage(s, 3) == -1
        assert wd.ErreurCode() == wd.WD_E_INVALID_ARGUMENT


def seek_all(session: str, criterion: int, value: str) -> List[str]:
    """The subjects EmailCherchePremier then EmailChercheSuivant read into the structure,
    until Faux; that end is no error and leaves Email.EnDehors set."""
    found = []
    r = wd.EmailCherchePremier(session, 0, criterion, value)
    while r == 1:
        found.append(prop(0, wd.WD_EMAIL_SUBJECT))
        r = wd.EmailChercheSuivant(session, 0)
    assert wd.ErreurDetectee() == 0, wd.ErreurInfo(wd.WD_ERR_DEFAULT)
    assert out()
    return found


def test_F31_EmailCherchePremier_reads_each_match_then_faux(env):
    """EmailCherchePremier / EmailChercheSuivant read the matching messages one after
    another into the structure (IMAP searches on the server, POP3 looks at each message);
    after the last match Faux without error and Email.EnDehors, as the reading functions
    end; a deleted message is passed over, as EmailLitSuivant passes over it."""
    raws = [
        raw_message("m1", "Le café est servi."),
        raw_message("m2", "Thé vert."),
        raw_message("m3", "CAFÉ noir."),
        raw_message("m4", "Un café ?"),
    ]
    with pop3_legacy(env, raws) as s:
        assert seek_all(s, wd.WD_SEEK_BODY, "café") == ["m1", "m3", "m4"]
        assert seek_all(s, wd.WD_SEEK_BODY, "absent") == []
    with imap_folder(env, 0, raws) as (s, folder):
        assert seek_all(s, wd.WD_SEEK_BODY, "café") == ["m1", "m3", "m4"]
        assert wd.EmailLitMessage(s, 0, 3) == 1
        assert wd.EmailSupprimeMessage(s, 0) == 1
        assert seek_all(s, wd.WD_SEEK_BODY, "café") == ["m1", "m4"]
        # Deleted between two reads of the seek: passed over too.
        assert wd.EmailCherchePremier(s, 0, wd.WD_SEEK_BODY, "café") == 1
        assert prop(0, wd.WD_EMAIL_SUBJECT) == "m1"
        other = wd.EmailCree()
        try:
            assert wd.EmailLitMessage(s, other, 4) == 1
            assert wd.EmailSupprimeMessage(s, other) == 1
        finally:
            wd.EmailLibere(other)
        assert wd.EmailChercheSuivant(s, 0) == 0 and out() and wd.ErreurDetectee() == 0


def test_F34_EmailOuvreMessagerie_opens_the_mail_client(tmp_path, monkeypatch):
    """EmailOuvreMessagerie / EmailLanceAppli hand the message to the desktop's mail
    client: xdg-email's arguments, here to a stand-in named by WD300COM_MAILER."""
    args_file = tmp_path / "args"
    mailer = tmp_path / "mailer.sh"
    mailer.write_text('#!/bin/sh\nfor a in "$@"; do printf "%%s\\n" "$a"; done > "%s"\n'
                      % args_file)
    mailer.chmod(0o755)
    monkeypatch.setenv("WD300COM_MAILER", str(mailer))
    wd.EmailRAZ(0)
    wd.EmailAjoute(0, wd.WD_EMAIL_RECIPIENT, "Toi <toi@wd.test>")
    wd.EmailAjoute(0, wd.WD_EMAIL_CC, "cc@wd.test")
    wd.EmailModifiePropriete(0, wd.WD_EMAIL_SUBJECT, 0, "Le rapport")
    wd.EmailModifiePropriete(0, wd.WD_EMAIL_MESSAGE, 0, "Bonjour")
    wd.EmailAjouteFichierAttacheMemoire(0, "rapport.txt", b"contenu", None)
    assert wd.EmailLanceAppli(0) == 1, wd.ErreurInfo(0)
    args = args_file.read_text().splitlines()
    assert args[:7] == ["--utf8", "--cc", "cc@wd.test", "--subject", "Le rapport", "--body",
                        "Bonjour"]
    assert args[7] == "--attach" and args[8].endswith("/rapport.txt")
    assert open(args[8], "rb").read() == b"contenu" and args[9:] == ["toi@wd.test"]
    monkeypatch.setenv("WD300COM_MAILER", "false")
    assert wd.EmailOuvreMessagerie(0) == 0 and wd.ErreurCode() == wd.WD_E_IO


def test_F38_ErreurInfo_without_argument_is_the_full_details():
    """ErreurInfo(0) is WLangage's ErreurInfo(): everything; the strings of several queries
    stay valid together until the error state changes."""
    assert wd.EmailChangeTimeOut(0) == 0
    code = wd.lib.ErreurInfo(wd.WD_ERR_CODE)
    message = wd.lib.ErreurInfo(wd.WD_ERR_MESSAGE)
    full = wd.ErreurInfo(wd.WD_ERR_DEFAULT)
    assert full == wd.ErreurInfo(wd.WD_ERR_FULL_DETAILS) and "Error 101" in full
    assert ctypes.string_at(code) == b"101"
    assert ctypes.string_at(message).decode() in full


# -- 1.2 The Email structure ---------------------------------------------------------


def test_M2_recipient_by_index_as_the_structure_does():
    """`Email.Destinataire[1] = x` is index 0 (arrays are 0-based in C)."""
    wd.EmailRAZ(0)
    assert wd.EmailModifiePropriete(0, wd.WD_EMAIL_RECIPIENT, 0, "x@wd.test") == 1
    assert wd.EmailModifiePropriete(0, wd.WD_EMAIL_RECIPIENT, 1, "y@wd.test") == 1
    assert [prop(0, wd.WD_EMAIL_RECIPIENT, i) for i in range(2)] == ["x@wd.test", "y@wd.test"]


def test_M3_NbDestinataire_follows_the_recipients():
    """`Email.NbDestinataire` reads the number of To recipients (To only, as WinDev), and
    setting it keeps the first N."""
    wd.EmailRAZ(0)
    for a in ("a@wd.test", "b@wd.test"):
        wd.EmailAjoute(0, wd.WD_EMAIL_RECIPIENT, a)
    wd.EmailAjoute(0, wd.WD_EMAIL_CC, "c@wd.test")
    assert prop(0, wd.WD_EMAIL_NB_RECIPIENT) == "2"
    # `Email.NbDestinataire = 1`: WinDev sends to the first one only.
    assert wd.EmailModifiePropriete(0, wd.WD_EMAIL_NB_RECIPIENT, 0, "1") == 1
    assert wd.EmailNb(0, wd.WD_EMAIL_RECIPIENT) == 1
    assert wd.EmailModifiePropriete(0, wd.WD_EMAIL_NB_RECIPIENT, 0, "5") == 0


def test_M10_Attache_takes_a_path_and_a_non_ascii_name_has_no_defect(tmp_path):
    """`Ajoute(Email.Attache, chemin)` attaches the file; a non-ASCII name is written as
    RFC 2231 in Content-Type (name*=) as in Content-Disposition (filename*=), so Python's
    email (policy default) reports no defect, and the name reads back."""
    f = tmp_path / "données été.bin"
    f.write_bytes(b"\x00\x01payload")
    h = wd.EmailCree()
    try:
        wd.EmailModifiePropriete(h, wd.WD_EMAIL_SENDER, 0, "a@wd.test")
        wd.EmailAjoute(h, wd.WD_EMAIL_RECIPIENT, "b@wd.test")
        assert wd.EmailAjoute(h, wd.WD_EMAIL_ATTACHMENT_NAME, str(f)) == 1
        assert prop(h, wd.WD_EMAIL_ATTACHMENT_NAME) == "données été.bin"
        m = built(h)
        source = wd.EmailSource(h).decode()
        assert "=?" not in source.split("\r\n\r\n", 1)[1], "no RFC 2047 word in a parameter"
        assert "name*=utf-8''donn%C3%A9es%20%C3%A9t%C3%A9.bin" in source
        assert all(not p.defects for p in m.walk())
        (part,) = list(m.iter_attachments())
        assert part.get_filename() == "données été.bin"
        assert part.get_content_type() == "application/octet-stream"
        assert part.get_content() == b"\x00\x01payload"
        assert wd.EmailAjoute(h, wd.WD_EMAIL_ATTACHMENT_NAME, str(tmp_path / "none")) == 0
        assert wd.ErreurCode() == wd.WD_E_IO
    finally:
        wd.EmailLibere(h)


def test_M11_NbAttache_follows_the_attachments():
    """`Email.NbAttache` reads the number of attachments."""
    wd.EmailRAZ(0)
    for name in ("a.txt", "b.txt"):
        wd.EmailAjouteFichierAttacheMemoire(0, name, b"x", None)
    assert prop(0, wd.WD_EMAIL_NB_ATTACHMENT) == "2"
    assert wd.EmailModifiePropriete(0, wd.WD_EMAIL_NB_ATTACHMENT, 0, "2") == 1


def test_M13_AccuseReception_is_a_boolean():
    """`Email.AccuséRéception = Vrai` asks a receipt at the sender's address (it used to
    write `Disposition-Notification-To: 1`); an address is still taken; a received
    message reads "1" with the address apart."""
    h = new_mail("dave@wd.test", "receipt")
    try:
        assert wd.EmailModifiePropriete(h, wd.WD_EMAIL_DISPOSITION_NOTIFICATION, 0, "Vrai") == 1
        assert prop(h, wd.WD_EMAIL_DISPOSITION_NOTIFICATION) == "1"
        assert built(h)["Disposition-Notification-To"] == "dave@wd.test"
        wd.EmailModifiePropriete(h, wd.WD_EMAIL_DISPOSITION_NOTIFICATION, 0, "Boss <boss@wd.test>")
        assert prop(h, wd.WD_EMAIL_DISPOSITION_NOTIFICATION_TO) == "Boss <boss@wd.test>"
        m = built(h)
        assert m["Disposition-Notification-To"] == "Boss <boss@wd.test>"
        r = wd.EmailCree()
        try:
            assert wd.EmailImporteSource(r, wd.EmailSource(h)) == 1
            assert prop(r, wd.WD_EMAIL_DISPOSITION_NOTIFICATION) == "1"
            assert prop(r, wd.WD_EMAIL_DISPOSITION_NOTIFICATION_TO) == "Boss <boss@wd.test>"
        finally:
            wd.EmailLibere(r)
        wd.EmailModifiePropriete(h, wd.WD_EMAIL_DISPOSITION_NOTIFICATION, 0, "0")
        assert built(h)["Disposition-Notification-To"] is None
    finally:
        wd.EmailLibere(h)


def test_M15_Email_Erreur_holds_the_last_failure(env):
    """`Email.Erreur`: the message of the last failed send, "" after a success."""
    h = wd.EmailCree()
    try:
        wd.EmailModifiePropriete(h, wd.WD_EMAIL_SENDER, 0, dave(env)[0])
        wd.EmailAjoute(h, wd.WD_EMAIL_RECIPIENT, "nobody-%s@wd.test" % secrets.token_hex(3))
        wd.EmailModifiePropriete(h, wd.WD_EMAIL_SUBJECT, 0, "refused")
        with smtp_legacy(env) as s:
            assert wd.EmailEnvoieMessage(s, h, 0) == 0
            assert "refused" in prop(h, wd.WD_EMAIL_ERROR)
            wd.EmailModifiePropriete(h, wd.WD_EMAIL_RECIPIENT, 0, dave(env)[0])
            assert wd.EmailEnvoieMessage(s, h, 0) == 1
            assert prop(h, wd.WD_EMAIL_ERROR) == ""
    finally:
        wd.EmailLibere(h)


def test_M17_IdentifiantMail_follows_EmailEtat(env):
    """`Email.IdentifiantMail` of an asynchronous send is the number EmailEtat takes."""
    h = new_mail(dave(env)[0], "fidelity async")
    try:
        with smtp_legacy(env, wd.WD_SENDING_ASYNCHRONOUS) as s:
            assert wd.EmailEnvoieMessage(s, h, 0) == 1
            mail_id = int(prop(h, wd.WD_EMAIL_MAIL_ID))
            assert wd.EmailEtat(mail_id) in (wd.WD_STATUS_PENDING, wd.WD_STATUS_SENT)
        assert wd.EmailEtat(mail_id) == wd.WD_STATUS_SENT
    finally:
        wd.EmailLibere(h)


def test_M18_EnDehors_after_a_delete(env):
    """`Email.EnDehors` is Vrai after EmailSupprimeMessage (and after a failed read, F18)."""
    with pop3_legacy(env, [raw_message("only")]) as s:
        assert wd.EmailLitPremier(s, 0, 0) == 1 and not out()
        assert wd.EmailSupprimeMessage(s, 0) == 1 and out()


def test_M19_AdresseExpediteur_is_where_replies_go():
    """Appendix B.3: `Email.AdresseExpéditeur` reads Reply-To, else the sender."""
    r = wd.EmailCree()
    try:
        wd.EmailImporteSource(r, raw_message("x", headers="Reply-To: R <r@wd.test>\r\n"))
        assert prop(r, wd.WD_EMAIL_SENDER_ADDRESS) == "R <r@wd.test>"
        wd.EmailImporteSource(r, raw_message("y"))
        assert prop(r, wd.WD_EMAIL_SENDER_ADDRESS) == "Alice <alice@wd.test>"
    finally:
        wd.EmailLibere(r)


def test_M20_named_priorities():
    """`Email.Priorité = emailHighPriority` ports with WD_PRIORITY_HIGH."""
    h = new_mail("dave@wd.test", "priority", PRIORITY=wd.WD_PRIORITY_HIGH)
    try:
        assert built(h)["X-Priority"].startswith("1")
        wd.EmailModifiePropriete(h, wd.WD_EMAIL_PRIORITY, 0, wd.WD_PRIORITY_LOW)
        assert built(h)["X-Priority"].startswith("5")
    finally:
        wd.EmailLibere(h)


def test_M21_Confidentialite_writes_the_sensitivity():
    """`Email.Confidentialité = emailCompanyConfidential`: the Sensitivity header."""
    h = new_mail("dave@wd.test", "secret",
                 CONFIDENTIALITY=wd.WD_CONFIDENTIALITY_COMPANY)
    try:
        assert built(h)["Sensitivity"] == "Company-Confidential"
        r = wd.EmailCree()
        wd.EmailImporteSource(r, wd.EmailSource(h))
        assert prop(r, wd.WD_EMAIL_CONFIDENTIALITY) == wd.WD_CONFIDENTIALITY_COMPANY
        wd.EmailLibere(r)
        assert wd.EmailModifiePropriete(h, wd.WD_EMAIL_CONFIDENTIALITY, 0, "top") == 0
    finally:
        wd.EmailLibere(h)


# -- 1.5 Constants -------------------------------------------------------------------


def test_C4_named_sending_modes(env):
    """`emailSynchrone` / `emailAsynchrone` have names (and the values of Faux / Vrai)."""
    assert (wd.WD_SENDING_SYNCHRONOUS, wd.WD_SENDING_ASYNCHRONOUS) == (0, 1)
    with smtp_legacy(env, wd.WD_SENDING_ASYNCHRONOUS):
        pass


def test_C5_emailBody_and_emailMessageID(env):
    """`emailBody` and `emailMessageID` are WD_SEEK_BODY and WD_SEEK_MESSAGE_ID (the
    Message-ID with or without its angle brackets, the whole of it); by subject and by
    sender are the library's additions. An unknown criterion is refused."""
    assert (wd.WD_SEEK_BODY, wd.WD_SEEK_MESSAGE_ID) == (1, 2)
    assert (wd.WD_SEEK_SUBJECT, wd.WD_SEEK_SENDER) == (3, 4)
    raws = [raw_message("m%d" % i) for i in (1, 2, 3)]
    mid = email.message_from_bytes(raws[1])["Message-ID"].strip("<>")
    with pop3_legacy(env, raws) as s:
        for value in (mid, "<%s>" % mid):
            assert seek_all(s, wd.WD_SEEK_MESSAGE_ID, value) == ["m2"]
        assert seek_all(s, wd.WD_SEEK_MESSAGE_ID, mid[:-3]) == []
    with imap_folder(env, 0, raws) as (s, folder):
        for value in (mid, "<%s>" % mid):
            assert seek_all(s, wd.WD_SEEK_MESSAGE_ID, value) == ["m2"]
        assert seek_all(s, wd.WD_SEEK_SUBJECT, "M3") == ["m3"]
        assert seek_all(s, wd.WD_SEEK_SENDER, "alice@") == ["m1", "m2", "m3"]
        assert wd.EmailSeekFirst(s, 0, 99, "x") == 0
        assert wd.ErreurCode() == wd.WD_E_INVALID_ARGUMENT


def test_C8_priority_constants():
    """`emailHighPriority` / `emailLowPriority`: text constants for WD_EMAIL_PRIORITY."""
    assert (wd.WD_PRIORITY_HIGH, wd.WD_PRIORITY_NORMAL, wd.WD_PRIORITY_LOW) == ("1", "3", "5")


def _received(env, tag: str, options: int) -> email.message.EmailMessage:
    h = new_mail(dave(env)[0], "fidelity %s" % tag)
    try:
        with smtp_legacy(env) as s:
            assert wd.EmailEnvoieMessage(s, h, options) == 1, wd.ErreurInfo(wd.WD_ERR_DEFAULT)
    finally:
        wd.EmailLibere(h)
    got = delivered(env, lambda m: m["Subject"] == "fidelity %s" % tag)
    assert got
    return got[0]


def test_C10_encode_header_option_encodes_at_send_time(env):
    """`emailOptionEncodeEntête` at send time: every text header encoded, ASCII too."""
    tag = secrets.token_hex(4)
    m = _received(env, tag, wd.WD_SEND_ENCODE_HEADER)
    raw = m.as_bytes().decode(errors="replace")
    assert "\nSubject: =?utf-8?" in raw.replace("\r\n", "\n"), raw[:400]
    assert m["Subject"] == "fidelity %s" % tag


class SmtpSink:
    """A minimal SMTP server on 127.0.0.1 keeping what DATA brings (Postfix removes the
    Bcc header on its way, so what the client sent is checked here)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.data: List[bytes] = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        conn, _ = self.sock.accept()
        f = conn.makefile("rb")
        conn.sendall(b"220 sink ready\r\n")
        for line in f:
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO"):
                conn.sendall(b"250-sink\r\n250 8BITMIME\r\n")
            elif cmd == b"DATA":
                conn.sendall(b"354 go\r\n")
                body = b""
                for data_line in f:
                    if data_line == b".\r\n":
                        break
                    body += data_line
                self.data.append(body)
                conn.sendall(b"250 kept\r\n")
            elif cmd == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                break
            else:
                conn.sendall(b"250 ok\r\n")
        conn.close()


def test_C11_header_bcc_option_sends_the_bcc_header():
    """`emailOptionEntêteCci` at send time: the Bcc header is sent (left out without it)."""
    sink = SmtpSink()
    assert wd.EmailOuvreSessionSMTP("bcc@wd.test", None, "127.0.0.1", sink.port, 0, 0) == 1
    h = new_mail("bcc@wd.test", "bcc")
    try:
        wd.EmailAjoute(h, wd.WD_EMAIL_BCC, "hidden@wd.test")
        assert wd.EmailEnvoieMessage("bcc@wd.test", h, wd.WD_SEND_HEADER_BCC) == 1
        assert wd.EmailEnvoieMessage("bcc@wd.test", h, 0) == 1
    finally:
        wd.EmailLibere(h)
        wd.EmailFermeSession("bcc@wd.test")
    assert len(sink.data) == 2
    assert b"\r\nBcc: hidden@wd.test\r\n" in sink.data[0]
    assert b"Bcc:" not in sink.data[1]


def test_C16_emailProtocolSMTPS_is_starttls(env, tmp_path):
    """`emailProtocoleSMTPS` starts plain then STARTTLS: WD_OPTION_SECURED_TLS."""
    trace = tmp_path / "t.log"
    wd.EmailTrace(str(trace))
    try:
        assert wd.EmailSessionCree("fidelity-smtps", wd.WD_SESSION_SMTP) == 1
        for p, v in ((wd.WD_PROP_SERVER_ADDRESS, env["WD_TEST_HOST"]),
                     (wd.WD_PROP_PORT, env["WD_TEST_SMTP_PORT"]),
                     (wd.WD_PROP_OPTION, str(wd.WD_OPTION_SECURED_TLS)),
                     (wd.WD_PROP_CA_FILE, env["WD_TEST_CA"])):
            assert wd.EmailSessionModifie("fidelity-smtps", p, v) == 1
        assert wd.EmailOuvreSessionDeclaree("fidelity-smtps") == 1, wd.ErreurInfo(0)
        wd.EmailFermeSession("fidelity-smtps")
    finally:
        wd.EmailTrace(None)
    assert "C: STARTTLS" in trace.read_text()


FAKE_993 = r"""
import os, socket, ssl, subprocess, sys, threading
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(os.environ["TLS_DIR"] + "/server.pem", os.environ["TLS_DIR"] + "/server.key")
srv = socket.socket()
srv.bind(("127.0.0.1", 993))
srv.listen()

def serve():
    conn, _ = srv.accept()
    s = ctx.wrap_socket(conn, server_side=True)
    f = s.makefile("rb")
    s.sendall(b"* PREAUTH [CAPABILITY IMAP4rev1] fake ready\r\n")
    for line in f:
        tag, cmd = line.decode().split(" ", 1)
        if cmd.startswith("SELECT"):
            s.sendall(b"* 0 EXISTS\r\n" + tag.encode() + b" OK [READ-WRITE] selected\r\n")
        elif cmd.startswith("LOGOUT"):
            s.sendall(b"* BYE bye\r\n" + tag.encode() + b" OK done\r\n")
            break
        else:
            s.sendall(tag.encode() + b" OK done\r\n")
    s.close()

threading.Thread(target=serve, daemon=True).start()
import wd300com as wd
wd.EmailTrace(os.environ["TRACE"])
wd.EmailSessionCree("seed", wd.WD_SESSION_IMAP)
for p, v in ((wd.WD_PROP_SERVER_ADDRESS, "127.0.0.1"), (wd.WD_PROP_PORT, "993"),
             (wd.WD_PROP_OPTION, str(wd.WD_OPTION_SECURED_TLS)), (wd.WD_PROP_USER, "moi"),
             (wd.WD_PROP_CA_FILE, os.environ["TLS_DIR"] + "/ca.pem"), (wd.WD_PROP_TIMEOUT, "10")):
    wd.EmailSessionModifie("seed", p, v)
ok = wd.EmailOuvreSessionDeclaree("seed")
print("opened" if ok else "failed: " + wd.ErreurInfo(0))
wd.EmailFermeSession("seed")
wd.EmailTrace(None)
"""


def test_C18_optionTLS_on_993_opens_with_implicit_tls(env, tmp_path):
    """The seed's `Option = optionTLS`, `Port = "993"`: ported with the README's earlier
    mapping (WD_OPTION_SECURED_TLS) it waited for a greeting that never comes; now 993
    means TLS from the first byte, noted in the transcript. Port 993 is taken in a network
    namespace of its own (unshare), by a fake IMAPS server using the bench's certificate."""
    trace = tmp_path / "trace.log"
    child_env = dict(os.environ, TRACE=str(trace), PYTHONPATH=PYTHON_DIR,
                     TLS_DIR=os.path.dirname(env["WD_TEST_CA"]))
    r = subprocess.run(["unshare", "-rn", sys.executable, "-c", FAKE_993], env=child_env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "opened", r.stdout + r.stderr
    text = trace.read_text()
    assert "implicit TLS on port 993" in text and "C: STARTTLS" not in text, text


def test_C18_a_tls_record_greeting_names_WD_OPTION_SSL():
    """A server speaking TLS from the first byte answers a plain client with a TLS record:
    the open fails at once (not after the timeout) with WD_E_TLS naming WD_OPTION_SSL."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()

    def serve():
        conn, _ = srv.accept()
        conn.sendall(b"\x15\x03\x03\x00\x02\x02\x46")  # a TLS alert record
        time.sleep(2)
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    t0 = time.time()
    ok = wd.EmailOuvreSessionIMAP("tls-record", "pw", "127.0.0.1", srv.getsockname()[1],
                                  wd.WD_OPTION_NONE)
    assert ok == 0 and time.time() - t0 < 30
    assert wd.ErreurCode() == wd.WD_E_TLS
    assert "WD_OPTION_SSL" in wd.ErreurInfo(wd.WD_ERR_MESSAGE)
    srv.close()


def test_C20_oauth2ResponseTypeCode():
    """`oauth2ResponseTypeCode` has a name (and the value "code" the seed writes)."""
    p = wd.OAuth2ParametresCree()
    try:
        assert wd.OAuth2ParametresModifie(p, wd.WD_OAUTH_RESPONSE_TYPE,
                                          wd.WD_OAUTH_RESPONSE_TYPE_CODE) == 1
        assert wd.OAuth2ParametresPropriete(p, wd.WD_OAUTH_RESPONSE_TYPE) == "code"
    finally:
        wd.OAuth2Libere(p)


# -- 1.3 / 1.4 OAuth 2.0 (the OAuth2 part of the second wave) ----------------------


class _TokenServer(http.server.ThreadingHTTPServer):
    """A token endpoint for the client-credentials grant: each request gets a new token,
    registered for dave with the bench's introspection endpoint (WD_TEST_TOKENS_FILE)."""

    def __init__(self, env) -> None:
        super().__init__(("127.0.0.1", 0), _TokenHandler)
        self.env = env
        self.forms: List[Dict[str, str]] = []


class _TokenHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        server: _TokenServer = self.server  # type: ignore[assignment]
        form = dict(urllib.parse.parse_qsl(self.rfile.read(
            int(self.headers.get("Content-Length", "0"))).decode()))
        server.forms.append(form)
        token = "wdtok-fidelity-" + secrets.token_hex(10)
        path = server.env["WD_TEST_TOKENS_FILE"]
        with open(path, encoding="utf-8") as f:
            tokens = json.load(f)
        tokens[token] = {"user": dave(server.env)[0], "exp": int(time.time()) + 600}
        tmp = path + ".fidelity.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(tokens, f)
        os.chmod(tmp, 0o666)
        os.rename(tmp, path)
        body = json.dumps({"access_token": token, "token_type": "Bearer",
                           "expires_in": 600}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def client_credentials_token(env, extra: str = "") -> Iterator[Tuple[int, int, _TokenServer]]:
    """(parameters, token) handles from the client-credentials grant, and the server."""
    server = _TokenServer(env)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    p = wd.OAuth2ParametresCree()
    for prop, value in ((wd.WD_OAUTH_CLIENT_ID, "fidelity"), (wd.WD_OAUTH_CLIENT_SECRET, "s"),
                        (wd.WD_OAUTH_TOKEN_URL, "http://127.0.0.1:%d/token" % server.server_port),
                        (wd.WD_OAUTH_SCOPE, "mail"), (wd.WD_OAUTH_GRANT_TYPE, "client_credentials"),
                        (wd.WD_OAUTH_ADDITIONAL_PARAMETERS, extra)):
        assert wd.OAuth2ParametresModifie(p, prop, value) == 1, wd.ErreurInfo(0)
    t = wd.AuthIdentifie(p)
    assert t, wd.ErreurInfo(0)
    try:
        yield p, t, server
    finally:
        wd.OAuth2Libere(t)
        wd.OAuth2Libere(p)
        server.shutdown()


def test_O8_ParametresSupplementaires_reach_the_provider(env):
    """`OAuth2Paramètres.ParamètresSupplémentaires` (`access_type=offline` …) is sent."""
    with client_credentials_token(env, "access_type=offline&prompt=none") as (p, _t, server):
        assert wd.OAuth2ParametresPropriete(p, wd.WD_OAUTH_ADDITIONAL_PARAMETERS) == (
            "access_type=offline&prompt=none"
        )
        assert server.forms[0].get("access_type") == "offline"


def test_F37_AuthVerifieAuthentification(env):
    """AuthVérifieAuthentification: Vrai for a valid token (renewed when expired)."""
    with client_credentials_token(env) as (p, t, _server):
        assert wd.AuthVerifieAuthentification(t, p) == 1
        assert wd.AuthTokenPropriete(t, wd.WD_TOKEN_VALID) == "1"


def test_T3_AuthToken_is_the_token_object(env):
    """`gMaSessionIMAP.AuthToken = AuthIdentifie(…)`: the session takes the token object
    itself (WD_PROP_OAUTH_TOKEN) and signs in with it, the seed's example (S19)."""
    with client_credentials_token(env) as (_p, t, _server):
        assert wd.EmailSessionCree("fidelity-t3", wd.WD_SESSION_IMAP) == 1
        for prop, value in ((wd.WD_PROP_SERVER_ADDRESS, env["WD_TEST_HOST"]),
                            (wd.WD_PROP_PORT, env["WD_TEST_IMAPS_PORT"]),
                            (wd.WD_PROP_OPTION, str(wd.WD_OPTION_SSL)),
                            (wd.WD_PROP_USER, dave(env)[0]),
                            (wd.WD_PROP_CA_FILE, env["WD_TEST_CA"]),
                            (wd.WD_PROP_OAUTH_TOKEN, str(t))):
            assert wd.EmailSessionModifie("fidelity-t3", prop, value) == 1, wd.ErreurInfo(0)
        assert wd.EmailOuvreSessionDeclaree("fidelity-t3") == 1, wd.ErreurInfo(0)
        assert wd.EmailNbMessage("fidelity-t3", 0) >= 0
        assert wd.EmailFermeSession("fidelity-t3") == 1
