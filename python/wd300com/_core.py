"""The loaded library, error reading and the checked call used by the Pythonic layer."""

from __future__ import annotations

import ctypes
import threading
from typing import Any, List, Optional, Tuple, TypeVar, Union

from . import _bindings as B
from . import _flat, _lib
from .errors import InvalidArgumentError, NotSupportedError, WdError

lib, library_path, missing_functions = _lib.load()
flat = _flat.make_all(lib, library_path)

# A C argument as handed to a ctypes function (converted by its argtypes).
CArg = Any
# What releases a resource: (C function name, its argument).
Held = Tuple[str, Union[int, str]]
_R = TypeVar("_R", bound="Resource")


def last_error(function: Optional[str] = None) -> Optional[WdError]:
    """The calling thread's error state as a WdError of the class of its code (None when
    the last call succeeded). Reading it does not change it."""
    if not lib.ErreurDetectee():
        return None
    code = int(lib.ErreurCode())
    message = _flat.decode(lib.ErreurInfo(B.WD_ERR_MESSAGE)) or ""
    reply = _flat.decode(lib.ErreurInfo(B.WD_ERR_SYSTEM_MESSAGE)) or ""
    return WdError.from_code(code, message, reply, function)


def _raise_last(function: str) -> None:
    error = last_error(function)
    if error is not None:
        raise error


# Handles released by __del__ are freed at the start of the next checked call, so that a
# garbage collection between a call and the reading of its error never clears that error.
_pending_lock = threading.Lock()
_pending: List[Held] = []


def defer(fn_name: str, arg: Union[int, str]) -> None:
    with _pending_lock:
        _pending.append((fn_name, arg))


def _drain() -> None:
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


def _raw(name: str) -> Any:
    fn = getattr(lib, name, None)
    if fn is None:
        raise NotSupportedError(
            B.WD_E_NOT_SUPPORTED,
            "%s is not exported by %s (library older than the package?)" % (name, library_path),
            None,
            name,
        )
    return fn


def _invoke(fn: Any, name: str, args: Tuple[CArg, ...]) -> Any:
    try:
        return fn(*args)
    except ctypes.ArgumentError as e:
        # A Python value that cannot cross (NUL inside a string, wrong type): refused
        # before reaching the library, reported like the library's own argument errors.
        raise InvalidArgumentError(B.WD_E_INVALID_ARGUMENT, str(e), None, name) from None


# An exception raised by a Python progress callback during a call on this thread: it
# cancelled the transfer, and the call raises it instead of CancelledError (see
# wd300com.callbacks). Dropped when the call succeeded anyway (a last call that could no
# longer cancel).
callback_error = threading.local()


def _take_callback_error() -> Optional[BaseException]:
    exc: Optional[BaseException] = getattr(callback_error, "exc", None)
    callback_error.exc = None
    return exc


def call(name: str, *args: CArg) -> Any:
    """Calls C function `name` with raw ctypes arguments; raises the WdError of the
    error's code when it failed (or the exception a progress callback raised during the
    call). The error is read on this thread right after the call."""
    _drain()
    result = _invoke(_raw(name), name, args)
    raised = _take_callback_error()
    if lib.ErreurDetectee():
        if raised is not None:
            raise raised
        _raise_last(name)
    return result


def call_int(name: str, *args: CArg) -> int:
    """As call() for an integer result."""
    return int(call(name, *args))


def call_str(name: str, *args: CArg) -> Optional[str]:
    """As call() for a `const char*` result: returns str (None for NULL)."""
    ptr: Optional[int] = call(name, *args)
    return _flat.decode(ptr)


def call_bytes(name: str, *args: CArg) -> bytes:
    """As call() for a `const uint8_t*` result with a trailing `size_t* out_len`: bytes."""
    _drain()
    n = ctypes.c_size_t(0)
    ptr: Optional[int] = _invoke(_raw(name), name, args + (ctypes.byref(n),))
    if lib.ErreurDetectee():
        _raise_last(name)
    if not ptr or n.value == 0:
        return b""
    return ctypes.string_at(ptr, n.value)


class Resource:
    """Something held in the library: close() releases it, and so do the end of a `with`
    block and garbage collection (deferred to the next call, see defer()). `_held` is the
    (C function, argument) call that releases it, None when nothing is held."""

    _held: Optional[Held] = None

    def _take(self) -> Optional[Held]:
        held, self._held = self._held, None
        return held

    def close(self) -> None:
        held = self._take()
        if held:
            call(*held)

    def __del__(self) -> None:
        try:
            held = self._take()
            if held:
                defer(*held)
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __enter__(self: _R) -> _R:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["WdError", "last_error", "lib", "library_path", "missing_functions", "flat"]
