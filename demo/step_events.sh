# demo/step_events.sh - step: one thread serves many clients with select().
# Client H sends half a line and stalls; 20 more clients are echoed by one
# thread meanwhile, and H's line comes back whole once H ends it.
# DEMO_EVENTS swaps the server (DEMO_SELECT, its old name, still works).
EVENTS=${DEMO_EVENTS:-${DEMO_SELECT:-./echoservers}}
needs "$EVENTS"
about events 15 "one thread serves many clients with select()"

step_events() {
    n=20
    header
    echo "echoservers is one thread running an event loop: select reports which"
    echo "clients are ready, and each gets one small step. Client H sends half a"
    echo "line and stalls. The book's version would wait inside rio_readlineb"
    echo "for the rest of H's line; this one keeps H's half line in H's slot."
    demo_server s3 "$EVENTS" ||
        { verdict no "$EVENTS did not start"; return; }
    beat
    client_open 3 H
    pid_h=$client
    client_send 3 "half a li"
    at "H connects and sends \"half a li\" (no newline), then stalls"
    pause_ms "$SETTLE"
    events_crowd
    beat
    events_h_ends_line
    echo "  The server's log, first lines:"
    head -n 6 "$log" | show
    events_verdict
}

# n clients at once while H stalls: got (echoed), slowest (ms), nthr (the
# server's threads), h_early (H had bytes back already).
events_crowd() {
    spawn "$tmp/many.out" "$tool" clients "$port" "$n" "$HOLD" 2000
    at "$n more clients connect at once, each sends a line"
    got=0
    slowest=""
    if waitfor "$tmp/many.out" "echoed" >/dev/null; then
        line=$(grep echoed "$tmp/many.out")
        got=$(echo "$line" | awk '{ print $2 }')
        slowest=$(echo "$line" | awk '{ print $(NF - 1) }')
        reveal "$(now)" "$got of $n get their echo; the slowest after $slowest ms"
    else
        at "the $n clients did not report within $(dur "$LIMIT")"
    fi
    pause_ms "$SETTLE"
    nthr=$(thread_count "$server")
    conns=$(count "$log" "Connected to")
    h_early=no
    [ -s "$tmp/H.out" ] && h_early=yes
    if [ -n "$nthr" ]; then
        at "$conns clients connected; threads in the server: $nthr"
    else
        at "with $conns clients connected (this system does not show thread counts)"
    fi
    at "H has received $(wc -c <"$tmp/H.out" | tr -d ' ') bytes back: its half line waits in its slot"
}

# H sends the rest of its line and should get it back whole (h_ok), then leaves.
events_h_ends_line() {
    client_send 3 "ne$nl"
    at "H sends the rest of its line, \"ne\""
    h_ok=no
    if waitfor "$tmp/H.out" "half a line" 1 2000 >/dev/null; then
        reveal "$(now)" "H gets \"$(cat "$tmp/H.out")\" back: the two pieces joined"
        h_ok=yes
    else
        at "H got no echo for its line"
    fi
    client_close 3
    wait_exit "$pid_h" "$LIMIT"
}

events_verdict() {
    why=""
    [ "$got" = "$n" ] || why="$why; only $got of $n clients were echoed while H held half a line"
    [ "$h_early" = no ] || why="$why; H got bytes back before its line was complete"
    [ "$h_ok" = yes ] || why="$why; H's completed line did not come back"
    [ -z "$nthr" ] || [ "$nthr" = 1 ] ||
        why="$why; $got of $n clients were echoed while H held half a line, but by a server running $nthr threads, not one"
    if [ -z "$why" ]; then
        one="one thread"
        [ -n "$nthr" ] || one="one process"
        verdict yes "$n clients echoed (slowest $slowest ms) by $one while H held half a line; H's line came back whole once complete"
    else
        verdict no "${why#; }"
    fi
}
