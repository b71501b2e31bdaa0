#!/usr/bin/env bash
# Installs the library into a temporary PREFIX with scripts/install, then uses only the
# installed copy, as README.md "Using it in your project" says:
#  - pkg-config: compile examples/c_message.c, run it with LD_LIBRARY_PATH, with an rpath,
#    and check that without either it does not start (the loader cannot find the soname);
#  - static library: link the example with libwd300com.a; it must not need libwd300com.so;
#  - CMake: c-tests/cmake finds the copy with find_package(wd300com) and builds the example
#    against wd300com::wd300com and wd300com::wd300com_static;
#  - man pages: one per function of the header, rendered by groff without a warning.
# Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
prefix=$(mktemp -d /tmp/wd300com-prefix.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
passed=0; failed=0
check() { if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "installed: FAILED: $*"; fi; }
# quiet COMMAND...: runs it, showing its output only when it fails.
quiet() { local out; if out=$("$@" 2>&1); then return 0; else echo "$out" | tail -30; return 1; fi; }
# not_needs BINARY: the binary does not load libwd300com.so (statically linked).
not_needs() { ! readelf -d "$1" | grep -q 'NEEDED.*libwd300com'; }
# output_has BINARY: the example ran and printed what c_message.c prints at the end.
output_has() { "$@" 2>&1 | grep -q '^attachment: compte-rendu.zip'; }

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
check quiet env PREFIX="$prefix" scripts/install
check test -L "$prefix/lib/libwd300com.so"
check test -f "$prefix/lib/libwd300com.a"
check test -f "$prefix/lib/pkgconfig/wd300com.pc"
check test -f "$prefix/lib/cmake/wd300com/wd300comConfig.cmake"
check test -f "$prefix/lib/cmake/wd300com/wd300comConfigVersion.cmake"
check test -f "$prefix/share/doc/wd300com/LICENSE-MIT"
soname=$(objdump -p "$prefix/lib/libwd300com.so" 2>/dev/null | awk '/SONAME/ {print $2}')
check test "$soname" = "libwd300com.so.${version%%.*}"

# pkg-config and the three ways to find the shared library at run time.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs wd300com)
check test -n "$flags"
check test "$(pkg-config --modversion wd300com)" = "$version"
# shellcheck disable=SC2086
check gcc -std=c11 -Wall -Wextra -Werror -pedantic -o "$prefix/example" examples/c_message.c $flags
check output_has env LD_LIBRARY_PATH="$prefix/lib" "$prefix/example"
check bash -c "! env -u LD_LIBRARY_PATH '$prefix/example' 2>&1 | grep -q '^attachment'"
check bash -c "env -u LD_LIBRARY_PATH '$prefix/example' 2>&1 | grep -q 'libwd300com.so.${version%%.*}: cannot open shared object file'"
# shellcheck disable=SC2086
check gcc -std=c11 -Wall -Wextra -Werror -pedantic -o "$prefix/example_rpath" examples/c_message.c \
    $flags -Wl,-rpath,"$prefix/lib"
check output_has env -u LD_LIBRARY_PATH "$prefix/example_rpath"

# Static linking, with the command of the README.
check gcc -std=c11 -Wall -Wextra -Werror -pedantic -I"$prefix/include" -o "$prefix/example_static" \
    examples/c_message.c "$prefix/lib/libwd300com.a" -lssl -lcrypto -lpthread -ldl -lm
check not_needs "$prefix/example_static"
check output_has env -u LD_LIBRARY_PATH "$prefix/example_static"

# CMake find_package.
if command -v cmake >/dev/null; then
    build="$prefix/cmake-build"
    check quiet cmake -S c-tests/cmake -B "$build" -DCMAKE_PREFIX_PATH="$prefix" \
        -DWD_EXPECT_VERSION="$version" -DCMAKE_C_FLAGS="-Wall -Wextra -Werror"
    check quiet cmake --build "$build"
    # CMake records the library's directory as the build tree's rpath.
    check output_has env -u LD_LIBRARY_PATH "$build/message_shared"
    check bash -c "readelf -d '$build/message_shared' | grep -q 'NEEDED.*libwd300com.so.${version%%.*}'"
    check not_needs "$build/message_static"
    check output_has env -u LD_LIBRARY_PATH "$build/message_static"
else
    echo "installed: FAILED: cmake not found (scripts/install-deps installs it)"
    failed=$((failed + 1))
fi

# Man pages: every function of the header has one; each renders without a warning.
man3="$prefix/share/man/man3"
missing=$(python3 - "$ROOT/include/wd300com.h" "$man3" <<'PY'
import os, re, sys
header = open(sys.argv[1], encoding="utf-8").read()
decl = re.compile(r"^[A-Za-z_][\w \*]*?\b([A-Za-z_]\w*)\((?:void|[^;{]*)\);", re.M | re.S)
names = {m.group(1) for m in decl.finditer(header)}
print(" ".join(sorted(n for n in names if not os.path.isfile(os.path.join(sys.argv[2], n + ".3")))))
PY
)
check test -z "$missing"
[ -n "$missing" ] && echo "installed: no man page for: $missing"
check test -f "$man3/wd300com.3"
check bash -c "MANPATH='$prefix/share/man' man -w EmailStartPOP3Session | grep -q 'man3/EmailOuvreSessionPOP3.3'"
warnings=$(cd "$prefix/share/man" && for f in man3/*.3; do LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$f" 2>&1; done)
check test -z "$warnings"
[ -n "$warnings" ] && echo "$warnings" | head -5
check bash -c "MANPATH='$prefix/share/man' MANWIDTH=80 man -P cat EmailStartPOP3Session 2>/dev/null | grep -q 'EmailOuvreSessionPOP3, EmailStartPOP3Session'"

echo "installed: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
