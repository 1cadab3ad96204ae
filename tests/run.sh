#!/bin/sh
# run.sh - runs every test program and sums up: one line per test, then
# "N passed, N failed". Exit status 0 exactly when nothing failed.
# Run from the top of the tree (make test does); SERVERS names the server
# binaries to hold to the contract.
# The programs run side by side, JOBS at a time (default: one more than the
# cores, so that a program waiting on a timer leaves no core idle), longest
# first, so that the suite takes about as long as its longest program. Each
# program's output goes to a file of its own and is shown whole, in the
# order listed below, as soon as it and those before it have ended: two
# programs' lines never mix. The few programs that need the machine to
# themselves run first, one at a time (ALONE below).
: "${SERVERS:=echoserveri}"
# TEST_SERVERS narrows the contract tests to some servers (make check-tsan
# uses it to keep to the threaded ones).
: "${TEST_SERVERS:=$SERVERS}"
: "${JOBS:=$(($(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) + 1))}"
# Work per line (ECHO_WORK_US) adds a log line and slows every server:
# only tests/test_work.c asks for it.
unset ECHO_WORK_US
# Each program's seconds, from the last run: the order of the next.
times=tests/bin/times.txt

# ALONE: the programs that must not share the machine. test_run deletes
# ./hello for make run to rebuild, and others run ./hello. test_work
# times the work a server calibrates at start: beside other programs, its
# lines came back in 124 ms where 150 were due.
ALONE="tests/bin/test_run tests/bin/test_work"
# How long a program takes, in seconds, before a run has timed it (a fresh
# tree, as in CI); the others are guessed at 5. Measured on 2 cores (table
# in docs/testing.md).
estimates() {
    cat <<'EOF'
40 tests/test_broken.sh
38 tests/test_demo.sh
24 tests/test_class.sh
22 tests/test_echocheck.sh
16 tests/bin/test_tools
14 tests/bin/test_limits
12 tests/test_isolate.sh
8 tests/bin/test_kit
EOF
}

tmp=${TMPDIR:-/tmp}/echotests.$$
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir "$tmp" || exit 1
set -f # the commands below are split into words, never globbed

# The programs, numbered in the order their output is shown: every test
# program make built, but the contract's, which takes the servers as
# arguments; then the shell tests. $tmp/cmd.N holds program N's command.
n=0
add() {
    n=$((n + 1))
    echo "$*" >"$tmp/cmd.$n"
}
set +f
for t in tests/bin/test_*; do
    case $t in
    */test_servers) ;;
    *) [ -x "$t" ] && add "$t" ;;
    esac
done
set -f
servers=""
for s in $TEST_SERVERS; do servers="$servers ./$s"; done
add tests/bin/test_servers "$servers"
# The checks any echo server must pass, by ./echocheck, on the same
# servers; and each broken server of tests/broken/ caught by them.
add tests/test_echocheck.sh "$servers"
add tests/test_broken.sh
# echocheck --class on a small class (make check-class: the long part).
add tests/test_class.sh
# echocheck's isolation against servers that try to get out (issue 31).
add tests/test_isolate.sh
# make demo's steps, unattended and fast, each verdict checked.
add tests/test_demo.sh
# make builds what the README's commands run.
add tests/test_make.sh

# The order to start them in: longest first, by the last run's time, else
# by the estimate; the numbers of those in ALONE go to $tmp/alone.
i=0
while [ $i -lt $n ]; do
    i=$((i + 1))
    # shellcheck disable=SC2046 # one word per argument
    set -- $(cat "$tmp/cmd.$i")
    secs=$( (cat "$times" 2>/dev/null; estimates; echo "5 $1") |
        awk -v p="$1" '$2 == p { print $1; exit }')
    case " $ALONE " in
    *" $1 "*) echo "$i" >>"$tmp/alone" ;;
    *) echo "$secs $i" ;;
    esac
done | sort -k1,1nr -k2,2n | awk '{ print $2 }' >"$tmp/order"

# start N: runs program N, its output and errors in $tmp/out.N, its exit
# status in $tmp/status.N and its seconds in $tmp/secs.N; then reports N
# on descriptor 3 (see below), which the program does not inherit.
start() {
    id=$1
    # shellcheck disable=SC2046 # one word per argument
    set -- $(cat "$tmp/cmd.$id")
    began=$(date +%s)
    "$@" >"$tmp/out.$id" 2>&1 </dev/null 3>&-
    echo $? >"$tmp/status.$id"
    echo "$(($(date +%s) - began)) $1" >"$tmp/secs.$id"
    echo "$id" >&3
}
# worker: takes the next program in $tmp/order that no other worker has
# taken (mkdir is atomic) and runs it; until none is left.
worker() {
    while read -r id; do
        mkdir "$tmp/taken.$id" 2>/dev/null || continue
        start "$id"
    done <"$tmp/order"
}
# workers N: N workers at once, as a pipeline, not in the background: sh
# starts a background command with SIGINT ignored, and the programs would
# inherit that (tests send SIGINT). Each worker's output is the next one's
# input, but neither writes nor reads there.
workers() {
    if [ "$1" -le 1 ]; then
        worker
    else
        worker | workers $(($1 - 1))
    fi
}

# show N: program N's output, then a FAIL line if it exited non-zero
# without reporting a failed test (it crashed).
show() {
    cat "$tmp/out.$1"
    status=$(cat "$tmp/status.$1")
    if [ "$status" != 0 ] && ! grep -q '^FAIL ' "$tmp/out.$1"; then
        echo "FAIL $(awk '{ print $1 }' "$tmp/cmd.$1") exited with status $status"
    fi
}
# printer: reads the numbers of the programs that ended and shows each
# program in turn once it and all before it have ended.
printer() {
    next=1 ended=" "
    while read -r id; do
        ended="$ended$id "
        while [ $next -le $n ]; do
            case $ended in *" $next "*) ;; *) break ;; esac
            show $next
            next=$((next + 1))
        done
    done
    # A worker that died (Ctrl-C, or no fork for it: sh's "Cannot fork"
    # above) left a program unreported, or never started it.
    while [ $next -le $n ]; do
        if [ -f "$tmp/status.$next" ]; then
            show $next
        else
            echo "FAIL $(awk '{ print $1 }' "$tmp/cmd.$next") did not end, or never ran"
        fi
        next=$((next + 1))
    done
}

# The programs of ALONE one by one, then the rest JOBS at a time; the
# numbers of those that ended, on descriptor 3, go to the printer.
{
    [ -f "$tmp/alone" ] && while read -r id; do
        start "$id"
    done <"$tmp/alone"
    workers "$JOBS"
} 3>&1 | printer | tee "$tmp/all"

set +f
cat "$tmp"/secs.* >"$times" 2>/dev/null
passed=$(grep -c '^PASS ' "$tmp/all")
failed=$(grep -c '^FAIL ' "$tmp/all")
skipped=$(grep -c '^SKIP ' "$tmp/all")
# The contract's last line is "N passed, N failed"; skips go just above it.
[ "$skipped" -gt 0 ] && echo "$skipped skipped (each says why above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
