"""The flat C functions as Python callables, under their French and English names.

Each C function of include/wd300com.h becomes a Python function of the same name that
returns what the C function returns (0 / -1 / None on failure; the error is read with
ErreurDetectee / ErreurCode / ErreurInfo on the same thread), with these conversions:

  * `const char*` arguments take str (encoded to UTF-8), bytes, os.PathLike or None (NULL);
  * a `(const uint8_t* data, size_t len)` pair is one argument: bytes-like or None;
  * a `const char*` result is a str (decoded from UTF-8), or None for NULL;
  * a `const uint8_t*` result with a `size_t* out_len` parameter is bytes (or None for
    NULL): the out_len parameter is not passed;
  * other integers are passed and returned as int.

Their types are in _flat_api.pyi (generated with the bindings). The raw ctypes functions
(argtypes/restype declared) are available as `wd300com.lib.NAME`.
"""

from __future__ import annotations

import ctypes
import inspect
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import _bindings

FlatFunction = Callable[..., Any]


def decode(ptr: Optional[int]) -> Optional[str]:
    """The UTF-8 text at a `const char*` result (None for NULL)."""
    if not ptr:
        return None
    return ctypes.string_at(ptr).decode("utf-8", errors="replace")


def _missing(name: str, path: str) -> FlatFunction:
    def fn(*_args: Any, **_kwargs: Any) -> Any:
        raise NotImplementedError(
            "%s is declared in include/wd300com.h but not exported by %s" % (name, path)
        )

    fn.__name__ = name
    return fn


def make(name: str, lib: ctypes.CDLL, path: str) -> FlatFunction:
    """Builds the Python function for C function `name`."""
    ret, params, proto = _bindings.FUNCTIONS[name]
    raw = getattr(lib, name, None)
    if raw is None:
        return _missing(name, path)

    kinds = [k for _n, k in params]
    # Python-side parameters: (index in C params, name, kind) with the pair rules applied.
    py_params: List[Tuple[int, str, str]] = []
    skip = set()
    out_len_at = None
    if ret == "bytes" and "size_out" in kinds:
        out_len_at = kinds.index("size_out")
        skip.add(out_len_at)
    for i, (pname, kind) in enumerate(params):
        if i in skip:
            continue
        if kind == "bytes" and i + 1 < len(params) and params[i + 1][1] == "size":
            skip.add(i + 1)
            py_params.append((i, pname, "bytes+len"))
        else:
            py_params.append((i, pname, kind))
    n_c = len(params)

    def fn(*args: Any) -> Any:
        if len(args) != len(py_params):
            raise TypeError(
                "%s() takes %d arguments (%d given)" % (name, len(py_params), len(args))
            )
        c_args: List[Any] = [None] * n_c
        for (i, _pname, kind), value in zip(py_params, args):
            if kind == "bytes+len":
                if value is None:
                    c_args[i], c_args[i + 1] = None, 0
                else:
                    data = bytes(value)
                    c_args[i], c_args[i + 1] = data, len(data)
            else:
                c_args[i] = value
        out_len = None
        if out_len_at is not None:
            out_len = ctypes.c_size_t(0)
            c_args[out_len_at] = ctypes.byref(out_len)
        result = raw(*c_args)
        if ret == "str":
            return decode(result)
        if ret == "bytes":
            if not result:
                return None
            if out_len is None:
                return result
            return ctypes.string_at(result, out_len.value)
        return result

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = "C: %s" % proto
    setattr(
        fn,
        "__signature__",
        inspect.Signature(
            [inspect.Parameter(p, inspect.Parameter.POSITIONAL_ONLY) for _i, p, _k in py_params]
        ),
    )
    return fn


def make_all(lib: ctypes.CDLL, path: str) -> Dict[str, FlatFunction]:
    return {name: make(name, lib, path) for name in _bindings.FUNCTIONS}
