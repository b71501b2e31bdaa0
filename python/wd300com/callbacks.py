"""The library's callbacks in Python: progress of transfers (EmailJauge) and the
transcript (EmailTraceFonction).

Progress::

    with wd300com.SmtpSession(...) as smtp:
        smtp.progress(lambda done, total: print(done, "of", total))   # or a tqdm bar
        smtp.send(message)

A progress target is a callable ``(done, total)`` (``total`` is -1 when unknown; returning
``False`` cancels the transfer: the call raises :class:`~wd300com.CancelledError`, or the
exception the callable raised), or an object driven like a ``tqdm`` bar (it has
``update(n)``; its ``total`` is set, and ``reset()`` is called when a new transfer starts).

Transcript::

    import logging
    logging.basicConfig(level=logging.DEBUG)
    wd300com.log_transcript()        # every line to logging.getLogger("wd300com"), DEBUG

Each record carries ``session`` (the session's name) and ``direction`` (``"client"``,
``"server"`` or ``"info"``) as attributes, usable in a format
(``%(session)s %(direction)s``); the message is the transcript line, timestamp first,
credentials masked.

Callbacks run on the thread that made the call (for a list filled in the background, on
the library's thread), while that call is in progress: a call from a callback into the
session of that call raises :class:`~wd300com.RecursiveCallError`. The ctypes objects the
library calls are kept alive by this module for the life of the process (a callback being
replaced may still be running on another thread).
"""

from __future__ import annotations

import ctypes
import logging
import threading
from typing import Any, Callable, Dict, List, Optional, Union

from . import _bindings as B
from ._core import call, callback_error

PROGRESS_FUNCTION = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p)
TRACE_FUNCTION = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int32, ctypes.c_char_p, ctypes.c_void_p
)

#: ``(done, total)`` → False to cancel (None or True goes on).
ProgressFunction = Callable[[int, int], Optional[bool]]
#: A progress callable, or a tqdm-like bar (with ``update(n)``).
ProgressTarget = Union[ProgressFunction, Any]
#: ``(session, direction, line)``; direction is "client", "server" or "info".
TranscriptFunction = Callable[[str, str, str], None]

DIRECTIONS: Dict[int, str] = {
    B.WD_TRACE_INFO: "info",
    B.WD_TRACE_CLIENT: "client",
    B.WD_TRACE_SERVER: "server",
}

# Every ctypes function ever handed to the library: never freed (see the module).
_kept: List[Any] = []
_kept_lock = threading.Lock()


def _keep(fn: Any) -> Any:
    with _kept_lock:
        _kept.append(fn)
    return fn


class _Bar:
    """Drives a tqdm-like bar: its total, its position, a reset for each new transfer."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.seen = 0

    def __call__(self, done: int, total: int) -> bool:
        bar = self.bar
        if done < self.seen or (done == 0 and self.seen > 0):
            if hasattr(bar, "reset"):
                bar.reset(total=total if total >= 0 else None)
            else:
                bar.n = 0
            self.seen = 0
        if total >= 0 and getattr(bar, "total", None) != total:
            bar.total = total
        if done > self.seen:
            bar.update(done - self.seen)
            self.seen = done
        return True


def progress_function(target: ProgressTarget) -> ProgressFunction:
    """The ``(done, total)`` callable of a progress target (a callable, or a bar)."""
    if hasattr(target, "update") and not isinstance(target, type):
        return _Bar(target)
    if callable(target):
        fn: ProgressFunction = target
        return fn
    raise TypeError("a progress target is a callable (done, total) or a tqdm-like bar")


def progress_pointer(target: Optional[ProgressTarget]) -> Any:
    """The ctypes function for EmailJauge (None for NULL), kept alive."""
    if target is None:
        return None
    fn = progress_function(target)

    def trampoline(done: int, total: int, _user_data: Optional[int]) -> int:
        try:
            return 0 if fn(int(done), int(total)) is False else 1
        except BaseException as e:  # noqa: BLE001 - re-raised by the call it cancels
            callback_error.exc = e
            return 0

    return _keep(PROGRESS_FUNCTION(trampoline))


def set_progress(target: Optional[ProgressTarget]) -> None:
    """EmailJauge(NULL, ...): the process-wide progress callback, used by the sessions
    that set none and by Message.save_attachment(); None removes it."""
    call("EmailJauge", None, progress_pointer(target), None)


def on_transcript(fn: Optional[TranscriptFunction]) -> None:
    """EmailTraceFonction: ``fn(session, direction, line)`` receives every transcript line
    of the process; None stops it. An exception in ``fn`` is reported by ctypes and
    ignored."""
    if fn is None:
        call("EmailTraceFonction", None, None)
        return
    target = fn

    def trampoline(
        session: Optional[bytes], direction: int, line: Optional[bytes], _user_data: Optional[int]
    ) -> None:
        target(
            (session or b"").decode("utf-8", "replace"),
            DIRECTIONS.get(int(direction), str(direction)),
            (line or b"").decode("utf-8", "replace"),
        )

    call("EmailTraceFonction", _keep(TRACE_FUNCTION(trampoline)), None)


def log_transcript(enabled: bool = True, logger: Optional[logging.Logger] = None) -> None:
    """Sends the transcript to ``logger`` (default ``logging.getLogger("wd300com")``) at
    DEBUG level, each record with ``session`` and ``direction`` attributes; False stops
    it. Lines are only formatted when the logger is enabled for DEBUG."""
    if not enabled:
        on_transcript(None)
        return
    log = logger or logging.getLogger("wd300com")

    def emit(session: str, direction: str, line: str) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s", line, extra={"session": session, "direction": direction})

    on_transcript(emit)


__all__ = [
    "DIRECTIONS",
    "PROGRESS_FUNCTION",
    "TRACE_FUNCTION",
    "log_transcript",
    "on_transcript",
    "progress_function",
    "progress_pointer",
    "set_progress",
]
