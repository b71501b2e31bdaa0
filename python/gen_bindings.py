#!/usr/bin/env python3
"""Generates the modules of the package that follow include/wd300com.h and the message
property table src/message/properties.tsv (written from src/message/properties.rs):

  wd300com/_bindings.py    the WD_* constants and the C signatures (kinds, below)
  wd300com/_flat_api.pyi   the types of the flat functions (wd300com.EmailCree, ...)
  wd300com/_fields.py      the Message attributes of the property table, typed

    python3 python/gen_bindings.py            # rewrite the files that changed
    python3 python/gen_bindings.py --check    # exit 1 when a committed file is stale

The header is parsed for:
  * `#define WD_* <integer>` (and the WD300COM_VERSION_* macros),
  * the values of `enum WD_E`,
  * `typedef int32_t Name;` (handle types such as WdEmail),
  * every function prototype, each parameter and return type reduced to a "kind":
      i32      int32_t and its typedefs (WD_E, WdEmail, ...)
      u32/i64/u64  the other fixed-width integers
      size     size_t
      str      const char*            (argument: UTF-8 text or None; return: text or None)
      bytes    const uint8_t*         (argument: bytes or None; return: pointer, read with a length)
      size_out size_t*                (an out-parameter)
      i32_out  int32_t*               (an out-parameter)
      fnptr    a function-pointer typedef (a callback; None is NULL)
      ptr      void*                  (passed through, e.g. a callback's user_data)
      void     a void return
A type the generator does not know stops it with an error, so a new kind of signature
is noticed instead of being declared wrongly.

The output is deterministic; python/tests/test_bindings.py regenerates it in memory and
compares it with the committed files.
"""

from __future__ import annotations

import keyword
import os
import re
import sys
import textwrap
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, Union

Params = Tuple[Tuple[str, str], ...]
Function = Tuple[str, str, Params, str]
Constant = Tuple[str, Union[int, str]]

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HEADER = os.path.join(os.path.dirname(HERE), "include", "wd300com.h")
PACKAGE_DIR = os.path.join(HERE, "wd300com")
DEFAULT_OUTPUT = os.path.join(PACKAGE_DIR, "_bindings.py")
DEFAULT_PROPERTIES = os.path.join(os.path.dirname(HERE), "src", "message", "properties.tsv")

_BASE_KINDS = {
    "int32_t": "i32",
    "uint32_t": "u32",
    "int64_t": "i64",
    "uint64_t": "u64",
    "size_t": "size",
    "void": "void",
}


class HeaderError(Exception):
    pass


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def _int_expr(expr: str) -> Optional[int]:
    """Evaluates a macro made only of integers, + - * and parentheses; None otherwise."""
    expr = expr.strip()
    if not re.fullmatch(r"[0-9\s()+\-*]+", expr) or not expr:
        return None
    tokens: List[str] = re.findall(r"\d+|[()+\-*]", expr)
    pos = 0

    def peek() -> Optional[str]:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def atom() -> int:
        t = take()
        if t == "(":
            v = add()
            if take() != ")":
                raise HeaderError("unbalanced macro: %r" % expr)
            return v
        if t == "-":
            return -atom()
        return int(t)

    def mul() -> int:
        v = atom()
        while peek() == "*":
            take()
            v *= atom()
        return v

    def add() -> int:
        v = mul()
        while peek() in ("+", "-"):
            if take() == "+":
                v += mul()
            else:
                v -= mul()
        return v

    value = add()
    if pos != len(tokens):
        raise HeaderError("cannot evaluate macro: %r" % expr)
    return value


