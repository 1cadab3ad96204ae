# demo/step_prethreaded.sh - step: a prethreaded pool fed by a bounded
# buffer. 6 clients, 2 workers, 2 slots: 2 served at a time, the buffer
# full, the rest in the backlog, served in waves; the thread count never moves.
PRETHREADED=${DEMO_PRETHREADED:-./echoservert_pre}
needs "$PRETHREADED"
about prethreaded 25 "a prethreaded pool fed by a bounded buffer"

step_prethreaded() {
    workers=2 slots=2 n=6
    header
    echo "echoservert_pre $workers $slots: $workers worker threads made at start-up, and a buffer"
    echo "of $slots slots. The main thread (producer) accepts and inserts each"
    echo "connection; a free worker (consumer) removes one and serves it to the"
    echo "end. $n clients arrive: more than the workers and the slots together."
    demo_server s5 "$PRETHREADED" "$workers" "$slots" ||
        { verdict no "$PRETHREADED did not start"; return; }
    pause_ms "$SETTLE"
    idle=$(thread_count "$server")
    [ -n "$idle" ] && at "before any client: $idle threads (main + $workers workers)"
    beat
    prethreaded_clients_come
    wave=0 most=0 first_conns="" thr_seen="" echoed=0 ok=yes
    while [ -n "$waiting" ] && prethreaded_wave; do :; done
    echo "  The server's log:"
    show "$log"
    prethreaded_verdict
}

# Clients P1..Pn connect in order, each sends a line and stays (waiting:
# their numbers); then the server gets time to take what it will.
prethreaded_clients_come() {
    waiting=""
    k=0
    while [ "$k" -lt "$n" ]; do
        k=$((k + 1))
        client_open $((k + 2)) "P$k"
        eval "pid_p$k=\$client"
        client_send $((k + 2)) "hello from P$k$nl"
        waiting="$waiting $k"
        pause_ms 50 # one at a time, so they queue in this order
    done
    at "clients P1..P$n connect, each sends a line and stays"
    # The accepts, the first echoes. Bounded waits: a server that takes
    # less shows it.
    waitfor "$log" "Connected to" $((workers + slots + 1)) 2000 >/dev/null
    waitfor "$log" "server received" "$workers" 2000 >/dev/null
    pause_ms "$SETTLE"
}

# One wave: who is served now, said; they leave, and the freed workers take
# the next. False when the waves must stop (all served, or nobody served).
prethreaded_wave() {
    wave=$((wave + 1))
    poll_until 2000 prethreaded_synced
    now_served=$(prethreaded_served)
    count_now=$(echo "$now_served" | wc -w | tr -d ' ')
    conns=$(count "$log" "Connected to")
    nthr=$(thread_count "$server")
    thr_seen="$thr_seen ${nthr:-?}"
    [ -n "$first_conns" ] || first_conns=$conns
    [ "$count_now" -gt "$most" ] && most=$count_now
    prethreaded_rest " P"
    reveal "$(now)" "served: $(prethreaded_names)| waiting:${rest:- none} | accepted so far: $conns | threads: ${nthr:-?}"
    if [ "$wave" = 1 ] && [ "$conns" -eq $((workers + slots + 1)) ]; then
        echo "            $conns accepted: $workers being served, $slots filling the buffer's"
        echo "            slots, 1 held by the main thread, which waits in sbuf_insert"
        echo "            for a free slot; the rest wait in the kernel's listen backlog."
    fi
    if [ "$count_now" -eq 0 ]; then
        at "nobody is being served: stopping here"
        ok=no
        return 1
    fi
    beat
    prethreaded_release
    [ -n "$waiting" ] || return 1
    # Each worker freed takes the next client: wait for their log lines.
    want=$((echoed + workers))
    [ "$want" -gt "$n" ] && want=$n
    waitfor "$log" "server received" "$want" 2000 >/dev/null
    pause_ms "$SETTLE"
}

# The clients served now leave; the rest are still waiting.
prethreaded_release() {
    echoed=$((echoed + count_now))
    for k in $now_served; do
        client_close $((k + 2))
        eval "wait_exit \"\$pid_p$k\" \"\$LIMIT\""
    done
    at "$(prethreaded_names)leave"
    prethreaded_rest " "
    waiting=$rest
}

# prethreaded_served: the clients among $waiting that have their echo, by
# number. prethreaded_rest SEP: the others, each after SEP, in $rest.
prethreaded_served() {
    for k in $waiting; do
        [ -s "$tmp/P$k.out" ] && printf '%s ' "$k"
    done
}
prethreaded_rest() {
    rest=""
    for k in $waiting; do
        case " $now_served" in *" $k "*) ;; *) rest="$rest$1$k" ;; esac
    done
}
prethreaded_names() { for k in $now_served; do printf 'P%s ' "$k"; done; }

# True once each line the server logged has reached its client, so that
# looking at the clients' files shows who is served.
prethreaded_synced() {
    seen=0 j=0
    while [ "$j" -lt "$n" ]; do
        j=$((j + 1))
        [ -s "$tmp/P$j.out" ] && seen=$((seen + 1))
    done
    [ "$seen" -ge "$(count "$log" "server received")" ]
}

prethreaded_verdict() {
    steady=yes
    for t in $thr_seen; do
        [ "$t" = "${idle:-?}" ] || steady=no
    done
    if [ "$ok" = yes ] && [ "$most" -eq "$workers" ] &&
        [ "$first_conns" -eq $((workers + slots + 1)) ] && [ "$steady" = yes ]; then
        tc="$idle threads throughout"
        [ -n "$idle" ] || tc="thread count not observable here"
        verdict yes "at most $workers of $n clients served at once, in $wave waves; the buffer filled ($first_conns accepted at first = $workers + $slots + 1); $tc"
    else
        verdict no "served at most $most at once with $workers workers; $first_conns accepted at first (want $((workers + slots + 1))); thread counts:${thr_seen}"
    fi
}
