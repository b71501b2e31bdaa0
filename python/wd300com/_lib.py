"""Finds and loads libwd300com and declares argtypes/restype for every export.

Search order (the first that exists wins):
  1. the path in the environment variable WD300COM_LIBRARY;
  2. the library next to this package (copied there at install time);
  3. from a checkout of the repository: $CARGO_TARGET_DIR, then target/release and
     target/debug (the more recently built of the two first);
  4. the system's, through ctypes.util.find_library("wd300com").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Any, Dict, List, Optional, Tuple, Type

from . import _bindings
from ._platform import LIBRARY_FILE

ENV_VAR = "WD300COM_LIBRARY"

_HERE = os.path.dirname(os.path.abspath(__file__))


def _checkout_root() -> Optional[str]:
    """The repository root when this package runs from a checkout (python/wd300com/)."""
    root = os.path.dirname(os.path.dirname(_HERE))
    if os.path.isfile(os.path.join(root, "Cargo.toml")) and os.path.isfile(
        os.path.join(root, "include", "wd300com.h")
    ):
        return root
    return None


def candidates() -> List[str]:
    """The paths tried, in order (without the find_library fall-back)."""
    out: List[str] = []
    env = os.environ.get(ENV_VAR)
    if env:
        out.append(env)
    out.append(os.path.join(_HERE, LIBRARY_FILE))
    root = _checkout_root()
    if root:
        target_dir = os.environ.get("CARGO_TARGET_DIR")
        if target_dir:
            target_dir = os.path.join(root, target_dir)
            out.append(os.path.join(target_dir, "release", LIBRARY_FILE))
            out.append(os.path.join(target_dir, "debug", LIBRARY_FILE))
        built = [
            os.path.join(root, "target", profile, LIBRARY_FILE) for profile in ("release", "debug")
        ]
        built.sort(key=lambda p: -os.path.getmtime(p) if os.path.exists(p) else 0)
        out.extend(built)
    return out


def find_library() -> str:
    """Returns the path (or name for the system loader) of the library to load."""
    env = os.environ.get(ENV_VAR)
    if env and not os.path.exists(env):
        raise OSError("%s=%s: no such file" % (ENV_VAR, env))
    for path in candidates():
        if os.path.isfile(path):
            return path
    found = ctypes.util.find_library("wd300com")
    if found:
        return found
    raise OSError(
        "libwd300com not found: build it (cargo build --release), set %s to its path, "
        "or install it on the system library path (tried: %s)" % (ENV_VAR, ", ".join(candidates()))
    )


# Argument types. str and bytes arguments accept Python objects directly.


class Utf8Arg(ctypes.c_char_p):
    """const char* argument: str (encoded to UTF-8), bytes, os.PathLike or None (NULL)."""

    @classmethod
    def from_param(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = value.encode("utf-8")
        elif isinstance(value, os.PathLike):
            value = os.fsencode(value)
        elif isinstance(value, (bytearray, memoryview)):
            value = bytes(value)
        if isinstance(value, bytes):
            if b"\0" in value:
                raise ValueError("string argument holds a NUL character")
            return ctypes.c_char_p(value)
        return ctypes.c_char_p.from_param(value)


class BytesArg(ctypes.c_char_p):
    """const uint8_t* argument: bytes-like (may hold NUL bytes) or None (NULL)."""

    @classmethod
    def from_param(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, (bytearray, memoryview)):
            value = bytes(value)
        if isinstance(value, bytes):
            return ctypes.c_char_p(value)
        return ctypes.c_char_p.from_param(value)


ARG_TYPES: Dict[str, Any] = {
    "i32": ctypes.c_int32,
    "u32": ctypes.c_uint32,
    "i64": ctypes.c_int64,
    "u64": ctypes.c_uint64,
    "size": ctypes.c_size_t,
    "str": Utf8Arg,
    "bytes": BytesArg,
    "size_out": ctypes.POINTER(ctypes.c_size_t),
    "i32_out": ctypes.POINTER(ctypes.c_int32),
    # A callback (a ctypes CFUNCTYPE object, or None) and a pointer passed through.
    "fnptr": ctypes.c_void_p,
    "ptr": ctypes.c_void_p,
}

# Pointer returns are c_void_p so the library-owned address is kept whole and read with
# ctypes.string_at (a c_char_p restype would copy up to the first NUL and lose the pointer).
RES_TYPES: Dict[str, Optional[Type[Any]]] = {
    "void": None,
    "i32": ctypes.c_int32,
    "u32": ctypes.c_uint32,
    "i64": ctypes.c_int64,
    "u64": ctypes.c_uint64,
    "size": ctypes.c_size_t,
    "str": ctypes.c_void_p,
    "bytes": ctypes.c_void_p,
}


def declare(lib: ctypes.CDLL) -> List[str]:
    """Sets argtypes/restype on every function of the header; returns the missing names."""
    missing: List[str] = []
    for name, (ret, params, _proto) in _bindings.FUNCTIONS.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.argtypes = [ARG_TYPES[kind] for _pname, kind in params]
        fn.restype = RES_TYPES[ret]
    return missing


def load(path: Optional[str] = None) -> Tuple[ctypes.CDLL, str, List[str]]:
    """Loads the library (found with find_library() when path is None) and declares it.

    Returns (lib, path, missing function names)."""
    path = path or find_library()
    lib = ctypes.CDLL(path)
    missing = declare(lib)
    return lib, path, missing
