#!/usr/bin/env python3
"""Checks the exported API: every French export has its English twin (c-tests/names.txt),
the header's functions equal the shared library's exported symbols, and every pair is
present as a whole or not at all. Prints "N passed, N failed"."""
import os
import re
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
libdir = os.environ.get("WD_LIB_DIR", os.path.join(root, "target", "debug"))
header = open(os.path.join(root, "include", "wd300com.h"), encoding="utf-8").read()
# Function declarations: a return type, a name, an argument list, ending with ';'.
decl = re.compile(r"^[A-Za-z_][\w \*]*?\b([A-Za-z_]\w*)\((?:void|[^;{]*)\);", re.M | re.S)
header_funcs = {m.group(1) for m in decl.finditer(header)}
nm = subprocess.run(["nm", "-D", "--defined-only", os.path.join(libdir, "libwd300com.so")],
                    capture_output=True, text=True, check=True).stdout
so_funcs = {line.split()[-1] for line in nm.splitlines() if re.search(r" T ", line)}
so_funcs = {f for f in so_funcs if re.match(r"^(Email|Erreur|Error|OAuth2|Auth)", f)}

pairs = []
for line in open(os.path.join(root, "c-tests", "names.txt"), encoding="utf-8"):
    line = line.split("#")[0].split()
    if len(line) == 2:
        pairs.append((line[0], line[1]))

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("check_exports: FAILED:", what)


check(len(header_funcs) > 10, f"header declares functions ({len(header_funcs)})")
check(header_funcs == so_funcs,
      f"header vs .so: only in header {sorted(header_funcs - so_funcs)}, only in .so {sorted(so_funcs - header_funcs)}")
known = {n for p in pairs for n in p}
for f in sorted(header_funcs):
    check(f in known, f"{f} is exported but has no French/English entry in c-tests/names.txt")
for fr, en in pairs:
    check((fr in header_funcs) == (en in header_funcs),
          f"pair {fr}/{en}: one is exported without the other")
    check(fr in header_funcs, f"{fr} listed in names.txt but not exported")
# The README maps every function and lists every constant.
readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
for f in sorted(header_funcs):
    check(re.search(r"\b%s\b" % f, readme) is not None, f"{f} is not in README.md")
for c in sorted(set(re.findall(r"#define (WD_[A-Z0-9_]+)", header)) | set(re.findall(r"\b(WD_E_[A-Z_]+) =", header))):
    check("`%s`" % c in readme, f"constant {c} is not in README.md (scripts/gen-readme-constants)")
# The appendix is what scripts/gen-readme-constants writes (from the header and the message
# property table).
appendix = subprocess.run([sys.executable, os.path.join(root, "scripts", "gen-readme-constants")],
                          capture_output=True, text=True, check=True).stdout
check(readme.endswith(appendix),
      "the README appendix is stale: rerun scripts/gen-readme-constants and paste its output")
print(f"check_exports: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
