#!/bin/sh
# demo.sh - the lecture, live: a narrated tour of the suite (make demo).
# Starts the real servers on free ports on loopback, drives real clients,
# says in plain words what happens and what the evidence is, and ends each
# step with one line "observed (step N): ... [agrees with the lecture]"
# computed from what it saw (a timing, a process table, a thread count, a
# log line), or "[CONTRADICTS the lecture]". Exit status 0 exactly when every
# step agreed.
#
# Usage: demo/demo.sh [-p] [-f] [-l] [STEP...]  (or make demo [STEP=N] [PAUSE=1])
#   STEP  run only these steps (by number); default: all, 10 to 25 s each
#   -p    pause before each step until Enter (for a live lecture); without
#         it the demo never reads the keyboard and runs unattended
#   -f    fast: shorter waits (for the tests); same steps, same verdicts
#   -l    list the steps, "N NAME" a line, and exit
# The environment can do the same: STEP="3 4", PAUSE=1, FAST=1.
# To see a verdict change, give a step the wrong program, e.g.
#   DEMO_ITERATIVE=./echoservert demo/demo.sh 1
# (each step file names its variable: DEMO_PROCESS, DEMO_EVENTS, ...).
#
# This file is the driver: options, which steps, pauses, the summary.
# demo/lib.sh holds what the steps share. A step is a file
# demo/step_NAME.sh, named on the list below, which
#   - sets its program, overridable: EVENTS=${DEMO_EVENTS:-./echoservers}
#     and declares it: needs "$EVENTS" (checked before any step runs);
#   - defines step_NAME, called with $step (its number) and $nsteps set,
#     which prints header "TITLE" first, starts what it needs (demo_server,
#     client_open, spawn: each recorded by PID), narrates (echo, at, para,
#     show), waits only with bounded waits (waitfor, poll_until, wait_exit,
#     pause_ms, beat, tick) and ends with one verdict yes|no "TEXT";
#   - names its helpers NAME_something (sh has no local names).
# After each step the driver stops all it started, as on exit, Ctrl-C or kill.
set -u
cd "$(dirname "$0")/.." || exit 2

# The tour, in order: a step's number is its place here. A new step is a
# line here and its file demo/step_NAME.sh.
STEPS='
iterative
process
prefork
events
loops
thread
prethreaded
race
deadlock
livelock
starvation
'
nsteps=$(echo "$STEPS" | grep -c .)

usage() {
    echo "usage: demo/demo.sh [-p] [-f] [-l] [STEP...]   (STEP: 1..$nsteps; -p pause; -f fast; -l list)" >&2
    exit 2
}

# step_name N: the name of step N (empty if there is none).
step_name() { echo "$STEPS" | grep . | sed -n "${1}p"; }

# A step number: 1..nsteps, in plain digits.
is_step() {
    case $1 in '' | 0* | *[!0-9]*) return 1 ;; esac
    [ "$1" -ge 1 ] && [ "$1" -le "$nsteps" ]
}

steps=${STEP:-}
pause=${PAUSE:-}
fast=${FAST:-}
for arg in "$@"; do
    case $arg in
    -p) pause=1 ;;
    -f) fast=1 ;;
    -l) echo "$STEPS" | grep . | awk '{ print NR, $1 }'; exit 0 ;;
    -h | --help) usage ;;
    *) is_step "$arg" || usage; steps="$steps $arg" ;;
    esac
done
[ "$pause" = 0 ] && pause=
[ "$fast" = 0 ] && fast=
for s in $steps; do is_step "$s" || usage; done
[ -n "$steps" ] || steps=$(awk -v n="$nsteps" 'BEGIN { for (i = 1; i <= n; i++) print i }')
if [ -n "$pause" ] && [ ! -t 0 ]; then
    echo "(PAUSE needs a terminal on stdin: running straight through)"
    pause=
fi

# shellcheck source=demo/lib.sh
. demo/lib.sh
# shellcheck source=/dev/null # one file per step, named by the list
for name in $STEPS; do . "demo/step_$name.sh"; done
demo_check
demo_pace "$fast"
demo_setup

start=$(now)
echo "The lecture, live: each step starts a real server on a free port on"
echo "loopback, drives real clients, and ends with what it observed."
for step in $steps; do
    if [ -n "$pause" ]; then
        printf '\n(press Enter for step %s) ' "$step"
        read -r _ || true
    fi
    "step_$(step_name "$step")"
    stop_all
done
took=$(($(now) - start))
echo
# shellcheck disable=SC2086 # counting the words is the point
ran=$(echo $steps | wc -w | tr -d ' ')
if [ -z "$failed" ]; then
    echo "All $ran step(s) agree with the lecture (took $(dur "$took"))."
    exit 0
fi
echo "Step(s)$failed CONTRADICT the lecture (took $(dur "$took"))."
exit 1
