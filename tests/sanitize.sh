#!/bin/sh
# sanitize.sh - runs the whole test suite again under a checker, in a copy
# of the tree (build/MODE) so the normal build is left alone:
#   asan      AddressSanitizer + UndefinedBehaviorSanitizer, every program
#   tsan      ThreadSanitizer, every program
#   valgrind  memcheck with full leak checking on the single-threaded
#             programs (the servers that run one thread, and echoclient)
# Every program is built and tested, deadlock, livelock and starvation
# included (the copy below takes every top-level .c and .h).
# Any report from any process fails the run: each checker writes its
# reports into build/MODE/reports, and this script fails if one is there.
# The one exception is a report a test expects (tsan: the unfixed
# deadlock's lock-order inversion): the test sends it to build/MODE/expected,
# and this script then fails if it is missing there.
# Run from the top of the tree: make check-asan, check-tsan, check-valgrind.
set -u
mode=${1:?usage: tests/sanitize.sh asan|tsan|valgrind}
. tests/serverlist.sh
CC=${CC:-cc}
top=$(pwd)
dir=$top/build/$mode
reports=$dir/reports
expected=$dir/expected # reports a test expects (tsan: deadlock)

case $mode in
asan)
    flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
    export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0"
    export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1"
    export TEST_SANITIZER=address
    export TEST_TIME_SCALE=3 ;;
tsan)
    flags="-O1 -g -fsanitize=thread"
    export TSAN_OPTIONS="log_path=$reports/tsan:second_deadlock_stack=1"
    # The unsafe race demo races on purpose: its tests skip themselves here.
    # ./deadlock without --fixed inverts its lock order on purpose: its
    # tests send TSan's reports of it to $expected instead, and the rule
    # below requires them there.
    # ./livelock and ./starvation, fixed or not, must draw no report: they
    # race on nothing, and TSan's lock-order check skips trylock (see
    # tests/test_livelock.c); neither problem is one a checker can see.
    export TEST_EXPECTED_REPORTS=$expected
    export TEST_SANITIZER=thread
    # TSan holds signal handlers back while the one thread waits in accept,
    # so the single-threaded servers' signal handling cannot be watched
    # here: the contract tests keep to the threaded servers, and the
    # single-threaded ones are checked under ASan (and, but for
    # echoserverp, valgrind).
    TEST_SERVERS="$(server_names runs=threads | tr '\n' ' ')echoservere-poll"
    export TEST_SERVERS
    export TEST_TIME_SCALE=5 ;;
valgrind)
    command -v valgrind >/dev/null 2>&1 || {
        echo "check-valgrind: valgrind is not installed; skipped"
        exit 0
    }
    flags="-O0 -g"
    # Single-threaded programs only: valgrind serialises threads, and the
    # threaded servers are checked by the sanitizers instead.
    TEST_VALGRIND=" $(server_names runs=1thread | tr '\n' ' ')select echoclient "
    export TEST_VALGRIND
    export TEST_VALGRIND_LOGS="$reports"
    export TEST_SANITIZER=valgrind
    export TEST_TIME_SCALE=10
    # One test program at a time (tests/run.sh runs JOBS side by side):
    # under valgrind a server takes a second or more to bind the port
    # echocheck picked for it, and the other programs' client connections,
    # whose local ports come from the same range, took that port meanwhile.
    : "${JOBS:=1}"
    export JOBS ;;
*)
    echo "usage: tests/sanitize.sh asan|tsan|valgrind" >&2
    exit 2 ;;
esac

rm -rf "$dir"
mkdir -p "$dir" "$reports" "$expected"
# Only the sources: a copy of the tree's build products would be stale.
for f in Makefile *.c *.h tests bench demo checker; do
    [ -e "$f" ] && cp -R "$f" "$dir/"
done
rm -rf "$dir/tests/bin" "$dir"/tests/*.o "$dir"/tests/broken/*.o "$dir"/checker/*.o "$dir/demo/demotool" "$dir"/demo/*.o \
    "$dir/bench/bin" "$dir/bench/obj"

echo "==== make test under $mode ===="
(cd "$dir" && make -s CC="$CC" CFLAGS="$flags -Wall -Wextra" LDFLAGS="$flags" test)
status=$?

# valgrind writes a log per process: keep only those that found something.
if [ "$mode" = valgrind ]; then
    for log in "$reports"/*.log; do
        [ -e "$log" ] || continue
        if grep -Eq 'definitely lost: [1-9]|ERROR SUMMARY: [1-9]' "$log"; then
            :
        else
            rm -f "$log"
        fi
    done
fi

found=$(ls "$reports" | wc -l)
if [ "$found" -gt 0 ]; then
    echo "==== $mode found problems: $found report(s) in $reports ===="
    for r in "$reports"/*; do
        echo "---- $r"
        head -n 40 "$r"
    done
    exit 1
fi
# deadlock's rule: TSan must have named the unfixed run's lock-order
# inversion, and no other kind of report may hide among those kept apart.
if [ "$mode" = tsan ]; then
    inversion='WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock)'
    if ! cat "$expected"/* 2>/dev/null | grep -q "$inversion"; then
        echo "==== tsan: no \"$inversion\" from ./deadlock in $expected ===="
        exit 1
    fi
    if cat "$expected"/* | grep 'WARNING: ThreadSanitizer:' | grep -qv "$inversion"; then
        echo "==== tsan: ./deadlock drew another kind of report: see $expected ===="
        exit 1
    fi
fi
if [ "$status" -ne 0 ]; then
    echo "==== $mode: the test suite failed ===="
    exit 1
fi
echo "==== $mode: no reports ===="