def parse_header(text: str) -> Tuple[List[Constant], List[str], List[Function]]:
    """Returns (constants, typedefs, functions) parsed from the header text.

    constants: list of (name, value) in header order (int or str values);
    typedefs: sorted list of int32_t typedef names;
    functions: list of (name, return_kind, ((param_name, kind), ...), prototype).
    """
    constants: List[Constant] = []
    seen: Set[str] = set()

    def add_const(name: str, value: Union[int, str]) -> None:
        if name in seen:
            raise HeaderError("constant defined twice: " + name)
        seen.add(name)
        constants.append((name, value))

    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+([^\n]*)$", text, flags=re.M):
        name, body = m.group(1), m.group(2).strip()
        body = re.sub(r"/\*.*?\*/", "", body).strip()
        if not (name.startswith("WD_") or name.startswith("WD300COM_VERSION_")):
            continue
        sm = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', body)
        if sm:
            add_const(name, sm.group(1))
            continue
        value = _int_expr(body)
        if value is None:
            raise HeaderError("cannot read the value of %s: %r" % (name, body))
        add_const(name, value)

    code = _strip_comments(text)

    for m in re.finditer(r"\benum\s+(\w+)\s*(?:#[^\n]*\n|[^{;])*?\{(.*?)\}", code, flags=re.S):
        body = re.sub(r"^[ \t]*#[^\n]*$", "", m.group(2), flags=re.M)
        next_value = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            im = re.fullmatch(r"(\w+)\s*(?:=\s*(.+))?", item, flags=re.S)
            if not im:
                raise HeaderError("cannot read enum item %r" % item)
            if im.group(2) is not None:
                value = _int_expr(im.group(2))
                if value is None:
                    raise HeaderError("cannot read enum value %r" % item)
            else:
                value = next_value
            add_const(im.group(1), value)
            next_value = value + 1

    typedefs: Set[str] = {"WD_E"} if re.search(r"\benum\s+WD_E\b", code) else set()
    for m in re.finditer(r"\btypedef\s+int32_t\s+(\w+)\s*;", code):
        typedefs.add(m.group(1))
    callbacks = frozenset(re.findall(r"\btypedef\s[^;]*?\(\s*\*\s*(\w+)\s*\)\s*\([^;]*\)\s*;", code))

    # Function prototypes: only outside preprocessor lines; DEPRECATED_FUNC(...) dropped.
    decls = re.sub(r"^[ \t]*#[^\n]*$", " ", code, flags=re.M)
    decls = re.sub(r"\bDEPRECATED_FUNC\s*\((?:[^()\"]|\"(?:[^\"\\]|\\.)*\")*\)", " ", decls)
    decls = re.sub(r"\benum\s+\w+\s*(?::\s*\w+\s*)?\{.*?\}\s*;", " ", decls, flags=re.S)
    decls = re.sub(r"\btypedef\b[^;]*;", " ", decls)
    decls = re.sub(r'extern\s+"C"\s*\{', " ", decls)
    decls = decls.replace("}", " ")

    functions: List[Function] = []
    names: Set[str] = set()
    for stmt in decls.split(";"):
        stmt = " ".join(stmt.split())
        if not stmt:
            continue
        fm = re.fullmatch(r"(.+?)\b(\w+)\s*\((.*)\)", stmt)
        if not fm:
            raise HeaderError("cannot read declaration: %r" % stmt)
        ret, name, params = fm.group(1).strip(), fm.group(2), fm.group(3).strip()
        ret_kind = _kind(ret, typedefs, name, "return", callbacks)
        plist: List[Tuple[str, str]] = []
        if params and params != "void":
            for i, p in enumerate(params.split(",")):
                p = p.strip()
                pm = re.fullmatch(r"(.*?[\s*])(\w+)", p)
                if not pm:
                    raise HeaderError("%s: unnamed or unreadable parameter %r" % (name, p))
                pname = pm.group(2).lstrip("_") or "arg%d" % i
                plist.append((pname, _kind(pm.group(1), typedefs, name, pname, callbacks)))
        if name in names:
            raise HeaderError("function declared twice: " + name)
        names.add(name)
        functions.append((name, ret_kind, tuple(plist), stmt + ";"))
    return constants, sorted(typedefs), functions


