# demo/step_race.sh - step: the race on &i, and its fix. race against
# race --fixed, then race pinned to one core with taskset; the verdict
# comes from their "races: R of T trials" lines.
RACE=${DEMO_RACE:-./race}
needs "$RACE"
about race 20 "the race on &i, and its fix"

step_race() {
    header
    ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")
    echo "race creates 100 threads and hands each one &i, the address of main's"
    echo "loop variable; each thread reads i whenever it gets to run. If main has"
    echo "incremented i by then, the thread sees another thread's value. A trial"
    echo "races if any thread saw a value other than its own. This machine has"
    echo "$ncpu processor(s) online."
    beat
    show_run race.out 5 "./race -t $TRIALS        (first trials and the count)" \
        "$RACE" -t "$TRIALS"
    r=$(counted races "$tmp/race.out")
    beat
    show_run fixed.out 3 "./race --fixed -t $TRIALS   (each thread gets its own copy of i)" \
        "$RACE" --fixed -t "$TRIALS"
    f=$(counted races "$tmp/fixed.out")
    beat
    p=""
    if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
        race_pinned
    else
        echo "  Pinning to one core is not available here (no taskset, or it is not"
        echo "  allowed): the pinned run is skipped."
    fi
    race_verdict
}

# The race on one core, and what it tells about the scheduler.
race_pinned() {
    show_run pinned.out 5 "taskset -c 0 ./race -t $TRIALS   (every thread on core 0)" \
        taskset -c 0 "$RACE" -t "$TRIALS"
    p=$(counted races "$tmp/pinned.out")
    para "Free: $r of $TRIALS trials raced; $(race_shown race.out). Pinned: $p of $TRIALS raced; $(race_shown pinned.out)."
    cp=$(crowd "$tmp/pinned.out.shown")
    if [ "${p:-0}" -gt 0 ]; then
        text="On one core the scheduler alone decides whether a new thread reads i before main's next i++."
        [ "$cp" -gt 1 ] && text="$text Here main ran on (up to $cp threads saw one value)."
        para "$text The lecture's single-core laptop showed no race; on several cores a new thread runs beside main: a race, whatever the scheduler."
    else
        para "Pinned to one core it did not race: the scheduler ran each new thread before main went on, as on the lecture's single-core laptop. On several cores both run at once, and main's i++ can come first."
    fi
}

# race_shown OUT: what the trials shown of $tmp/OUT say (show_run kept
# them in OUT.shown), so the summary sums only what the audience saw.
race_shown() {
    n=$(grep -c '^trial [0-9]*:' "$tmp/$1.shown")
    if [ "$n" -eq 1 ]; then
        echo "in the trial shown, $(wrong "$tmp/$1.shown") of 100 threads saw a wrong value, up to $(crowd "$tmp/$1.shown") the same one"
    else
        echo "in the $n trials shown, on average $(wrong "$tmp/$1.shown") of 100 threads saw a wrong value, up to $(crowd "$tmp/$1.shown") the same one"
    fi
}

# wrong FILE: average, over the trials shown, of the threads that saw a
# value other than their own.
wrong() {
    awk '/^trial [0-9]+:/ { t++; if ($4 == "of") w += $3 }
         END { if (t) printf "%d", w / t; else print 0 }' "$1"
}
# crowd FILE: the most threads that saw one same value in a shown trial.
crowd() {
    awk '{ while (match($0, /\(x[0-9]+\)/)) {
               v = substr($0, RSTART + 2, RLENGTH - 3) + 0
               if (v > m) m = v
               $0 = substr($0, RSTART + RLENGTH) } }
         END { print m + 0 }' "$1"
}

race_verdict() {
    pinned="pinned to one core: unavailable"
    [ -n "$p" ] && pinned="pinned to one core: $p of $TRIALS"
    if [ -z "$r" ] || [ -z "$f" ]; then
        verdict no "race did not report its count (\"races: R of T trials\")"
    elif [ "$f" -ne 0 ]; then
        verdict no "race --fixed raced in $f of $TRIALS trials"
    elif [ "$r" -eq 0 ] && [ "$ncpu" != 1 ]; then
        verdict no "race raced in 0 of $TRIALS trials on $ncpu processors; --fixed 0 of $TRIALS"
    else
        verdict yes "race raced in $r of $TRIALS trials, race --fixed in 0 of $TRIALS ($pinned)"
    fi
}
