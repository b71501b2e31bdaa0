"""`Message`: a message handle (the WLangage `Email` variable) as a Python object."""

import collections
import datetime
import os

from . import _bindings as B
from ._core import Resource, WdError, call, call_bytes, call_str

Attachment = collections.namedtuple("Attachment", "name type content")
Attachment.__doc__ = "An attachment: file name, MIME type and decoded content (bytes)."


# How a single value of each type of the property table reads from the library's text,
# and what is handed to Message.set when writing it.
_CONVERT = {
    "text": (lambda v: v, lambda v: v),
    "number": (lambda v: int(v or 0), lambda v: v),
    "flag": (lambda v: v == "1", bool),
}


def _property(prop, kind, type_, writable, doc):
    """The Message attribute of a row of the property table (_bindings.EMAIL_PROPERTIES):
    arrays are lists of str, numbers int, flags bool, the rest str."""
    if kind == "array":

        def get(self):
            return self.get_list(prop)

        def set_(self, values):
            self.set_list(prop, values)

    else:
        read, write = _CONVERT[type_]

        def get(self):
            return read(self.get(prop))

        def set_(self, value):
            self.set(prop, write(value))

    return property(get, set_ if writable else None, doc=doc)


class Message(Resource):
    """A message handle. Message() creates a new empty message (EmailCree); it is freed by
    close(), by the end of a `with` block, or when the object is garbage collected.

    Message.legacy() is the calling thread's legacy `Email` structure (handle 0).
    Every failing operation raises WdError.
    """

    def __init__(self, handle=None, *, owner=None):
        if handle is None:
            handle = call("EmailCree")
            self._held = ("EmailLibere", int(handle))
        # Else not ours to free: the legacy structure, or an element owned by a list.
        self._owner = owner
        self._handle = int(handle)

    @classmethod
    def legacy(cls):
        """The calling thread's legacy `Email` structure (handle 0, never freed)."""
        return cls(0)

    @classmethod
    def from_source(cls, source):
        """A new message parsed from raw RFC 5322 bytes (EmailImporteSource)."""
        msg = cls()
        try:
            msg.import_source(source)
        except BaseException:
            msg.close()
            raise
        return msg

    @property
    def handle(self):
        """The int32 handle to pass to the flat functions."""
        return self._handle

    # -- lifetime

    def close(self):
        """Frees the handle (EmailLibere). Further use raises WdError (invalid handle)."""
        Resource.close(self)

    def __repr__(self):
        try:
            return "<Message %d subject=%r>" % (self._handle, self.subject)
        except Exception:  # noqa: BLE001
            return "<Message %d>" % self._handle

    # -- generic property access

    def get(self, prop, index=0):
        """EmailPropriete: the text of property WD_EMAIL_* (element `index` of an array)."""
        return call_str("EmailPropriete", self._handle, prop, index)

    def set(self, prop, value, index=0):
        """EmailModifiePropriete. None clears the field (or removes element `index`)."""
        if isinstance(value, bool):
            value = "1" if value else "0"
        elif isinstance(value, int):
            value = str(value)
        call("EmailModifiePropriete", self._handle, prop, index, value)

    def count(self, prop):
        """EmailNb: number of elements of an array property."""
        return int(call("EmailNb", self._handle, prop))

    def get_list(self, prop):
        return [self.get(prop, i) for i in range(self.count(prop))]

    def set_list(self, prop, values):
        if isinstance(values, str):
            values = [values]
        for _ in range(self.count(prop)):
            self.set(prop, None, 0)
        for v in values or ():
            call("EmailAjoute", self._handle, prop, v)

    def add(self, prop, value):
        """EmailAjoute: appends to WD_EMAIL_RECIPIENT / CC / BCC."""
        call("EmailAjoute", self._handle, prop, value)

    def reset(self):
        """EmailRAZ: clears every field."""
        call("EmailRAZ", self._handle)

    # -- fields: an attribute a row of the property table, made after the class (sender,
    # to, cc, bcc, reply_to, subject, body alias text, html, message_id, priority, uid,
    # number, size, seen, out, mail_id, refused...), except the date, which also takes a
    # datetime.

    @property
    def date(self):
        """Date as RFC 3339 text (set it from str or datetime)."""
        return self.get(B.WD_EMAIL_DATE)

    @date.setter
    def date(self, value):
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.astimezone()
            value = value.isoformat(timespec="seconds")
        self.set(B.WD_EMAIL_DATE, value)

    # -- headers

    def header(self, name, index=0):
        """The index-th header `name` (0-based, case-insensitive), decoded; None if absent."""
        try:
            return call_str("EmailEntete", self._handle, name, index)
        except WdError as e:
            if e.code == B.WD_E_INVALID_ARGUMENT and name:
                return None
            raise

    def headers(self, name):
        """Every header `name`, in order."""
        out = []
        while True:
            v = self.header(name, len(out))
            if v is None:
                return out
            out.append(v)

    def add_header(self, name, value):
        """EmailAjouteEntete: an extra header written when the source is built."""
        call("EmailAjouteEntete", self._handle, name, value)

    # -- attachments

    @property
    def attachments(self):
        """List of Attachment(name, type, content bytes)."""
        n = self.count(B.WD_EMAIL_ATTACHMENT_NAME)
        return [
            Attachment(
                self.get(B.WD_EMAIL_ATTACHMENT_NAME, i),
                self.get(B.WD_EMAIL_ATTACHMENT_TYPE, i),
                self.attachment_content(i),
            )
            for i in range(n)
        ]

    def attachment_content(self, index):
        """EmailFichierAttacheContenu: the decoded bytes of attachment `index`."""
        return call_bytes("EmailFichierAttacheContenu", self._handle, index)

    def add_attachment(self, path):
        """EmailAjouteFichierAttache: attaches a file from disk."""
        call("EmailAjouteFichierAttache", self._handle, os.fspath(path))

    def add_attachment_data(self, name, data, type=None):  # noqa: A002 - API name
        """EmailAjouteFichierAttacheMemoire: attaches bytes (type None = from the name)."""
        data = bytes(data)
        call("EmailAjouteFichierAttacheMemoire", self._handle, name, data, len(data), type)

    def save_attachment(self, index, path):
        """EmailSauveFichierAttache: writes attachment `index` to `path`."""
        call("EmailSauveFichierAttache", self._handle, index, os.fspath(path))

    # -- source

    def build(self, bcc_header=False):
        """EmailConstruitSource: builds the RFC 5322/MIME source; returns it (bytes)."""
        options = B.WD_BUILD_HEADER_BCC if bcc_header else 0
        call("EmailConstruitSource", self._handle, options)
        return self.source

    @property
    def source(self):
        """The raw source (bytes; empty before build/import/read)."""
        return call_bytes("EmailSource", self._handle)

    def import_source(self, source):
        """EmailImporteSource: replaces every field by parsing raw bytes."""
        if isinstance(source, str):
            source = source.encode("utf-8")
        source = bytes(source)
        call("EmailImporteSource", self._handle, source, len(source))

    def import_html(self, html, images_dir=None):
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

    def __init__(self, handle):
        self._handle = int(handle)
        self._held = ("EmailLibere", self._handle)

    @property
    def handle(self):
        return self._handle

    def __len__(self):
        return int(call("EmailListeNb", self._handle))

    def __getitem__(self, i):
        n = len(self)
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(n))]
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("message list index out of range")
        return Message(call("EmailListeElement", self._handle, i), owner=self)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


for _attr, _prop, _kind, _type, _writable, _doc in B.EMAIL_PROPERTIES:
    if _attr and _attr not in vars(Message):
        setattr(Message, _attr, _property(_prop, _kind, _type, _writable, _doc))
Message.text = Message.body
