#!/bin/sh
# demo.sh - the lecture, live: a narrated tour of the suite (make demo).
# Starts the real servers on free ports on loopback, drives real clients,
# says in plain words what happens and what the evidence is, and ends each
# step with one verdict "observed (step N): ... [agrees with the lecture]"
# (folded over lines of 80 columns at most) computed from what it saw (a timing, a process table, a thread count, a
# log line), or "[CONTRADICTS the lecture]". Exit status 0 exactly when every
# step agreed.
#
# Usage: demo/demo.sh [-p] [-b] [-f] [-l] [--pictures DIR] [STEP...]
#        (or make demo [STEP=N] [PAUSE=1|beat] [PICTURES=DIR])
#   STEP  run only these steps (by number); default: all, 10 to 25 s each
#   -p    pause before each step until Enter (for a live lecture); without
#         it the demo never reads the keyboard and runs unattended
#   -b    pause at every beat too: wherever a step stops to let the
#         audience read (its timed pause), it waits for Enter instead, for
#         an instructor who talks over each event; the step's next bounded
#         wait starts after Enter. Enter is read from the terminal.
#   -f    fast: shorter waits (for the tests); same steps, same verdicts
#   -l    list the steps and exit: number, name, usual length, title (make
#         demo-list)
#   --pictures DIR  writes, for each step it runs, DIR/stepN.json (the
#         trace, ECHO_TRACE, of the step's servers and clients: it opens in
#         Perfetto) and DIR/stepN.svg (the step's picture, demo/drawstep
#         draws it from that trace; its caption is the step's verdict)
# The environment can do the same: STEP="3 4", PAUSE=1 (-p), PAUSE=beat
# (-b), FAST=1, PICTURES=DIR.
# Every line fits 80 columns (a projector's terminal): narration, verdicts
# and logs are folded between words. The server's own log is shown live,
# each line under "| " beneath the event it came with (a few lines at a
# time; the rest are counted).
# To see a verdict change, give a step the wrong program, e.g.
#   DEMO_ITERATIVE=./echoservert demo/demo.sh 1
# (each step file names its variable: DEMO_PROCESS, DEMO_EVENTS, ...).
#
# This file is the driver: options, which steps, pauses, the summary.
# demo/lib.sh holds what the steps share. A step is a file
# demo/step_NAME.sh, named on the list below, which
#   - sets its program, overridable: EVENTS=${DEMO_EVENTS:-./echoservers}
#     and declares it: needs "$EVENTS" (checked before any step runs);
#   - gives its title and usual length: about NAME SECONDS "TITLE";
#   - defines step_NAME, called with $step (its number), $step_id (NAME)
#     and $nsteps set, which prints its header first, starts what it needs (demo_server,
#     client_open, spawn: each recorded by PID), narrates (echo, say, at,
#     para, show: all but echo fold to 80 columns; at and beat also show
#     the server's new log lines), waits only with bounded waits (waitfor,
#     poll_until, wait_exit, pause_ms, beat, tick) and ends with one
#     verdict yes|no "TEXT";
#   - names its helpers NAME_something (sh has no local names).
# After each step the driver stops all it started, as on exit, Ctrl-C or kill.
set -u
here=$PWD # a relative DIR of --pictures is the caller's
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

usage_text() {
    echo "usage: demo/demo.sh [-p] [-b] [-f] [-l] [--pictures DIR] [STEP...]"
    echo "  (STEP: 1..$nsteps; -p pause at steps; -b and at beats; -f fast; -l list;"
    echo "   --pictures DIR: each step's trace and picture into DIR)"
}
# usage: a usage error (stderr, status 2); usage 0: asked for (-h).
usage() {
    [ "${1:-2}" = 0 ] && { usage_text; exit 0; }
    usage_text >&2
    exit 2
}

# list_steps: a line per step, to plan a lecture by: its number, its name
# (for DEMO_... and the file demo/step_NAME.sh), how long it usually runs
# unattended (PAUSE adds the time spent talking), its title.
list_steps() {
    i=0 total=0
    for name in $STEPS; do
        i=$((i + 1)) secs=$(about_secs "$name")
        total=$((total + secs))
        printf '%2d  %-12s %3s s  %s\n' "$i" "$name" "$secs" "$(about_title "$name")" |
            fit "" "                        "
    done
    echo "the whole tour: about $(((total + 30) / 60)) min unattended; PAUSE=1 or beat adds your talk"
}

# step_name N: the name of step N (empty if there is none).
step_name() { echo "$STEPS" | grep . | sed -n "${1}p"; }

# A step number: 1..nsteps, in plain digits.
is_step() {
    case $1 in '' | 0* | *[!0-9]*) return 1 ;; esac
    [ "$1" -ge 1 ] && [ "$1" -le "$nsteps" ]
}

steps=${STEP:-}
list=
pause=${PAUSE:-}
fast=${FAST:-}
pictures=${PICTURES:-}
while [ $# -gt 0 ]; do
    arg=$1
    shift
    case $arg in
    --pictures)
        [ $# -gt 0 ] && [ -n "$1" ] || { echo "demo: --pictures needs a folder" >&2; usage; }
        pictures=$1
        shift ;;
    -p) pause=1 ;;
    -b) pause=beat ;;
    -f) fast=1 ;;
    -l) list=1 ;;
    -h | --help) usage 0 ;;
    -*) echo "demo: unknown option '$arg'" >&2; usage ;;
    *) steps="$steps $arg" ;;
    esac
done
case $pause in
'' | 0) pause= ;;
1 | step) pause=step ;;
beat) ;;
*) echo "demo: PAUSE is 1 (at each step) or beat (at each event), not '$pause'" >&2
   usage ;;
esac
[ "$fast" = 0 ] && fast=
for s in $steps; do
    is_step "$s" || { echo "demo: no step '$s' (the steps: 1..$nsteps)" >&2; usage; }
done
[ -n "$steps" ] || steps=$(awk -v n="$nsteps" 'BEGIN { for (i = 1; i <= n; i++) print i }')

# shellcheck source=demo/lib.sh
. demo/lib.sh
# shellcheck source=/dev/null # one file per step, named by the list
for name in $STEPS; do . "demo/step_$name.sh"; done
[ -z "$list" ] || { list_steps; exit 0; }
demo_check
demo_pace "$fast"
demo_pauses "$pause"
demo_setup
demo_pictures "$pictures"

start=$(now)
echo "The lecture, live: each step starts a real server on a free port on"
echo "loopback, drives real clients, and ends with what it observed. Lines"
echo "under \"| \" are the server's own log, as it writes them."
for step in $steps; do
    if [ -n "$PAUSE_AT" ]; then
        echo
        wait_enter "(press Enter for step $step) "
    fi
    step_id=$(step_name "$step")
    picture_begin
    "step_$step_id"
    stop_all
    picture_end
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