def _kind(
    ctype: str, typedefs: Set[str], fname: str, where: str, callbacks: FrozenSet[str] = frozenset()
) -> str:
    t = " ".join(ctype.replace("*", " * ").split())
    stars = t.count("*")
    words = t.replace("*", "").replace("const", "").split()
    if len(words) != 1:
        raise HeaderError("%s (%s): unsupported type %r" % (fname, where, ctype))
    base = words[0]
    if base in typedefs:
        base = "int32_t"
    if stars == 0:
        if base in _BASE_KINDS:
            return _BASE_KINDS[base]
        if base in callbacks and where != "return":
            return "fnptr"
    elif stars == 1:
        if base == "char" and "const" in t:
            return "str"
        if base == "uint8_t" and "const" in t:
            return "bytes"
        if base == "size_t" and "const" not in t:
            return "size_out"
        if base == "int32_t" and "const" not in t:
            return "i32_out"
        if base == "void" and "const" not in t and where != "return":
            return "ptr"
    raise HeaderError("%s (%s): unsupported type %r" % (fname, where, ctype))


def parse_properties(text: str) -> List[Dict[str, str]]:
    """The rows of properties.tsv as dicts (keys from its header row; '#' lines skipped)."""
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    keys = lines[0].split("\t")
    rows = [dict(zip(keys, line.split("\t"))) for line in lines[1:]]
    for row in rows:
        if len(row) != len(keys):
            raise HeaderError("properties.tsv: bad row %r" % row)
    return rows


def read_properties() -> str:
    with open(DEFAULT_PROPERTIES, encoding="utf-8") as f:
        return f.read()


def _opening(out: List[str], what: str, sources: str, imports: Sequence[str]) -> None:
    """The start of a generated module: its docstring (what it holds, made from which
    files) and its imports."""
    text = "%s, generated from %s by python/gen_bindings.py. Do not edit by hand: rerun " \
        "the generator." % (what, sources)
    out.extend(textwrap.wrap('"""' + text, 88) + ['"""', ""] + list(imports) + [""])


def generate(header_text: str, properties_text: Optional[str] = None) -> str:
    """The text of wd300com/_bindings.py."""
    if properties_text is None:
        properties_text = read_properties()
    constants, typedefs, functions = parse_header(header_text)
    properties = parse_properties(properties_text)
    defined = {name for name, _ in constants}
    signatures: List[Tuple[str, Params]] = []
    for _name, ret, params, _proto in functions:
        if (ret, params) not in signatures:
            signatures.append((ret, params))
    out: List[str] = []
    w = out.append
    _opening(
        out,
        "Constants and C signatures of libwd300com",
        "include/wd300com.h and src/message/properties.tsv",
        ["from typing import Dict, Tuple, Union"],
    )
    w("# fmt: off")
    w("")
    w("# A C signature: (return kind, ((parameter, kind), ...)); kinds in gen_bindings.py.")
    w("Signature = Tuple[str, Tuple[Tuple[str, str], ...]]")
    w("")
    w("# int32_t typedefs of the header.")
    w("INT32_TYPEDEFS: Tuple[str, ...] = (%s)" % "".join("%r, " % t for t in typedefs))
    w("")
    w("# WD_* #defines and WD_E enum values, in header order.")
    for name, value in constants:
        w("%s = %r" % (name, value))
    w("")
    w("CONSTANTS: Dict[str, Union[int, str]] = {")
    w("    k: v for k, v in globals().items() if k.startswith((\"WD_\", \"WD300COM_\"))")
    w("}")
    w("")
    w("# The distinct signatures.")
    w("_SIGNATURES: Tuple[Signature, ...] = (")
    for ret, params in signatures:
        w("    (%r, (%s))," % (ret, "".join("(%r, %r), " % p for p in params)))
    w(")")
    w("")
    w("# (name, index in _SIGNATURES, C prototype), in header order.")
    w("_FUNCTIONS: Tuple[Tuple[str, int, str], ...] = (")
    for name, ret, params, proto in functions:
        w("    (%r, %d, %r)," % (name, signatures.index((ret, params)), proto))
    w(")")
    w("")
    w("# name: (return kind, ((parameter, kind), ...), C prototype)")
    w("FUNCTIONS: Dict[str, Tuple[str, Tuple[Tuple[str, str], ...], str]] = {")
    w("    name: _SIGNATURES[sig] + (proto,) for name, sig, proto in _FUNCTIONS")
    w("}")
    w("")
    w("# The session properties: keyword name (WD_PROP_* in lower case): value.")
    w("SESSION_PROPERTIES: Dict[str, int] = {")
    for name, _value in constants:
        if name.startswith("WD_PROP_"):
            w("    %r: %s," % (name[len("WD_PROP_"):].lower(), name))
    w("}")
    w("")
    w("# The message properties (src/message/properties.rs): (Python attribute or \"\",")
    w("# WD_EMAIL_* value, \"single\" or \"array\", \"text\"/\"number\"/\"flag\", writable, doc).")
    w("EMAIL_PROPERTIES: Tuple[Tuple[str, int, str, str, bool, str], ...] = (")
    for row in properties:
        if row["constant"] not in defined:
            raise HeaderError("properties.tsv: %s is not in the header" % row["constant"])
        w(
            "    (%r, %s, %r, %r, %r, %r),"
            % (
                row["attr"],
                row["constant"],
                row["kind"],
                row["type"],
                row["access"] == "read-write",
                row["doc"],
            )
        )
    w(")")
    w("")
    return "\n".join(out)


