#!/bin/sh
# test_demo.sh - make demo's steps, run unattended in its fast mode: every
# step must end with one verdict line that agrees with the lecture, a
# swapped-in wrong server must turn a verdict into a contradiction (the
# verdicts are computed, not printed), and no server may outlive the demo.
# Prints "PASS demo NAME", "FAIL demo NAME" (with what it saw) or
# "SKIP demo NAME", one line per test, as the C tests do.
# Run from the top of the tree: tests/test_demo.sh (make test does).
tmp=${TMPDIR:-/tmp}/test_demo.$$
failed=0

pass() { echo "PASS demo $1"; }
fail() {
    echo "FAIL demo $1"
    shift
    for line in "$@"; do echo "    $line"; done
    failed=1
}
skip_all() {
    for t in 1 2 3 4 5 6; do echo "SKIP demo step_${t}_agrees_with_the_lecture"; done
    echo "SKIP demo swapped_server_contradicts_the_lecture"
    echo "SKIP demo leaves_no_server_running"
    echo "    $1"
    exit 0
}

# The checkers (make check-asan etc.) change what the demo counts: threads,
# the race it shows on purpose.
[ -z "${TEST_SANITIZER:-}${TEST_VALGRIND:-}" ] ||
    skip_all "the demo shows the plain build; a checker changes its thread counts and flags its race"
if [ ! -x demo/demotool ] || [ ! -f demo/demo.sh ]; then
    skip_all "no demo/demotool here: make test builds it"
fi

trap 'rm -f "$tmp".*' EXIT
sh demo/demo.sh -f </dev/null >"$tmp.out" 2>&1
status=$?

# Each step's verdict: exactly one line, and it agrees.
for t in 1 2 3 4 5 6; do
    name=step_${t}_agrees_with_the_lecture
    lines=$(grep -c "^observed (step $t): " "$tmp.out")
    line=$(grep "^observed (step $t): " "$tmp.out")
    if [ "$lines" -ne 1 ]; then
        fail "$name" "want one \"observed (step $t): \" line, got $lines; the demo said:"
        sed 's/^/    | /' "$tmp.out"
    else
        case $line in
        *" [agrees with the lecture]") pass "$name" ;;
        *) fail "$name" "$line" ;;
        esac
    fi
done
if [ "$status" -ne 0 ] && ! grep -q CONTRADICTS "$tmp.out"; then
    fail demo_exit_status "the demo exited with status $status, with no step contradicting"
fi

# A server that is not iterative, shown as one: step 1 must notice.
DEMO_ITERATIVE=./echoservert sh demo/demo.sh -f 1 </dev/null >"$tmp.swap" 2>&1
swap_status=$?
line=$(grep "^observed (step 1): " "$tmp.swap")
case $swap_status:$line in
1:*" [CONTRADICTS the lecture]") pass swapped_server_contradicts_the_lecture ;;
*) fail swapped_server_contradicts_the_lecture \
    "echoservert run as the iterative server: status $swap_status, want 1;" \
    "verdict: ${line:-none}" ;;
esac

# Every server the demo started (it prints each one's pid) is gone.
left=""
# shellcheck disable=SC2013 # each line holds one pid: words are right
for pid in $(sed -n 's/^Started .*(pid \([0-9]*\))$/\1/p' "$tmp.out" "$tmp.swap"); do
    kill -0 "$pid" 2>/dev/null && left="$left $pid"
done
started=$(grep -c '^Started ' "$tmp.out")
if [ "$started" -lt 5 ]; then
    fail leaves_no_server_running "the demo reported $started servers started, want 5"
elif [ -n "$left" ]; then
    fail leaves_no_server_running "still running after the demo ended:$left"
    # shellcheck disable=SC2086 # one word per pid
    kill -9 $left 2>/dev/null # reported; not left to outlive the tests
else
    pass leaves_no_server_running
fi
exit "$failed"
