# demo/step_prefork.sh - step: a preforked pool of worker processes. A pool
# of 2, three clients (the third waits), then kill -9 of a busy worker: its
# client's connection ends, the other goes on, the pool refills and the
# waiting client is served. The verdict comes from the clients' echoes,
# the server's log and its children.
PREFORKED=${DEMO_PREFORKED:-./echoserverp_pre}
needs "$PREFORKED"
about prefork 20 "a preforked pool of processes, and a worker killed"

step_prefork() {
    header
    echo "echoserverp_pre 2 forks 2 worker processes at start-up; each accepts"
    echo "a client, serves it to the end, then accepts the next. No fork per"
    echo "client, as in a thread pool; but each worker is a process, so a crash"
    echo "in one cannot touch another's memory."
    demo_server s2p "$PREFORKED" 2 ||
        { verdict no "$PREFORKED did not start"; return; }
    pause_ms "$SETTLE"
    before=$(children_of "$server" | tr '\n' ' ')
    at "the pool: workers $before"
    beat
    prefork_clients_come
    beat
    prefork_kill_a_worker
    beat
    prefork_after_the_kill
    echo "  The server's log:"
    show "$log"
    prefork_verdict
}

# A and B are served, one after the other (so each log line names its
# worker); C connects and waits. Sets pid_a, pid_b (their workers).
prefork_clients_come() {
    client_open 3 PA
    client_a=$client
    client_send 3 "hello from A$nl"
    waitfor "$tmp/PA.out" "hello from A" 1 2000 >/dev/null
    pid_a=$(prefork_last_worker)
    client_open 4 PB
    client_send 4 "hello from B$nl"
    waitfor "$tmp/PB.out" "hello from B" 1 2000 >/dev/null
    pid_b=$(prefork_last_worker)
    client_open 5 PC
    client_send 5 "hello from C$nl"
    pause_ms "$SETTLE"
    c_early=$(count "$tmp/PC.out" "hello from C")
    reveal "$(now)" "A is served by worker ${pid_a:-?}, B by worker ${pid_b:-?}; C connects, sends a line and waits (echoed: $c_early)"
}

# The pid at the end of the server's last "server received" line.
prefork_last_worker() {
    sed -n 's/^server received .*(pid \([0-9][0-9]*\))$/\1/p' "$log" | tail -n 1
}

prefork_kill_a_worker() {
    if [ -n "$pid_a" ]; then
        kill -9 "$pid_a" 2>/dev/null
        at "kill -9 $pid_a   (A's worker, busy with A)"
    fi
    a_ended=no
    wait_exit "$client_a" 2000 && a_ended=yes
    reveal "$(now)" "A's echoclient: connection ended: $a_ended   (only A's process died)"
}

# B goes on; the pool refills; the new worker takes C from the backlog.
prefork_after_the_kill() {
    client_send 4 "B again$nl"
    b_again=no
    waitfor "$tmp/PB.out" "B again" 1 2000 >/dev/null && b_again=yes
    reveal "$(now)" "B sends another line: echoed: $b_again"
    refilled=no
    waitfor "$log" "replacing one that ended" 1 2000 >/dev/null && refilled=yes
    c_served=no
    waitfor "$tmp/PC.out" "hello from C" 1 2000 >/dev/null && c_served=yes
    after=$(children_of "$server" | tr '\n' ' ')
    nafter=$(echo "$after" | wc -w | tr -d ' ')
    reveal "$(now)" "a new worker replaced $pid_a: $refilled; workers now: $after; C served by it: $c_served"
    for fd in 4 5; do client_close "$fd"; done
}

prefork_verdict() {
    if [ -z "$pid_a" ] || [ -z "$pid_b" ] || [ "$pid_a" = "$pid_b" ]; then
        verdict no "A and B were not served by two workers at once (workers: ${pid_a:-?}, ${pid_b:-?})"
    elif [ "$c_early" -ne 0 ]; then
        verdict no "C was echoed while both workers were busy: no pool of 2"
    elif [ "$a_ended" != yes ] || [ "$b_again" != yes ]; then
        verdict no "after kill -9 of A's worker: A's connection ended: $a_ended, B still served: $b_again"
    elif [ "$refilled" != yes ] || [ "$nafter" -ne 2 ] || [ "$c_served" != yes ]; then
        verdict no "the pool did not refill to 2 and serve C (replaced: $refilled, workers: $nafter, C served: $c_served)"
    else
        verdict yes "a pool of 2 served A and B while C waited; kill -9 of A's worker ended A only, B went on, a new worker replaced it and served C"
    fi
}
