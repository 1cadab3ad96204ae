# demo/step_starvation.sh - step: starvation, the second half of the
# lecture's third problem class, on the book's readers-writers solution.
# starvation against starvation --fixed, then --pthread for what the C
# library does; the verdict comes from their "starvations: S of T trials"
# lines (the library's is reported, not judged).
STARVATION=${DEMO_STARVATION:-./starvation}
needs "$STARVATION"
about starvation 15 "starvation: a writer among readers, and the fix"

step_starvation() {
    header
    echo "starvation runs the book's first readers-writers solution: readers"
    echo "first. 4 readers each read for 1 ms, again and again, overlapping, so"
    echo "some reader is always in. A reader who comes while others read walks"
    echo "straight in. The writer comes once every reader has read twice, and"
    echo "waits for the room to empty, which it never does."
    beat
    show_run starve.out 5 "./starvation -t 3" "$STARVATION" -t 3
    s=$(counted starvations "$tmp/starve.out")
    beat
    show_run sfixed.out 5 "./starvation --fixed -t $TRIALS   (writers first)" \
        "$STARVATION" --fixed -t "$TRIALS"
    f=$(counted starvations "$tmp/sfixed.out")
    w=$(awk '/the writer wrote after waiting/ { v = $(NF - 1) + 0; if (v > m) m = v }
             END { printf "%d", m + 0.999 }' "$tmp/sfixed.out")
    para "With the fix a waiting writer closes a turnstile behind the readers inside: they finish, the writer writes (within ${w} ms in the trials shown), and the readers go on."
    starvation_pthread
    starvation_verdict
}

# What this machine's C library does: reported, no verdict.
starvation_pthread() {
    spawn "$tmp/spthread.out" "$STARVATION" --pthread -t 3
    wait "$spawned"
    p=$(counted starvations "$tmp/spthread.out")
    if [ -n "$p" ]; then
        para "The same readers and writer on this system's pthread_rwlock_t (./starvation --pthread -t 3): the writer starved in $p of 3 trials. glibc's default prefers readers; musl gives a waiting writer no priority either."
    else
        para "./starvation --pthread did not report its count."
    fi
}

starvation_verdict() {
    if [ -z "$s" ] || [ -z "$f" ]; then
        verdict no "no \"starvations: S of T\" count"
    elif [ "$s" -ne 3 ]; then
        verdict no "starved $s of 3, want 3 of 3"
    elif [ "$f" -ne 0 ] || [ "$w" -ge 100 ]; then
        verdict no "--fixed: $f of $TRIALS, waits ${w} ms"
    else
        verdict yes "starved $s of 3, --fixed $f of $TRIALS"
    fi
}
