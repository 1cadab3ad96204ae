# demo/step_livelock.sh - step: livelock, the first half of the lecture's
# third problem class. livelock against livelock --fixed; the verdict comes
# from their "livelocks: L of T trials" lines and the threads' lines.
LIVELOCK=${DEMO_LIVELOCK:-./livelock}
needs "$LIVELOCK"
about livelock 15 "livelock: two polite threads, and the fix"

step_livelock() {
    header
    echo "livelock starts two threads that each need locks A and B. Thread 1"
    echo "takes A and tries B without waiting (trylock); thread 2 takes B and"
    echo "tries A. A thread whose try fails lets go of its own lock and tries"
    echo "again after a pause: \"after you\". Both pause the same, so they try"
    echo "again in step, for ever. Unlike a deadlock, nobody waits: both run."
    beat
    show_run live.out 6 "./livelock -t 3" "$LIVELOCK" -t 3
    l=$(counted livelocks "$tmp/live.out")
    ran=$(grep -c '^  thread [12]: [0-9]* attempts, 0 completed, .*: ran, no progress$' \
        "$tmp/live.out")
    beat
    show_run lfixed.out 7 "./livelock --fixed -t $TRIALS   (a random pause)" \
        "$LIVELOCK" --fixed -t "$TRIALS"
    f=$(counted livelocks "$tmp/lfixed.out")
    para "Each thread made hundreds of attempts and used CPU, yet completed nothing: livelock. A random pause whose window doubles after each failure (Ethernet's back-off) soon lets one thread try alone. If it resets on success, one thread can win every time: starvation, next."
    livelock_verdict
}

livelock_verdict() {
    if [ -z "$l" ] || [ -z "$f" ]; then
        verdict no "no \"livelocks: L of T\" count"
    elif [ "$l" -ne 3 ] || [ "$ran" -ne 6 ]; then
        verdict no "livelocks $l of 3, $ran of 6 ran idle"
    elif [ "$f" -ne 0 ]; then
        verdict no "--fixed livelocked $f of $TRIALS"
    else
        verdict yes "livelocks $l of 3, --fixed $f of $TRIALS"
    fi
}