# Python types of the flat functions (wd300com/_flat.py does the conversions).
_ARG_TYPES = {
    "i32": "int",
    "u32": "int",
    "i64": "int",
    "u64": "int",
    "size": "int",
    "str": "_Text",
    "bytes": "_Data",
    "bytes+len": "_Data",
    "size_out": "Any",
    "i32_out": "Any",
    "fnptr": "Any",
    "ptr": "Any",
}
_RETURN_TYPES = {
    "void": "None",
    "i32": "int",
    "u32": "int",
    "i64": "int",
    "u64": "int",
    "size": "int",
    "str": "Optional[str]",
    "bytes": "Optional[bytes]",
}


def python_params(ret: str, params: Params) -> List[Tuple[str, str]]:
    """The Python parameters of a flat function: (name, kind), with the rules of
    wd300com/_flat.py: a (bytes, size) pair is one "bytes+len" parameter, and the
    size_t* out_len of a bytes result is not passed."""
    kinds = [k for _n, k in params]
    skip: Set[int] = set()
    if ret == "bytes" and "size_out" in kinds:
        skip.add(kinds.index("size_out"))
    out: List[Tuple[str, str]] = []
    for i, (pname, kind) in enumerate(params):
        if i in skip:
            continue
        if kind == "bytes" and i + 1 < len(params) and params[i + 1][1] == "size":
            skip.add(i + 1)
            out.append((pname, "bytes+len"))
        else:
            out.append((pname, kind))
    return out


def english_twins(header_text: str) -> Dict[str, str]:
    """{English name: French name} of the functions documented "English name of `X`"."""
    found = re.findall(
        r"English name of `(\w+)`\.(?:(?!\*/).)*\*/\s*[^;(]*?\b(\w+)\(", header_text, re.S
    )
    return {english: french for french, english in found}


def generate_flat_stub(header_text: str) -> str:
    """The text of wd300com/_flat_api.pyi: the flat functions with their Python types (an
    English name with the same parameters as its French twin is an alias of it)."""
    _constants, _typedefs, functions = parse_header(header_text)
    out: List[str] = []
    w = out.append
    _opening(
        out,
        "Types of the flat functions (wd300com/_flat_api.py)",
        "include/wd300com.h",
        ["import os", "from typing import Any, Optional, Union"],
    )
    w("# const char*: str (UTF-8), bytes, a path, or None for NULL.")
    w("_Text = Union[str, bytes, bytearray, memoryview, os.PathLike[str], os.PathLike[bytes], None]")
    w("# (const uint8_t* data, size_t len): bytes-like, or None for NULL.")
    w("_Data = Union[bytes, bytearray, memoryview, None]")
    w("")
    w("__all__ = [")
    for name, _ret, _params, _proto in functions:
        w("    %r," % name)
    w("]")
    twins = english_twins(header_text)
    signatures = {name: (ret, params) for name, ret, params, _proto in functions}
    aliases = []
    for name, ret, params, proto in functions:
        french = twins.get(name)
        if french is not None and signatures.get(french) == (ret, params):
            aliases.append("%s = %s" % (name, french))
            continue
        py = python_params(ret, params)
        args = ["%s: %s" % (_py_name(p), _ARG_TYPES[k]) for p, k in py]
        if args:
            args.append("/")
        result = _RETURN_TYPES[ret]
        if ret == "bytes" and "size_out" not in [k for _p, k in params]:
            result = "Any"  # a raw pointer: no length to read it with
        w("")
        w("def %s(%s) -> %s:" % (name, ", ".join(args), result))
        w('    """C: %s"""' % proto)
    w("")
    w("# The English names of the functions above.")
    out.extend(aliases)
    w("")
    return "\n".join(out)


