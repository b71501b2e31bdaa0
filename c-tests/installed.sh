#!/usr/bin/env bash
# Installs the library into a temporary PREFIX with scripts/install, then compiles an
# example with `pkg-config --cflags --libs wd300com` against the installed copy only and
# runs it. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d /tmp/wd300com-prefix.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
passed=0; failed=0
check() { if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "installed: FAILED: $*"; fi; }
check env PREFIX="$prefix" scripts/install
check test -L "$prefix/lib/libwd300com.so"
check test -f "$prefix/lib/pkgconfig/wd300com.pc"
soname=$(objdump -p "$prefix/lib/libwd300com.so" 2>/dev/null | awk '/SONAME/ {print $2}')
check test "$soname" = "libwd300com.so.$(sed -n 's/^version = "\([0-9]*\)\..*/\1/p' Cargo.toml | head -1)"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs wd300com)
check test -n "$flags"
# shellcheck disable=SC2086
check gcc -std=c11 -Wall -Wextra -Werror -pedantic -o "$prefix/example" examples/c_message.c $flags
check env LD_LIBRARY_PATH="$prefix/lib" "$prefix/example"
echo "installed: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
