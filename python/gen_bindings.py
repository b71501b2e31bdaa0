#!/usr/bin/env python3
"""Generates wd300com/_bindings.py from include/wd300com.h and the message property
table src/message/properties.tsv (written from src/message/properties.rs).

    python3 python/gen_bindings.py            # rewrite python/wd300com/_bindings.py
    python3 python/gen_bindings.py --check    # exit 1 when the committed file is stale

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
      void     a void return
A type the generator does not know stops it with an error, so a new kind of signature
is noticed instead of being declared wrongly.

The output is deterministic; python/tests/test_bindings.py regenerates it in memory and
compares it with the committed file.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HEADER = os.path.join(os.path.dirname(HERE), "include", "wd300com.h")
DEFAULT_OUTPUT = os.path.join(HERE, "wd300com", "_bindings.py")
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


def _strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def _int_expr(expr):
    """Evaluates a macro made only of integers, + - * and parentheses; None otherwise."""
    expr = expr.strip()
    if not re.fullmatch(r"[0-9\s()+\-*]+", expr) or not expr:
        return None
    tokens = re.findall(r"\d+|[()+\-*]", expr)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def atom():
        t = take()
        if t == "(":
            v = add()
            if take() != ")":
                raise HeaderError("unbalanced macro: %r" % expr)
            return v
        if t == "-":
            return -atom()
        return int(t)

    def mul():
        v = atom()
        while peek() == "*":
            take()
            v *= atom()
        return v

    def add():
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


def parse_header(text):
    """Returns (constants, typedefs, functions) parsed from the header text.

    constants: list of (name, value) in header order (int or str values);
    typedefs: sorted list of int32_t typedef names;
    functions: list of (name, return_kind, ((param_name, kind), ...), prototype).
    """
    constants = []
    seen = set()

    def add_const(name, value):
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

    typedefs = {"WD_E"} if re.search(r"\benum\s+WD_E\b", code) else set()
    for m in re.finditer(r"\btypedef\s+int32_t\s+(\w+)\s*;", code):
        typedefs.add(m.group(1))

    # Function prototypes: only outside preprocessor lines; DEPRECATED_FUNC(...) dropped.
    decls = re.sub(r"^[ \t]*#[^\n]*$", " ", code, flags=re.M)
    decls = re.sub(r"\bDEPRECATED_FUNC\s*\((?:[^()\"]|\"(?:[^\"\\]|\\.)*\")*\)", " ", decls)
    decls = re.sub(r"\benum\s+\w+\s*(?::\s*\w+\s*)?\{.*?\}\s*;", " ", decls, flags=re.S)
    decls = re.sub(r"\btypedef\b[^;]*;", " ", decls)
    decls = re.sub(r'extern\s+"C"\s*\{', " ", decls)
    decls = decls.replace("}", " ")

    functions = []
    names = set()
    for stmt in decls.split(";"):
        stmt = " ".join(stmt.split())
        if not stmt:
            continue
        fm = re.fullmatch(r"(.+?)\b(\w+)\s*\((.*)\)", stmt)
        if not fm:
            raise HeaderError("cannot read declaration: %r" % stmt)
        ret, name, params = fm.group(1).strip(), fm.group(2), fm.group(3).strip()
        ret_kind = _kind(ret, typedefs, name, "return")
        plist = []
        if params and params != "void":
            for i, p in enumerate(params.split(",")):
                p = p.strip()
                pm = re.fullmatch(r"(.*?[\s*])(\w+)", p)
                if not pm:
                    raise HeaderError("%s: unnamed or unreadable parameter %r" % (name, p))
                pname = pm.group(2).lstrip("_") or "arg%d" % i
                plist.append((pname, _kind(pm.group(1), typedefs, name, pname)))
        if name in names:
            raise HeaderError("function declared twice: " + name)
        names.add(name)
        functions.append((name, ret_kind, tuple(plist), stmt + ";"))
    return constants, sorted(typedefs), functions


def _kind(ctype, typedefs, fname, where):
    t = " ".join(ctype.replace("*", " * ").split())
    stars = t.count("*")
    base = t.replace("*", "").replace("const", "").split()
    if len(base) != 1:
        raise HeaderError("%s (%s): unsupported type %r" % (fname, where, ctype))
    base = base[0]
    if base in typedefs:
        base = "int32_t"
    if stars == 0:
        if base in _BASE_KINDS:
            return _BASE_KINDS[base]
    elif stars == 1:
        if base == "char" and "const" in t:
            return "str"
        if base == "uint8_t" and "const" in t:
            return "bytes"
        if base == "size_t" and "const" not in t:
            return "size_out"
        if base == "int32_t" and "const" not in t:
            return "i32_out"
    raise HeaderError("%s (%s): unsupported type %r" % (fname, where, ctype))


def parse_properties(text):
    """The rows of properties.tsv as dicts (keys from its header row; '#' lines skipped)."""
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    keys = lines[0].split("\t")
    rows = [dict(zip(keys, line.split("\t"))) for line in lines[1:]]
    for row in rows:
        if len(row) != len(keys):
            raise HeaderError("properties.tsv: bad row %r" % row)
    return rows


def generate(header_text, properties_text=None):
    if properties_text is None:
        with open(DEFAULT_PROPERTIES, encoding="utf-8") as f:
            properties_text = f.read()
    constants, typedefs, functions = parse_header(header_text)
    properties = parse_properties(properties_text)
    defined = {name for name, _ in constants}
    signatures = []
    for _name, ret, params, _proto in functions:
        if (ret, params) not in signatures:
            signatures.append((ret, params))
    out = []
    w = out.append
    w('"""Constants and C signatures of libwd300com, generated from include/wd300com.h')
    w("and src/message/properties.tsv by python/gen_bindings.py. Do not edit by hand: rerun")
    w('the generator.')
    w('"""')
    w("")
    w("# fmt: off")
    w("")
    w("# int32_t typedefs of the header.")
    w("INT32_TYPEDEFS = (%s)" % "".join("%r, " % t for t in typedefs))
    w("")
    w("# WD_* #defines and WD_E enum values, in header order.")
    for name, value in constants:
        w("%s = %r" % (name, value))
    w("")
    w("CONSTANTS = {k: v for k, v in globals().items() if k.startswith((\"WD_\", \"WD300COM_\"))}")
    w("")
    w("# The distinct signatures: (return kind, ((parameter, kind), ...)).")
    w("_SIGNATURES = (")
    for ret, params in signatures:
        w("    (%r, (%s))," % (ret, "".join("(%r, %r), " % p for p in params)))
    w(")")
    w("")
    w("# (name, index in _SIGNATURES, C prototype), in header order.")
    w("_FUNCTIONS = (")
    for name, ret, params, proto in functions:
        w("    (%r, %d, %r)," % (name, signatures.index((ret, params)), proto))
    w(")")
    w("")
    w("# name: (return kind, ((parameter, kind), ...), C prototype)")
    w("FUNCTIONS = {name: _SIGNATURES[sig] + (proto,) for name, sig, proto in _FUNCTIONS}")
    w("")
    w("# The message properties (src/message/properties.rs): (Python attribute or \"\",")
    w("# WD_EMAIL_* value, \"single\" or \"array\", \"text\"/\"number\"/\"flag\", writable, doc).")
    w("EMAIL_PROPERTIES = (")
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


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    header = args[0] if args else DEFAULT_HEADER
    output = args[1] if len(args) > 1 else DEFAULT_OUTPUT
    with open(header, encoding="utf-8") as f:
        text = generate(f.read())
    if check:
        try:
            with open(output, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print("%s is stale: run python3 python/gen_bindings.py" % output, file=sys.stderr)
            return 1
        return 0
    try:
        with open(output, encoding="utf-8") as f:
            if f.read() == text:
                return 0
    except FileNotFoundError:
        pass
    with open(output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote " + output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
