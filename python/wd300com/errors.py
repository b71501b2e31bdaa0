"""The exceptions of the Pythonic layer: one class per family of WD_* error codes, all
under :class:`WdError`.

::

    WdError                          any failure of the library
    ├── InvalidArgumentError         WD_E_INVALID_ARGUMENT   (also a ValueError)
    ├── InvalidHandleError           WD_E_INVALID_HANDLE
    ├── UnknownSessionError          WD_E_UNKNOWN_SESSION
    ├── SessionExistsError           WD_E_SESSION_EXISTS
    ├── NotSupportedError            WD_E_NOT_SUPPORTED
    ├── RecursiveCallError           WD_E_RECURSIVE_CALL
    ├── CancelledError               WD_E_CANCELLED
    ├── WdConnectionError            WD_E_CONNECT            (also a ConnectionError)
    │   └── ConnectionLostError      WD_E_CONNECTION_LOST
    ├── WdTimeoutError               WD_E_TIMEOUT            (also a TimeoutError)
    ├── TlsError                     WD_E_TLS
    ├── AuthError                    WD_E_AUTH
    ├── ProtocolError                WD_E_PROTOCOL
    │   └── RecipientRefusedError    WD_E_RECIPIENT_REFUSED
    ├── MessageError                 WD_E_MESSAGE
    ├── IoError                      WD_E_IO                 (also an OSError)
    └── InternalError                WD_E_INTERNAL

The connection and timeout classes carry a ``Wd`` prefix so that importing them never
hides Python's own ``ConnectionError`` and ``TimeoutError``; they subclass those, so
``except TimeoutError`` catches a library timeout too. Every instance carries ``code``,
``code_name``, ``message``, ``server_reply`` and ``function``.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple, Type

from . import _bindings as B

_CODE_NAMES: Dict[int, str] = {
    v: k for k, v in B.CONSTANTS.items() if k.startswith("WD_E_") and isinstance(v, int)
}


class WdError(Exception):
    """A failed library call.

    code          the numeric WD_E_* code (ErreurCode)
    code_name     its name, e.g. "WD_E_AUTH"
    message       the one-line message (ErreurInfo(WD_ERR_MESSAGE))
    server_reply  the server's last reply or the OS error (ErreurInfo(WD_ERR_SYSTEM_MESSAGE)),
                  None when empty
    function      the C function that failed, when known

    ``WdError.from_code(code, ...)`` makes an instance of the class of that code.
    """

    code: int
    code_name: str
    message: str
    server_reply: Optional[str]
    function: Optional[str]

    def __init__(
        self,
        code: int,
        message: str,
        server_reply: Optional[str] = None,
        function: Optional[str] = None,
    ) -> None:
        self.code = code
        self.code_name = _CODE_NAMES.get(code, str(code))
        self.message = message
        self.server_reply = server_reply or None
        self.function = function
        text = "%s: %s" % (self.code_name, message)
        if function:
            text = "%s: %s" % (function, text)
        super().__init__(text)

    @staticmethod
    def from_code(
        code: int,
        message: str,
        server_reply: Optional[str] = None,
        function: Optional[str] = None,
    ) -> WdError:
        """An instance of the class of `code` (WdError itself for an unknown code)."""
        return error_class(code)(code, message, server_reply, function)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return "%s(code=%r, message=%r, server_reply=%r)" % (
            type(self).__name__,
            self.code,
            self.message,
            self.server_reply,
        )

    def __reduce__(self) -> Tuple[Type[WdError], Tuple[int, str, Optional[str], Optional[str]]]:
        return (type(self), (self.code, self.message, self.server_reply, self.function))


class InvalidArgumentError(WdError, ValueError):
    """WD_E_INVALID_ARGUMENT: an argument is missing, not UTF-8, out of range or holds a
    forbidden character (also raised for a value refused before reaching the library)."""


class InvalidHandleError(WdError):
    """WD_E_INVALID_HANDLE: a stale, freed or wrong-kind handle (a closed Message)."""


class UnknownSessionError(WdError):
    """WD_E_UNKNOWN_SESSION: no session of that name is open or declared."""


class SessionExistsError(WdError):
    """WD_E_SESSION_EXISTS: a session of that name already exists."""


class NotSupportedError(WdError):
    """WD_E_NOT_SUPPORTED: a feature or option the library does not offer."""


class RecursiveCallError(WdError):
    """WD_E_RECURSIVE_CALL: a call from inside a library callback into the same object."""


class CancelledError(WdError):
    """WD_E_CANCELLED: a progress callback stopped the transfer (returned False)."""


class WdConnectionError(WdError, ConnectionError):
    """WD_E_CONNECT: cannot connect (DNS failure, refused, unreachable)."""


class ConnectionLostError(WdConnectionError):
    """WD_E_CONNECTION_LOST: the server closed the connection or said BYE."""


class WdTimeoutError(WdError, TimeoutError):
    """WD_E_TIMEOUT: the server did not answer within the timeout."""


class TlsError(WdError):
    """WD_E_TLS: TLS handshake, certificate or STARTTLS failure."""


class AuthError(WdError):
    """WD_E_AUTH: authentication refused or no usable mechanism."""


class ProtocolError(WdError):
    """WD_E_PROTOCOL: the server refused a command (its reply is in server_reply)."""


class RecipientRefusedError(ProtocolError):
    """WD_E_RECIPIENT_REFUSED: every recipient was refused (Message.refused lists them)."""


class MessageError(WdError):
    """WD_E_MESSAGE: a message cannot be built or parsed."""


class IoError(WdError, OSError):
    """WD_E_IO: a local file error (attachment, spool, trace file)."""


class InternalError(WdError):
    """WD_E_INTERNAL: a caught panic or a broken invariant inside the library."""


ERROR_CLASSES: Dict[int, Type[WdError]] = {
    B.WD_E_INVALID_ARGUMENT: InvalidArgumentError,
    B.WD_E_INVALID_HANDLE: InvalidHandleError,
    B.WD_E_UNKNOWN_SESSION: UnknownSessionError,
    B.WD_E_SESSION_EXISTS: SessionExistsError,
    B.WD_E_NOT_SUPPORTED: NotSupportedError,
    B.WD_E_RECURSIVE_CALL: RecursiveCallError,
    B.WD_E_CANCELLED: CancelledError,
    B.WD_E_CONNECT: WdConnectionError,
    B.WD_E_TIMEOUT: WdTimeoutError,
    B.WD_E_CONNECTION_LOST: ConnectionLostError,
    B.WD_E_TLS: TlsError,
    B.WD_E_AUTH: AuthError,
    B.WD_E_PROTOCOL: ProtocolError,
    B.WD_E_RECIPIENT_REFUSED: RecipientRefusedError,
    B.WD_E_MESSAGE: MessageError,
    B.WD_E_IO: IoError,
    B.WD_E_INTERNAL: InternalError,
}


def error_class(code: int) -> Type[WdError]:
    """The exception class of a WD_E_* code (WdError for a code without its own class)."""
    return ERROR_CLASSES.get(code, WdError)


__all__ = [
    "WdError",
    "InvalidArgumentError",
    "InvalidHandleError",
    "UnknownSessionError",
    "SessionExistsError",
    "NotSupportedError",
    "RecursiveCallError",
    "CancelledError",
    "WdConnectionError",
    "ConnectionLostError",
    "WdTimeoutError",
    "TlsError",
    "AuthError",
    "ProtocolError",
    "RecipientRefusedError",
    "MessageError",
    "IoError",
    "InternalError",
    "ERROR_CLASSES",
    "error_class",
]
