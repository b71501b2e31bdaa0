"""Sessions as Python objects: SmtpSession, Pop3Session, ImapSession.

A session is a name in the library's registry (docs/API.md §2). The classes declare it with
EmailSessionCree, set its properties with EmailSessionModifie and open it with
EmailOuvreSessionDeclaree; close() (or the end of a `with` block) calls EmailFermeSession.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from typing import (
    Any,
    Dict,
    Iterator,
    List,
    Literal,
    Optional,
    Protocol,
    Tuple,
    TypeVar,
    Union,
    overload,
)

from . import _bindings as B
from ._core import Resource, call, call_int, call_str
from .callbacks import ProgressTarget, progress_pointer
from .errors import InvalidArgumentError, WdError
from .message import Message, MessageList

class _Handle(Protocol):
    """An object of the library given by its handle (a wd300com.Token for oauth_token)."""

    handle: int


# A session property value: text, a number, a flag, a path, a Token (oauth_token); None
# leaves it unset.
PropValue = Union[str, int, float, bool, "os.PathLike[str]", _Handle, None]
_S = TypeVar("_S", bound="Session")

_KINDS: Dict[str, int] = {
    "pop3": B.WD_SESSION_POP3,
    "smtp": B.WD_SESSION_SMTP,
    "imap": B.WD_SESSION_IMAP,
}

# Every WD_PROP_* of the header under its name in lower case (generated), and aliases.
_PROPS: Dict[str, int] = {
    **B.SESSION_PROPERTIES,
    "server": B.WD_PROP_SERVER_ADDRESS,
    "host": B.WD_PROP_SERVER_ADDRESS,
    "security": B.WD_PROP_OPTION,
    "token": B.WD_PROP_AUTH_TOKEN,
    "ignore_cert_errors": B.WD_PROP_IGNORE_ERROR,
}

_SEEK: Dict[str, int] = {
    "body": B.WD_SEEK_BODY,
    "message_id": B.WD_SEEK_MESSAGE_ID,
    "subject": B.WD_SEEK_SUBJECT,
    "sender": B.WD_SEEK_SENDER,
}

_ROLES: Dict[str, int] = {
    "sent": B.WD_FOLDER_SENT,
    "drafts": B.WD_FOLDER_DRAFTS,
    "trash": B.WD_FOLDER_TRASH,
    "junk": B.WD_FOLDER_JUNK,
    "archive": B.WD_FOLDER_ARCHIVE,
    "all": B.WD_FOLDER_ALL,
}


def _named(table: Dict[str, int], what: str, value: Union[str, int]) -> int:
    if isinstance(value, int):
        return value
    try:
        return table[value.lower()]
    except KeyError:
        raise _invalid("unknown %s %r (one of %s)" % (what, value, ", ".join(table))) from None

_SECURITY: Dict[str, int] = {
    "none": B.WD_OPTION_NONE,
    "plain": B.WD_OPTION_NONE,
    "ssl": B.WD_OPTION_SSL,
    "tls": B.WD_OPTION_SSL,
    "implicit": B.WD_OPTION_SSL,
    "starttls": B.WD_OPTION_SECURED_TLS,
    "secured_tls": B.WD_OPTION_SECURED_TLS,
}

_AUTH: Dict[str, int] = {
    "auto": B.WD_AUTH_AUTO,
    "plain": B.WD_AUTH_PLAIN,
    "login": B.WD_AUTH_LOGIN,
    "cram-md5": B.WD_AUTH_CRAM_MD5,
    "cram_md5": B.WD_AUTH_CRAM_MD5,
    "xoauth2": B.WD_AUTH_XOAUTH2,
    "oauthbearer": B.WD_AUTH_OAUTHBEARER,
    "apop": B.WD_AUTH_APOP,
    "user": B.WD_AUTH_USER_PASS,
    "user_pass": B.WD_AUTH_USER_PASS,
    "scram-sha-256": B.WD_AUTH_SCRAM_SHA_256,
    "scram_sha_256": B.WD_AUTH_SCRAM_SHA_256,
    "scram-sha-1": B.WD_AUTH_SCRAM_SHA_1,
    "scram_sha_1": B.WD_AUTH_SCRAM_SHA_1,
}

_DSN: Dict[str, int] = {
    "success": B.WD_SEND_DSN_SUCCESS,
    "failure": B.WD_SEND_DSN_FAILURE,
    "delay": B.WD_SEND_DSN_DELAY,
}

# The properties whose value may be given by name: (table, what the error calls it).
_NAMED_VALUES: Dict[str, Tuple[Dict[str, int], str]] = {
    "option": (_SECURITY, "security"),
    "security": (_SECURITY, "security"),
    "auth_method": (_AUTH, "auth_method"),
}

_counter = itertools.count(1)


def _unique_name(kind: str) -> str:
    return "py-%s-%d-%d-%d" % (kind, os.getpid(), threading.get_ident(), next(_counter))


def _invalid(message: str) -> InvalidArgumentError:
    """A value refused before reaching the library (also a ValueError)."""
    return InvalidArgumentError(B.WD_E_INVALID_ARGUMENT, message)


def _prop_value(key: Optional[str], value: PropValue) -> Optional[str]:
    if value is None:
        return None
    named = _NAMED_VALUES.get(key or "")
    if named is not None and isinstance(value, str) and not value.isdigit():
        return str(_named(named[0], named[1], value))
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return str(int(value))
    if not isinstance(value, (str, os.PathLike)):
        return str(value.handle)  # a wd300com.Token, for oauth_token
    return os.fspath(value)


class Session(Resource):
    """A named session. Use a subclass, or Session.declare(name, kind, **props)."""

    kind: Optional[int] = None

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def is_open(self) -> bool:
        """True from open() to close()."""
        return self._held is not None

    @overload
    @staticmethod
    def declare(name: str, kind: Literal["smtp"], **props: PropValue) -> SmtpSession: ...

    @overload
    @staticmethod
    def declare(name: str, kind: Literal["pop3"], **props: PropValue) -> Pop3Session: ...

    @overload
    @staticmethod
    def declare(name: str, kind: Literal["imap"], **props: PropValue) -> ImapSession: ...

    @overload
    @staticmethod
    def declare(name: str, kind: Union[str, int], **props: PropValue) -> Session: ...

    @staticmethod
    def declare(name: str, kind: Union[str, int], **props: PropValue) -> Session:
        """Declares a closed session (EmailSessionCree) and sets its properties.

        kind: "smtp", "pop3", "imap" or a WD_SESSION_* value. props: server/host, port,
        user, password, security ("none", "ssl", "starttls" or WD_OPTION_*), auth_token,
        oauth_token (a wd300com.Token: renewed and retried once when the server refuses it),
        auth_method ("auto", "plain", "login", "cram-md5", "scram-sha-256", "scram-sha-1",
        "xoauth2", "oauthbearer", "apop", "user" or WD_AUTH_*), ignore_error, ca_file, timeout,
        asynchronous, client_name, folder, spool_dir, connections (asynchronous SMTP),
        max_message_size (bytes), proxy ("socks5://…", "http://…", "direct"), keepalive
        (seconds of idleness before a NOOP, 0 = off): every WD_PROP_* in lower case
        (wd300com.SESSION_PROPERTIES) and the aliases server, host, security, token,
        ignore_cert_errors. Returns an
        SmtpSession, Pop3Session or ImapSession (not yet open: call open() or use it in a
        `with` block)."""
        if isinstance(kind, str):
            try:
                kind = _KINDS[kind.lower()]
            except KeyError:
                raise _invalid("unknown session kind %r (smtp, pop3 or imap)" % kind) from None
        classes: Dict[int, type[Session]] = {
            B.WD_SESSION_SMTP: SmtpSession,
            B.WD_SESSION_POP3: Pop3Session,
            B.WD_SESSION_IMAP: ImapSession,
        }
        cls = classes.get(kind)
        if cls is None:
            raise _invalid("unknown session kind %r" % kind)
        for key in props:
            if key not in _PROPS:
                raise TypeError("unknown session property %r" % key)
        call("EmailSessionCree", name, kind)
        session = Session.__new__(cls)
        Session.__init__(session, name)
        for key, value in props.items():
            if value is not None:
                session.set(key, value)
        return session

    def set(self, prop: Union[str, int], value: PropValue) -> None:
        """EmailSessionModifie. prop: a WD_PROP_* value or its keyword name ("port")."""
        key: Optional[str] = None
        if isinstance(prop, str):
            key, prop = prop, _PROPS[prop]
        call("EmailSessionModifie", self.name, prop, _prop_value(key, value))

    def get(self, prop: Union[str, int]) -> Optional[str]:
        """EmailSessionPropriete (passwords and tokens read back as "")."""
        if isinstance(prop, str):
            prop = _PROPS[prop]
        return call_str("EmailSessionPropriete", self.name, prop)

    def progress(self: _S, target: Optional[ProgressTarget]) -> _S:
        """EmailJauge: follows the transfers of this session (sending, reading, appending)
        with `target`, a callable ``(done, total)`` (total -1 when unknown; returning False
        cancels: the call raises CancelledError) or a tqdm-like bar (``update(n)``, its
        total set and ``reset()`` for each transfer); None removes it. See
        :mod:`wd300com.callbacks`. Returns the session."""
        call("EmailJauge", self.name, progress_pointer(target), None)
        return self

    def open(self: _S) -> _S:
        """EmailOuvreSessionDeclaree: connects and logs in."""
        call("EmailOuvreSessionDeclaree", self.name)
        self._held = ("EmailFermeSession", self.name)
        return self

    def close(self) -> None:
        """EmailFermeSession: QUIT/LOGOUT (POP3 deletions happen here). The declaration
        stays, so the session can be opened again."""
        Resource.close(self)

    def __enter__(self: _S) -> _S:
        if not self.is_open:
            self.open()
        return self

    def __repr__(self) -> str:
        return "<%s %r %s>" % (type(self).__name__, self.name, "open" if self.is_open else "closed")


class _ServerSession(Session):
    """The constructor of SmtpSession and of the mailbox sessions:
    Session(host, port, user, password, security=..., name=..., open=True, **props)
    declares a session of the subclass's `protocol` (named `name`, else a unique name),
    sets its properties and opens it unless open=False."""

    protocol: str = ""

    def __init__(
        self,
        host: str,
        port: int = 0,
        user: Optional[str] = None,
        password: Optional[str] = None,
        *,
        security: Union[str, int, None] = None,
        name: Optional[str] = None,
        open: bool = True,  # noqa: A002
        **props: PropValue,
    ) -> None:
        Session.__init__(self, name or _unique_name(self.protocol))
        declared = Session.declare(
            self.name,
            self.protocol,
            server=host,
            port=port or None,
            user=user,
            password=password,
            security=security,
            **props,
        )
        assert type(declared) is type(self)
        if open:
            self.open()


class SmtpSession(_ServerSession):
    """An SMTP session: SmtpSession(host, port, user=..., password=..., security="starttls",
    ca_file=...). Opens at once unless open=False. Without a password, no AUTH."""

    kind = B.WD_SESSION_SMTP
    protocol = "smtp"

    def send(
        self,
        message: Message,
        options: int = 0,
        *,
        bcc_header: bool = False,
        encode_headers: bool = False,
        dsn: Optional[str] = None,
        dsn_headers_only: bool = False,
    ) -> Optional[int]:
        """EmailEnvoieMessage: sends `message` (a Message). Returns its MAIL_ID (an int,
        for status()) for an asynchronous session, else None. Refused recipients:
        message.refused.

        options: a sum of WD_SEND_* values; the keywords add to it: bcc_header (send the
        Bcc header), encode_headers (encode every text header), dsn (delivery status
        notifications asked when the server offers DSN: "success", "failure", "delay"
        separated by commas), dsn_headers_only (reports carry the headers only)."""
        if bcc_header:
            options |= B.WD_SEND_HEADER_BCC
        if encode_headers:
            options |= B.WD_SEND_ENCODE_HEADER
        if dsn_headers_only:
            options |= B.WD_SEND_DSN_HEADERS
        for word in (dsn or "").split(","):
            word = word.strip().lower()
            if word:
                try:
                    options |= _DSN[word]
                except KeyError:
                    raise _invalid(
                        "unknown dsn %r (success, failure, delay)" % word
                    ) from None
        call("EmailEnvoieMessage", self.name, message.handle, options)
        return message.mail_id or None

    def send_file(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """EmailEnvoie: sends a ready RFC 5322 file (.eml) as it is, to the addresses of
        its To, Cc and Bcc (the Bcc lines are removed)."""
        call("EmailEnvoie", self.name, os.fspath(path))

    def check_address(self, address: str) -> int:
        """EmailVerifieAdresse: a WD_ADDRESS_* value."""
        return call_int("EmailVerifieAdresse", address, self.name)

    @staticmethod
    def status(mail_id: Union[int, str]) -> int:
        """EmailEtat: the WD_STATUS_* of an asynchronous send, by the MAIL_ID send()
        returned. When it is WD_STATUS_ERROR, wd300com.last_error() tells why."""
        return call_int("EmailEtat", int(mail_id))


class MailboxSession(_ServerSession):
    """Reading functions shared by POP3 and IMAP. Iterating yields each message in turn
    (EmailLitPremier, then EmailLitSuivant until WD_EMAIL_OUT)."""

    def count(self, options: int = 0) -> int:
        """EmailNbMessage. Messages deleted in this session are counted until they are
        really removed (POP3: the count of the session's first listing)."""
        return call_int("EmailNbMessage", self.name, options)

    def __len__(self) -> int:
        return self.count()

    def messages(self, options: int = 0, reverse: bool = False) -> Iterator[Message]:
        """Generator of Message, one per message of the mailbox (or selected folder):
        EmailLitPremier then EmailLitSuivant until WD_EMAIL_OUT (reverse: EmailLitDernier
        then EmailLitPrecedent). options: WD_READ_ALL, WD_READ_UNREAD (IMAP),
        WD_READ_HEADER (bodies fetched on first access), WD_READ_KEEP_UNSEEN (IMAP)."""
        first, step = ("EmailLitDernier", "EmailLitPrecedent") if reverse else (
            "EmailLitPremier",
            "EmailLitSuivant",
        )
        msg = Message()
        call(first, self.name, msg.handle, options)
        while not msg.out:
            yield msg
            msg = Message()
            call(step, self.name, msg.handle, options)
        msg.close()

    def __iter__(self) -> Iterator[Message]:
        return self.messages()

    def _read(self, fn: str, options: int) -> Optional[Message]:
        msg = Message()
        call(fn, self.name, msg.handle, options)
        if msg.out:
            msg.close()
            return None
        return msg

    def first(self, options: int = 0) -> Optional[Message]:
        """EmailLitPremier: a Message, or None for an empty mailbox."""
        return self._read("EmailLitPremier", options)

    def next(self, options: int = 0) -> Optional[Message]:
        """EmailLitSuivant: the next Message, or None past the end."""
        return self._read("EmailLitSuivant", options)

    def previous(self, options: int = 0) -> Optional[Message]:
        """EmailLitPrecedent: the previous Message, or None before the first."""
        return self._read("EmailLitPrecedent", options)

    def last(self, options: int = 0) -> Optional[Message]:
        """EmailLitDernier: the last Message, or None for an empty mailbox."""
        return self._read("EmailLitDernier", options)

    def read(self, number: int) -> Optional[Message]:
        """EmailLitMessage: message `number` (1-based), or None when there is none
        (past the end, or deleted in this session)."""
        return self._read("EmailLitMessage", number)

    def read_header(self, number: int) -> Optional[Message]:
        """EmailLitEnteteMessage: the headers of message `number` (1-based; the body is
        fetched on first access), or None when there is none."""
        return self._read("EmailLitEnteteMessage", number)

    def size_of(self, number: int) -> int:
        """EmailTailleMessage: the size in bytes of message `number`, as the server
        announces it (nothing is fetched)."""
        return call_int("EmailTailleMessage", self.name, number)

    def get_all(self, options: int = 0, background: bool = False) -> MessageList:
        """EmailRecupereTout: a MessageList. background=True (WD_READ_ASYNC): the list
        comes back at once and fills in a thread of the library (MessageList.complete,
        MessageList.follow()); calls on the session wait until it is complete."""
        if background:
            options |= B.WD_READ_ASYNC
        return MessageList(call_int("EmailRecupereTout", self.name, options))

    def delete(self, message: Message) -> None:
        """EmailSupprimeMessage: POP3 removes it at close(); IMAP flags it \\Deleted and
        removes it at destroy(), a folder change or close(). message.out is then True;
        the reading loop goes on with the messages around it."""
        call("EmailSupprimeMessage", self.name, message.handle)

    def wait_once(self, seconds: float) -> bool:
        """EmailAttendMessage: waits up to `seconds` for new mail (IMAP IDLE, POP3 polling).
        True when mail came: next() then reads it. False when none came, or when another
        thread made a call on this session (the wait gives way to it). 0 looks once."""
        return call_int("EmailAttendMessage", self.name, math.ceil(seconds)) == 1

    def wait(self, seconds: float, options: int = 0) -> Iterator[Message]:
        """Generator of the new messages as they arrive: EmailAttendMessage, then
        EmailLitSuivant (with `options`, as next()) for each message that came, then
        waiting again. It ends when `seconds` pass with no new mail: the delay starts
        again after each arrival (a loop of EmailAttendMessage(session, seconds) in
        WLangage). A call from another thread on the session interrupts a wait without
        ending the generator (it waits again for the time left), unless that call closed
        the session. wait(0) yields what is new now and ends. Break out of the loop to
        stop earlier."""
        if seconds < 0:
            raise _invalid("negative delay %r" % seconds)
        deadline = time.monotonic() + seconds
        while True:
            left = math.ceil(max(0.0, deadline - time.monotonic()))
            try:
                came = self.wait_once(left)
            except WdError:
                if not self.is_open:  # closed by another thread during the wait
                    return
                raise
            if came:
                msg = self.next(options)
                while msg is not None:
                    yield msg
                    msg = self.next(options)
                deadline = time.monotonic() + seconds
            elif not self.is_open or time.monotonic() >= deadline:
                return

    def _seek(self, fn: str, *args: Any) -> Optional[Message]:
        msg = Message()
        if call_int(fn, self.name, msg.handle, *args) != 1:
            msg.close()
            return None
        return msg

    def seek_first(self, criterion: Union[str, int], value: str) -> Optional[Message]:
        """EmailCherchePremier: the first message whose `criterion` ("body", "message_id",
        "subject", "sender" or WD_SEEK_*) holds `value` (not case sensitive; a Message-ID
        with or without <>), or None. IMAP searches on the server, POP3 on the client."""
        return self._seek("EmailCherchePremier", _named(_SEEK, "criterion", criterion), value)

    def seek_next(self) -> Optional[Message]:
        """EmailChercheSuivant: the next match of seek_first(), or None."""
        return self._seek("EmailChercheSuivant")

    def seek(self, criterion: Union[str, int], value: str) -> Iterator[Message]:
        """Generator of every match: seek_first() then seek_next() until None."""
        msg = self.seek_first(criterion, value)
        while msg is not None:
            yield msg
            msg = self.seek_next()


class Pop3Session(MailboxSession):
    """A POP3 session: Pop3Session(host, port, user, password, security=..., ca_file=...)."""

    kind = B.WD_SESSION_POP3
    protocol = "pop3"


class ImapSession(MailboxSession):
    """An IMAP session, with folder operations."""

    kind = B.WD_SESSION_IMAP
    protocol = "imap"

    def folders(self) -> List[str]:
        """EmailListeDossier: list of folder names."""
        text = call_str("EmailListeDossier", self.name) or ""
        return [f for f in text.splitlines() if f]

    def select(self, folder: str) -> None:
        """EmailChangeDossier (messages deleted in the folder left are removed)."""
        call("EmailChangeDossier", self.name, folder)

    def destroy(self) -> None:
        """EmailDetruit: removes the messages deleted in this session now."""
        call("EmailDetruit", self.name)

    def create_folder(self, folder: str) -> None:
        """EmailCreeDossier."""
        call("EmailCreeDossier", self.name, folder)

    def delete_folder(self, folder: str) -> None:
        """EmailSupprimeDossier."""
        call("EmailSupprimeDossier", self.name, folder)

    def rename_folder(self, folder: str, new_name: str) -> None:
        """EmailRenommeDossier."""
        call("EmailRenommeDossier", self.name, folder, new_name)

    def copy(self, message: Message, folder: str) -> None:
        """EmailCopieMessage."""
        call("EmailCopieMessage", self.name, message.handle, folder)

    def move(self, message: Message, folder: str) -> None:
        """EmailDeplaceMessage."""
        call("EmailDeplaceMessage", self.name, message.handle, folder)

    def update(self, message: Message) -> None:
        """EmailMiseAJour: writes message.seen back to the server, and flagged, answered,
        draft, deleted and keywords where they changed since the message was read.
        deleted=True deletes as delete() does (removed at destroy(), a folder change or
        close()); False takes such a deletion back before."""
        call("EmailMiseAJour", self.name, message.handle)

    def search(self, criteria: str = "", options: int = 0) -> MessageList:
        """EmailRecherche: the messages of the selected folder matching IMAP SEARCH
        `criteria` (e.g. 'FROM alice SUBJECT "réunion" SINCE 1-Jan-2025 NOT SEEN'), as a
        MessageList. options: 0 (whole messages), WD_READ_HEADER, WD_READ_KEEP_UNSEEN."""
        return MessageList(call_int("EmailRecherche", self.name, criteria, options))

    def special_folder(self, role: Union[str, int]) -> Optional[str]:
        """EmailDossierSpecial: the folder playing `role` ("sent", "drafts", "trash",
        "junk", "archive", "all" or WD_FOLDER_*), or None."""
        name = call_str("EmailDossierSpecial", self.name, _named(_ROLES, "role", role))
        return name or None

    def folder_roles(self) -> Dict[str, int]:
        """EmailListeDossierRole: every folder with its role (a WD_FOLDER_* value, 0 for
        none), in the order of folders()."""
        text = call_str("EmailListeDossierRole", self.name) or ""
        pairs = (line.rsplit("\t", 1) for line in text.splitlines() if line)
        return {name: int(role) for name, role in pairs}

    def append(self, folder: str, message: Message) -> None:
        """EmailAjouteMessage: IMAP APPEND of the built source."""
        call("EmailAjouteMessage", self.name, folder, message.handle)


__all__ = ["Session", "SmtpSession", "Pop3Session", "ImapSession", "MailboxSession", "WdError"]
