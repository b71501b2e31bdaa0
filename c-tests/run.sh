#!/usr/bin/env bash
# Builds every c-tests/test_*.c with -Wall -Wextra -Werror -pedantic against the built
# library and runs it. Usage: c-tests/run.sh [plain|asan|valgrind|all]  (default: all)
# Environment: WD_LIB_DIR (default target/debug), VALGRIND (prefix, default valgrind
# with --error-exitcode=1 --leak-check=full), WD_CTESTS (names to run, default all).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIBDIR=${WD_LIB_DIR:-$ROOT/target/debug}
BUILD=$ROOT/c-tests/build
MODES=${1:-all}
[ "$MODES" = all ] && MODES="plain asan valgrind"
CFLAGS_COMMON="-std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -pedantic -g -I$ROOT/include -I$ROOT/c-tests"
LDFLAGS_COMMON="-L$LIBDIR -Wl,-rpath,$LIBDIR -lwd300com -lpthread"
VALGRIND=${VALGRIND:-valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --quiet}
export WD300COM_TEST_PANIC=1
mkdir -p "$BUILD"

if [ ! -f "$LIBDIR/libwd300com.so" ]; then
    echo "c-tests: $LIBDIR/libwd300com.so not found (run cargo build first)" >&2
    exit 1
fi

# The library's soname is libwd300com.so.MAJOR: make it resolvable next to the build.
scripts/lib-links "$LIBDIR"

tests=()
for src in c-tests/test_*.c; do
    name=$(basename "$src" .c)
    if [ -n "${WD_CTESTS:-}" ] && ! grep -qw "$name" <<<"$WD_CTESTS"; then continue; fi
    tests+=("$name")
done

passed=0
failed=0
failures=()
for mode in $MODES; do
    for name in "${tests[@]}"; do
        exe="$BUILD/$name.$mode"
        case $mode in
            asan) extra="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" ;;
            *) extra="" ;;
        esac
        # shellcheck disable=SC2086
        if ! gcc $CFLAGS_COMMON $extra -o "$exe" "c-tests/$name.c" $LDFLAGS_COMMON; then
            echo "c-tests: FAILED to compile $name ($mode)"
            failed=$((failed + 1)); failures+=("$name/$mode (compile)")
            continue
        fi
        if [ "$mode" = asan ] && ! nm "$exe" | grep -q __asan_init; then
            echo "c-tests: $name.asan is not instrumented"
            failed=$((failed + 1)); failures+=("$name/$mode (no asan)")
            continue
        fi
        echo "== $name ($mode)"
        case $mode in
            plain) cmd=("$exe") ;;
            asan) cmd=(env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$exe") ;;
            valgrind) read -r -a vg <<<"$VALGRIND"; cmd=("${vg[@]}" "$exe") ;;
        esac
        if timeout 600 "${cmd[@]}"; then
            passed=$((passed + 1))
        else
            echo "c-tests: $name ($mode) FAILED"
            failed=$((failed + 1)); failures+=("$name/$mode")
        fi
    done
done
for f in "${failures[@]+"${failures[@]}"}"; do echo "c-tests failure: $f"; done
echo "c-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
