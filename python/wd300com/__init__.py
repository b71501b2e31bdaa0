"""wd300com: the WLangage Email functions of libwd300com for Python (ctypes).

Two layers:

* The flat C functions under their French and English names, e.g.
  ``wd300com.EmailCree()``, ``wd300com.EmailPropriete(h, wd300com.WD_EMAIL_SUBJECT, 0)``,
  with every ``WD_*`` constant. They return what C returns (0 / -1 / None on failure) and
  the error is read with ``ErreurDetectee()`` / ``ErreurCode()`` / ``ErreurInfo(...)`` on the
  same thread. Strings are converted to and from UTF-8; a ``(data, len)`` pair is one bytes
  argument; a byte result with ``size_t* out_len`` comes back as bytes. The raw ctypes
  functions are ``wd300com.lib.NAME``.

* A Pythonic layer that raises :class:`WdError` (of the subclass of the error's code, see
  :mod:`wd300com.errors`) on failure: :class:`Message`, :class:`MessageList`,
  :class:`SmtpSession`, :class:`Pop3Session`, :class:`ImapSession`,
  :meth:`Session.declare`, and OAuth2: :class:`OAuth2Params` (``identify()``) and
  :class:`Token`, which sessions take as ``oauth_token=`` (see :mod:`wd300com.oauth2`);
  progress callbacks (:meth:`Session.progress`, a ``tqdm`` bar too) and the transcript
  sent to :mod:`logging` (:func:`log_transcript`), see :mod:`wd300com.callbacks`.

``python -m wd300com`` is a small command-line mail client (see :mod:`wd300com.cli`).
The library is found as described in ``wd300com._lib`` (env ``WD300COM_LIBRARY`` first).
"""

from . import _bindings
from ._bindings import *  # noqa: F401,F403 - WD_* constants
from ._bindings import CONSTANTS, EMAIL_PROPERTIES, FUNCTIONS, SESSION_PROPERTIES
from ._core import flat, last_error, lib, library_path, missing_functions
from ._flat_api import *  # noqa: F401,F403 - the flat functions
from . import errors
from .errors import *  # noqa: F401,F403 - WdError and its subclasses, error_class
from .callbacks import log_transcript, on_transcript, set_progress
from .message import Attachment, Message, MessageList
from .oauth2 import GRANT_CLIENT_CREDENTIALS, GRANT_DEVICE_CODE, OAuth2Params, Token
from .session import ImapSession, MailboxSession, Pop3Session, Session, SmtpSession

__version__: str = _bindings.WD300COM_VERSION_STRING


def version() -> str:
    """The version of the loaded library (EmailVersion)."""
    return str(flat["EmailVersion"]())


__all__ = [
    "Message",
    "MessageList",
    "Attachment",
    "Session",
    "SmtpSession",
    "Pop3Session",
    "ImapSession",
    "MailboxSession",
    "OAuth2Params",
    "Token",
    "GRANT_CLIENT_CREDENTIALS",
    "GRANT_DEVICE_CODE",
    "log_transcript",
    "on_transcript",
    "set_progress",
    "last_error",
    "lib",
    "library_path",
    "missing_functions",
    "version",
    "CONSTANTS",
    "EMAIL_PROPERTIES",
    "SESSION_PROPERTIES",
    "FUNCTIONS",
]
__all__ += errors.__all__
__all__ += sorted(CONSTANTS)
__all__ += sorted(flat)