def _py_name(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


_FIELD_TYPES = {"text": "str", "number": "int", "flag": "bool"}
_FIELD_READ = {
    "text": "self.get(B.{c}) or \"\"",
    "number": "int(self.get(B.{c}) or 0)",
    "flag": "self.get(B.{c}) == \"1\"",
}
_FIELD_SETTER_TYPES = {"text": "Optional[str]", "number": "int", "flag": "bool"}


def generate_fields(properties_text: Optional[str] = None) -> str:
    """The text of wd300com/_fields.py: the Message attributes of the property table."""
    if properties_text is None:
        properties_text = read_properties()
    out: List[str] = []
    w = out.append
    _opening(
        out,
        "The message properties as typed attributes of Message",
        "src/message/properties.tsv",
        ["from typing import Iterable, List, Optional, Union"],
    )
    w("from . import _bindings as B")
    w("")
    w("")
    w("class MessageFields:")
    w('    """A row of the property table with a Python name is an attribute: arrays are')
    w("    lists of str, numbers int, flags bool, the rest str; read-only properties have no")
    w("    setter. Setting None (text) or [] (arrays) clears the field. Message provides the")
    w('    four accessors."""')
    w("")
    w("    def get(self, prop: int, index: int = 0) -> Optional[str]:")
    w("        raise NotImplementedError")
    w("")
    w("    def set(self, prop: int, value: Union[str, int, bool, None], index: int = 0) -> None:")
    w("        raise NotImplementedError")
    w("")
    w("    def get_list(self, prop: int) -> List[str]:")
    w("        raise NotImplementedError")
    w("")
    w("    def set_list(self, prop: int, values: Union[str, Iterable[str], None]) -> None:")
    w("        raise NotImplementedError")
    for row in parse_properties(properties_text):
        attr, const, doc = row["attr"], row["constant"], row["doc"]
        if not attr:
            continue
        writable = row["access"] == "read-write"
        if row["kind"] == "array":
            rtype, read = "List[str]", "self.get_list(B.%s)" % const
            stype, write = "Union[str, Iterable[str], None]", "self.set_list(B.%s, value)" % const
        else:
            rtype = _FIELD_TYPES[row["type"]]
            read = _FIELD_READ[row["type"]].format(c=const)
            stype, write = _FIELD_SETTER_TYPES[row["type"]], "self.set(B.%s, value)" % const
        w("")
        w("    @property")
        w("    def %s(self) -> %s:" % (attr, rtype))
        w("        %s" % _docstring(doc))
        w("        return %s" % read)
        if writable:
            w("")
            w("    @%s.setter" % attr)
            w("    def %s(self, value: %s) -> None:" % (attr, stype))
            w("        %s" % write)
    w("")
    return "\n".join(out)


def _docstring(doc: str) -> str:
    text = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return '"""%s"""' % text


def generate_all(header_text: str, properties_text: Optional[str] = None) -> Dict[str, str]:
    """{path of a generated file: its text}."""
    if properties_text is None:
        properties_text = read_properties()
    return {
        os.path.join(PACKAGE_DIR, "_bindings.py"): generate(header_text, properties_text),
        os.path.join(PACKAGE_DIR, "_flat_api.pyi"): generate_flat_stub(header_text),
        os.path.join(PACKAGE_DIR, "_fields.py"): generate_fields(properties_text),
    }


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def main(argv: Sequence[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    header = args[0] if args else DEFAULT_HEADER
    with open(header, encoding="utf-8") as f:
        outputs = generate_all(f.read())
    status = 0
    for path, text in outputs.items():
        if _read(path) == text:
            continue
        if check:
            print("%s is stale: run python3 python/gen_bindings.py" % path, file=sys.stderr)
            status = 1
            continue
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote " + path)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
