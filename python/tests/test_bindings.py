"""The generated bindings match include/wd300com.h and every export is declared."""

import ctypes
import importlib.util
import os
import re

import pytest

import wd300com
from wd300com import _bindings, _lib

from conftest import PYTHON_DIR, ROOT

HEADER = os.path.join(ROOT, "include", "wd300com.h")


def _gen():
    spec = importlib.util.spec_from_file_location("gen_bindings", os.path.join(PYTHON_DIR, "gen_bindings.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gen = _gen()


def header_text():
    with open(HEADER, encoding="utf-8") as f:
        return f.read()


def header_function_names():
    """Function names found in the header by a regex independent of the generator."""
    code = re.sub(r"/\*.*?\*/", "", header_text(), flags=re.S)
    return set(re.findall(r"^[A-Za-z_][\w \*]*?\b([A-Za-z_]\w*)\((?:void|[^;{]*)\);", code, re.M | re.S))


def test_committed_bindings_are_fresh():
    outputs = gen.generate_all(header_text())
    assert sorted(os.path.basename(p) for p in outputs) == ["_bindings.py", "_fields.py", "_flat_api.pyi"]
    for path, text in outputs.items():
        with open(path, encoding="utf-8") as f:
            committed = f.read()
        assert text == committed, (
            "python/wd300com/%s is stale: run python3 python/gen_bindings.py" % os.path.basename(path)
        )


def test_flat_function_types_follow_the_python_signatures():
    """_flat_api.pyi declares each flat function with the parameters it takes at run time."""
    import inspect

    stub = gen.generate_flat_stub(header_text())
    declared = dict(re.findall(r"^def (\w+)\((.*?)\) -> ", stub, re.M))
    # An English twin with the French function's parameters is an alias of it.
    aliases = dict(re.findall(r"^(\w+) = (\w+)$", stub, re.M))
    assert len(aliases) > 50
    for english, french in aliases.items():
        assert _bindings.FUNCTIONS[english][:2] == _bindings.FUNCTIONS[french][:2], english
        declared[english] = declared[french]
    assert set(declared) == set(_bindings.FUNCTIONS)
    for name, params in declared.items():
        names = [p.split(":")[0] for p in params.split(", ") if p and p != "/"]
        runtime = list(inspect.signature(getattr(wd300com, name)).parameters)
        assert names == runtime, name


def test_every_header_function_is_declared():
    names = header_function_names()
    assert len(names) > 50
    assert names == set(_bindings.FUNCTIONS)
    for name in names:
        assert callable(getattr(wd300com, name)), name


def test_declared_ctypes_signatures():
    assert wd300com.missing_functions == []
    for name, (ret, params, _proto) in _bindings.FUNCTIONS.items():
        fn = getattr(wd300com.lib, name)
        assert fn.argtypes == [_lib.ARG_TYPES[k] for _p, k in params], name
        assert fn.restype is _lib.RES_TYPES[ret], name
        if ret in ("str", "bytes"):
            assert fn.restype is ctypes.c_void_p, name


def test_french_english_pairs_present():
    pairs = 0
    with open(os.path.join(ROOT, "c-tests", "names.txt"), encoding="utf-8") as f:
        for line in f:
            words = line.split("#")[0].split()
            if len(words) == 2 and words[0] in _bindings.FUNCTIONS:
                fr, en = words
                pairs += 1
                assert en in _bindings.FUNCTIONS, en
                assert _bindings.FUNCTIONS[fr][:2] == _bindings.FUNCTIONS[en][:2], (fr, en)
    assert pairs > 20


def test_constants_match_header():
    text = header_text()
    defines = dict(re.findall(r"^#define (WD_\w+) (-?\d+)\s*$", text, re.M))
    assert defines
    for name, value in defines.items():
        assert getattr(wd300com, name) == int(value), name
    enum = dict(re.findall(r"^\s*(WD_E_\w+) = (\d+),", text, re.M))
    assert enum["WD_E_NONE"] == "0"
    for name, value in enum.items():
        assert getattr(wd300com, name) == int(value), name
    assert wd300com.WD300COM_VERSION_STRING == wd300com.version()


def test_generator_on_a_synthetic_header():
    text = """
    #define WD_A 1
    #define WD_B (2 * 10 + 3) /* x */
    #define WD_S "s"
    enum WD_E
    #if defined(__cplusplus)
      : int32_t
    #endif
     { WD_E_X = 0, WD_E_Y = 5, WD_E_Z, };
    typedef int32_t WdThing;
    #ifdef __cplusplus
    extern "C" {
    #endif
    DEPRECATED_FUNC("use G") int32_t F(WdThing t, const char *s);
    const uint8_t *G(WdThing t,
                     size_t *out_len);
    void H(void);
    int32_t K(const uint8_t *data, size_t len, int32_t *out);
    #ifdef __cplusplus
    }
    #endif
    """
    consts, typedefs, funcs = gen.parse_header(text)
    assert dict(consts) == {"WD_A": 1, "WD_B": 23, "WD_S": "s", "WD_E_X": 0, "WD_E_Y": 5, "WD_E_Z": 6}
    assert typedefs == ["WD_E", "WdThing"]
    by_name = {f[0]: f[1:3] for f in funcs}
    assert by_name == {
        "F": ("i32", (("t", "i32"), ("s", "str"))),
        "G": ("bytes", (("t", "i32"), ("out_len", "size_out"))),
        "H": ("void", ()),
        "K": ("i32", (("data", "bytes"), ("len", "size"), ("out", "i32_out"))),
    }


def test_generator_refuses_unknown_types():
    with pytest.raises(gen.HeaderError):
        gen.parse_header("double F(int32_t x);")
    with pytest.raises(gen.HeaderError):
        gen.parse_header("int32_t F(struct Foo *x);")
