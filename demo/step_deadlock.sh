# demo/step_deadlock.sh - step: deadlock, the lecture's second classic bug.
# deadlock against deadlock --fixed; the verdict comes from their
# "deadlocks: D of T trials" lines and the cycle deadlock prints.
DEADLOCK=${DEMO_DEADLOCK:-./deadlock}
needs "$DEADLOCK"
about deadlock 15 "deadlock: two locks taken in opposite orders, and the fix"

step_deadlock() {
    header
    echo "deadlock starts two threads. Thread 1 takes lock A, then lock B;"
    echo "thread 2 takes lock B, then lock A. If each gets its first lock before"
    echo "the other asks for it, each waits for a lock the other holds, forever:"
    echo "the lecture's traffic gridlock. Each trial forces that interleaving, in"
    echo "a child process the program watches: when no thread moves, it prints"
    echo "who holds what, kills the child and goes on to the next trial."
    beat
    show_run dead.out 6 "./deadlock -t 3" "$DEADLOCK" -t 3
    d=$(counted deadlocks "$tmp/dead.out")
    beat
    show_run dfixed.out 3 "./deadlock --fixed -t $TRIALS   (both take A before B)" \
        "$DEADLOCK" --fixed -t "$TRIALS"
    f=$(counted deadlocks "$tmp/dfixed.out")
    para "One global order for the locks breaks the cycle: the thread that comes second waits for lock A, and the one holding A waits for nothing the other holds. ThreadSanitizer finds the unfixed order even in a run that did not deadlock (make check-tsan)."
    deadlock_verdict
}

deadlock_verdict() {
    cycle=$(grep -c '^  cycle: thread 1 -> lock B -> thread 2 -> lock A -> thread 1$' "$tmp/dead.out")
    if [ -z "$d" ] || [ -z "$f" ]; then
        verdict no "deadlock did not report its count (\"deadlocks: D of T trials\")"
    elif [ "$d" -ne 3 ] || [ "$cycle" -ne 3 ]; then
        verdict no "deadlock deadlocked in $d of 3 trials, with $cycle cycles shown; the forced order should always deadlock"
    elif [ "$f" -ne 0 ]; then
        verdict no "deadlock --fixed deadlocked in $f of $TRIALS trials"
    else
        verdict yes "deadlock deadlocked in 3 of 3 trials, each a cycle of waits; deadlock --fixed in 0 of $TRIALS"
    fi
}
