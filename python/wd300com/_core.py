"""The loaded library, error reading and the checked call used by the Pythonic layer."""

import ctypes
import threading

from . import _bindings as B
from . import _flat, _lib

lib, library_path, missing_functions = _lib.load()
flat = _flat.make_all(lib, library_path)

_CODE_NAMES = {v: k for k, v in B.CONSTANTS.items() if k.startswith("WD_E_")}


class WdError(Exception):
    """A failed library call.

    code          the numeric WD_E_* code (ErreurCode)
    code_name     its name, e.g. "WD_E_AUTH"
    message       the one-line message (ErreurInfo(WD_ERR_MESSAGE))
    server_reply  the server's last reply or the OS error (ErreurInfo(WD_ERR_SYSTEM_MESSAGE)),
                  None when empty
    function      the C function that failed, when known
    """

    def __init__(self, code, message, server_reply=None, function=None):
        self.code = code
        self.code_name = _CODE_NAMES.get(code, str(code))
        self.message = message
        self.server_reply = server_reply or None
        self.function = function
        text = "%s: %s" % (self.code_name, message)
        if function:
            text = "%s: %s" % (function, text)
        super().__init__(text)

    def __repr__(self):
        return "WdError(code=%r, message=%r, server_reply=%r)" % (
            self.code,
            self.message,
            self.server_reply,
        )


def last_error(function=None):
    """The calling thread's error state as a WdError (or None when the last call succeeded).
    Reading it does not change it."""
    if not lib.ErreurDetectee():
        return None
    code = int(lib.ErreurCode())
    message = _flat._decode(lib.ErreurInfo(B.WD_ERR_MESSAGE)) or ""
    reply = _flat._decode(lib.ErreurInfo(B.WD_ERR_SYSTEM_MESSAGE)) or ""
    return WdError(code, message, reply, function)


# Handles released by __del__ are freed at the start of the next checked call, so that a
# garbage collection between a call and the reading of its error never clears that error.
_pending_lock = threading.Lock()
_pending = []


def defer(fn_name, arg):
    with _pending_lock:
        _pending.append((fn_name, arg))


def _drain():
    if not _pending:
        return
    with _pending_lock:
        items = _pending[:]
        del _pending[:]
    for fn_name, arg in items:
        try:
            getattr(lib, fn_name)(arg)
        except Exception:  # noqa: BLE001 - best effort cleanup
            pass


def _raw(name):
    fn = getattr(lib, name, None)
    if fn is None:
        raise WdError(
            B.WD_E_NOT_SUPPORTED,
            "%s is not exported by %s (library older than the package?)" % (name, library_path),
            None,
            name,
        )
    return fn


def _invoke(fn, name, args):
    try:
        return fn(*args)
    except ctypes.ArgumentError as e:
        # A Python value that cannot cross (NUL inside a string, wrong type): refused
        # before reaching the library, reported like the library's own argument errors.
        raise WdError(B.WD_E_INVALID_ARGUMENT, str(e), None, name) from None


def call(name, *args):
    """Calls C function `name` with raw ctypes arguments; raises WdError when it failed.
    The error is read on this thread right after the call."""
    _drain()
    result = _invoke(_raw(name), name, args)
    if lib.ErreurDetectee():
        raise last_error(name)
    return result


def call_str(name, *args):
    """As call() for a `const char*` result: returns str (None for NULL)."""
    return _flat._decode(call(name, *args))


def call_bytes(name, *args):
    """As call() for a `const uint8_t*` result with a trailing `size_t* out_len`: bytes."""
    _drain()
    n = ctypes.c_size_t(0)
    ptr = _invoke(_raw(name), name, args + (ctypes.byref(n),))
    if lib.ErreurDetectee():
        raise last_error(name)
    if not ptr or n.value == 0:
        return b""
    return ctypes.string_at(ptr, n.value)


class Resource:
    """Something held in the library: close() releases it, and so do the end of a `with`
    block and garbage collection (deferred to the next call, see defer()). `_held` is the
    (C function, argument) call that releases it, None when nothing is held."""

    _held = None

    def _take(self):
        held, self._held = self._held, None
        return held

    def close(self):
        held = self._take()
        if held:
            call(*held)

    def __del__(self):
        try:
            held = self._take()
            if held:
                defer(*held)
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
