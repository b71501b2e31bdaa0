"""`Message`: a message handle (the WLangage `Email` variable) as a Python object."""

from __future__ import annotations

import datetime
import os
import time
from typing import Iterable, Iterator, List, NamedTuple, Optional, Union, overload

from . import _bindings as B
from ._core import Resource, call, call_bytes, call_int, call_str
from ._fields import MessageFields
from .errors import WdError

# A file path argument.
PathArg = Union[str, "os.PathLike[str]"]
# Bytes-like content.
Data = Union[bytes, bytearray, memoryview]


class Attachment(NamedTuple):
    """An attachment: file name, MIME type and decoded content (bytes)."""

    name: str
    type: str
    content: bytes


class _Text:
    """A text property of the table read and written through the message's accessors,
    for the properties kept out of the generated attributes. Read-only when
    `writable` is False (setting raises AttributeError)."""

    def __init__(self, prop: int, doc: str, writable: bool = True) -> None:
        self.prop, self.writable, self.__doc__ = prop, writable, doc

    @overload
    def __get__(self, obj: None, owner: type) -> _Text: ...

    @overload
    def __get__(self, obj: MessageFields, owner: type) -> str: ...

    def __get__(self, obj: Optional[MessageFields], owner: type) -> Union[str, _Text]:
        return self if obj is None else obj.get(self.prop) or ""

    def __set__(self, obj: MessageFields, value: Optional[str]) -> None:
        if not self.writable:
            raise AttributeError("read-only property")
        obj.set(self.prop, value)


class Message(MessageFields, Resource):
    """A message handle. Message() creates a new empty message (EmailCree); it is freed by
    close(), by the end of a `with` block, or when the object is garbage collected.

    Message.legacy() is the calling thread's legacy `Email` structure (handle 0).
    Every failing operation raises a WdError (see wd300com.errors).

    The fields of the property table are typed attributes (see _fields.MessageFields):
    sender, to, cc, bcc, reply_to, subject, body (alias text), html, date, message_id,
    priority, disposition_notification (bool), disposition_notification_to, uid, number,
    size, seen, out, mail_id, refused, error, confidentiality.
    """

    def __init__(self, handle: Optional[int] = None, *, owner: Optional[object] = None) -> None:
        if handle is None:
            handle = call_int("EmailCree")
            self._held = ("EmailLibere", handle)
        # Else not ours to free: the legacy structure, or an element owned by a list.
        self._owner = owner
        self._handle = int(handle)

    @classmethod
    def legacy(cls) -> Message:
        """The calling thread's legacy `Email` structure (handle 0, never freed)."""
        return cls(0)

    @classmethod
    def from_source(cls, source: Union[str, Data]) -> Message:
        """A new message parsed from raw RFC 5322 bytes (EmailImporteSource)."""
        msg = cls()
        try:
            msg.import_source(source)
        except BaseException:
            msg.close()
            raise
        return msg

    @property
    def handle(self) -> int:
        """The int32 handle to pass to the flat functions."""
        return self._handle

    # -- lifetime

    def close(self) -> None:
        """Frees the handle (EmailLibere). Further use raises InvalidHandleError."""
        Resource.close(self)

    def __repr__(self) -> str:
        try:
            return "<Message %d subject=%r>" % (self._handle, self.subject)
        except Exception:  # noqa: BLE001
            return "<Message %d>" % self._handle

    # -- generic property access

    def get(self, prop: int, index: int = 0) -> Optional[str]:
        """EmailPropriete: the text of property WD_EMAIL_* (element `index` of an array)."""
        return call_str("EmailPropriete", self._handle, prop, index)

    def set(self, prop: int, value: Union[str, int, bool, None], index: int = 0) -> None:
        """EmailModifiePropriete. None clears the field (or removes element `index`)."""
        if isinstance(value, bool):
            value = "1" if value else "0"
        elif isinstance(value, int):
            value = str(value)
        call("EmailModifiePropriete", self._handle, prop, index, value)

    def count(self, prop: int) -> int:
        """EmailNb: number of elements of an array property."""
        return call_int("EmailNb", self._handle, prop)

    def get_list(self, prop: int) -> List[str]:
        """Every element of an array property."""
        return [self.get(prop, i) or "" for i in range(self.count(prop))]

    def set_list(self, prop: int, values: Union[str, Iterable[str], None]) -> None:
        """Replaces the elements of an array property (a str is one element)."""
        if isinstance(values, str):
            values = [values]
        for _ in range(self.count(prop)):
            self.set(prop, None, 0)
        for v in values or ():
            call("EmailAjoute", self._handle, prop, v)

    def add(self, prop: int, value: str) -> None:
        """EmailAjoute: appends to WD_EMAIL_RECIPIENT / CC / BCC."""
        call("EmailAjoute", self._handle, prop, value)

    def reset(self) -> None:
        """EmailRAZ: clears every field."""
        call("EmailRAZ", self._handle)

    # -- fields not of the table's plain kinds

    disposition_notification_to = _Text(
        B.WD_EMAIL_DISPOSITION_NOTIFICATION_TO,
        "Where the read receipt goes (\"\": the sender's); setting an address asks one.",
    )
    confidentiality = _Text(B.WD_EMAIL_CONFIDENTIALITY, "The Sensitivity (WD_CONFIDENTIALITY_*).")
    error = _Text(B.WD_EMAIL_ERROR, "The last failure of a read or send of it.", writable=False)

    @property
    def date(self) -> str:
        """Date as RFC 3339 text (WLangage DateHeure after
        EmailParametre(WD_PARAM_DATE_FORMAT, WD_DATE_WLANGAGE)); set it from str (RFC 3339,
        DateHeure or RFC 5322) or datetime."""
        return self.get(B.WD_EMAIL_DATE) or ""

    @date.setter
    def date(self, value: Union[str, datetime.datetime, None]) -> None:
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.astimezone()
            value = value.isoformat(timespec="seconds")
        self.set(B.WD_EMAIL_DATE, value)

    @property
    def text(self) -> str:
        """The text body: an alias of `body`."""
        return self.body

    @text.setter
    def text(self, value: Optional[str]) -> None:
        self.body = value

    # -- headers

    def header(self, name: str, index: int = 0) -> Optional[str]:
        """The index-th header `name` (0-based, case-insensitive), decoded; None if absent."""
        try:
            return call_str("EmailEntete", self._handle, name, index)
        except WdError as e:
            if e.code == B.WD_E_INVALID_ARGUMENT and name:
                return None
            raise

    def headers(self, name: str) -> List[str]:
        """Every header `name`, in order."""
        out: List[str] = []
        while True:
            v = self.header(name, len(out))
            if v is None:
                return out
            out.append(v)

    def add_header(self, name: str, value: str) -> None:
        """EmailAjouteEntete: an extra header written when the source is built."""
        call("EmailAjouteEntete", self._handle, name, value)

    # -- attachments

    @property
    def attachments(self) -> List[Attachment]:
        """List of Attachment(name, type, content bytes)."""
        n = self.count(B.WD_EMAIL_ATTACHMENT_NAME)
        return [
            Attachment(
                self.get(B.WD_EMAIL_ATTACHMENT_NAME, i) or "",
                self.get(B.WD_EMAIL_ATTACHMENT_TYPE, i) or "",
                self.attachment_content(i),
            )
            for i in range(n)
        ]

    def attachment_content(self, index: int) -> bytes:
        """EmailFichierAttacheContenu: the decoded bytes of attachment `index`."""
        return call_bytes("EmailFichierAttacheContenu", self._handle, index)

    def add_attachment(self, path: PathArg) -> None:
        """EmailAjouteFichierAttache: attaches a file from disk."""
        call("EmailAjouteFichierAttache", self._handle, os.fspath(path))

    def add_attachment_data(
        self,
        name: str,
        data: Data,
        type: Optional[str] = None,  # noqa: A002 - API name
    ) -> None:
        """EmailAjouteFichierAttacheMemoire: attaches bytes (type None = from the name)."""
        raw = bytes(data)
        call("EmailAjouteFichierAttacheMemoire", self._handle, name, raw, len(raw), type)

    def save_attachment(self, index: int, path: PathArg) -> None:
        """EmailSauveFichierAttache: writes attachment `index` to `path`."""
        call("EmailSauveFichierAttache", self._handle, index, os.fspath(path))

    # -- source

    def build(self, bcc_header: bool = False) -> bytes:
        """EmailConstruitSource: builds the RFC 5322/MIME source; returns it (bytes)."""
        options = B.WD_BUILD_HEADER_BCC if bcc_header else 0
        call("EmailConstruitSource", self._handle, options)
        return self.source

    @property
    def source(self) -> bytes:
        """The raw source (bytes; empty before build/import/read)."""
        return call_bytes("EmailSource", self._handle)

    def import_source(self, source: Union[str, Data]) -> None:
        """EmailImporteSource: replaces every field by parsing raw bytes."""
        raw = source.encode("utf-8") if isinstance(source, str) else bytes(source)
        call("EmailImporteSource", self._handle, raw, len(raw))

    def open_in_mail_client(self) -> None:
        """EmailOuvreMessagerie: opens the desktop's mail client on a new message filled
        from this one (xdg-email, or the command in WD300COM_MAILER)."""
        call("EmailOuvreMessagerie", self._handle)

    def import_html(self, html: str, images_dir: Optional[PathArg] = None) -> None:
        """EmailImporteHTML: HTML body; local images become inline parts."""
        call(
            "EmailImporteHTML",
            self._handle,
            html,
            os.fspath(images_dir) if images_dir is not None else None,
        )


