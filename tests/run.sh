#!/bin/sh
# run.sh - runs every test program and sums up: one line per test, then
# "N passed, N failed". Exit status 0 exactly when nothing failed.
# Run from the top of the tree (make test does); SERVERS names the server
# binaries to hold to the contract.
: "${SERVERS:=echoserveri}"
# TEST_SERVERS narrows the contract tests to some servers (make check-tsan
# uses it to keep to the threaded ones).
: "${TEST_SERVERS:=$SERVERS}"
# Work per line (ECHO_WORK_US) adds a log line and slows every server:
# only tests/test_work.c asks for it.
unset ECHO_WORK_US

out=${TMPDIR:-/tmp}/echotests.$$
trap 'rm -f "$out" "$out.status"' EXIT
trap 'exit 130' INT TERM
: >"$out"

# run PROGRAM ARGS...: shows its lines as they come. A program that exits
# non-zero without reporting a failed test (it crashed) counts as a failure.
run() {
    before=$(grep -c '^FAIL ' "$out")
    { "$@"; echo $? >"$out.status"; } | tee -a "$out"
    after=$(grep -c '^FAIL ' "$out")
    status=$(cat "$out.status")
    if [ "$status" != 0 ] && [ "$after" = "$before" ]; then
        echo "FAIL $1 exited with status $status" | tee -a "$out"
    fi
}

# Every test program make built, but the contract's, which takes the
# servers as arguments (below).
for t in tests/bin/test_*; do
    case $t in
    */test_servers) ;;
    *) [ -x "$t" ] && run "$t" ;;
    esac
done
servers=""
for s in $TEST_SERVERS; do servers="$servers ./$s"; done
# shellcheck disable=SC2086 # one argument per server
run tests/bin/test_servers $servers
# The checks any echo server must pass, by ./echocheck, on the same
# servers; and each broken server of tests/broken/ caught by them.
# shellcheck disable=SC2086 # one argument per server
run tests/test_echocheck.sh $servers
# echocheck --class on a small class (make check-class: the long part).
run tests/test_class.sh
# make demo's steps, unattended and fast, each verdict checked.
run tests/test_demo.sh
# make builds what the README's commands run.
run tests/test_make.sh

passed=$(grep -c '^PASS ' "$out")
failed=$(grep -c '^FAIL ' "$out")
skipped=$(grep -c '^SKIP ' "$out")
# The contract's last line is "N passed, N failed"; skips go just above it.
[ "$skipped" -gt 0 ] && echo "$skipped skipped (each says why above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