class MessageList(Resource):
    """The result of EmailRecupereTout: a sequence of Message owned by the list.
    close() (or the end of a `with` block, or garbage collection) frees them all."""

    def __init__(self, handle: int) -> None:
        self._handle = int(handle)
        self._held = ("EmailLibere", self._handle)

    @property
    def handle(self) -> int:
        return self._handle

    def __len__(self) -> int:
        return call_int("EmailListeNb", self._handle)

    @overload
    def __getitem__(self, i: int) -> Message: ...

    @overload
    def __getitem__(self, i: slice) -> List[Message]: ...

    def __getitem__(self, i: Union[int, slice]) -> Union[Message, List[Message]]:
        n = len(self)
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(n))]
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("message list index out of range")
        return Message(call_int("EmailListeElement", self._handle, i), owner=self)

    @property
    def complete(self) -> bool:
        """EmailListeEtat: True once every message is in (always for a list not filled in
        the background); raises the error that stopped a background fill."""
        return call_int("EmailListeEtat", self._handle) == B.WD_LIST_COMPLETE

    def follow(self, poll: float = 0.05) -> Iterator[Message]:
        """Generator of the messages of a list filled in the background as they arrive,
        until it is complete (checked every `poll` seconds); raises the error that
        stopped the fill."""
        i = 0
        while True:
            done = self.complete
            n = len(self)
            while i < n:
                yield self[i]
                i += 1
            if done:
                return
            time.sleep(poll)

    def __iter__(self) -> Iterator[Message]:
        for i in range(len(self)):
            yield self[i]
