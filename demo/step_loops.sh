# demo/step_loops.sh - step: one event loop per core (echoservere 2).
# 40 clients at once are spread over both loops (the log names each
# connection's loop); the thread count stays main + 2 whatever the clients.
LOOPS=${DEMO_LOOPS:-./echoservere}
needs "$LOOPS"

step_loops() {
    n=40
    header "one event loop per core: select's two limits gone"
    echo "echoservere 2 runs 2 event loops, each a thread with its own epoll (or"
    echo "poll) set. The main thread accepts and hands each connection to the"
    echo "next loop in turn, so both carry part of the load: the event model on"
    echo "more than one core, and with no FD_SETSIZE in the way."
    demo_server s4e "$LOOPS" 2 ||
        { verdict no "$LOOPS did not start"; return; }
    pause_ms "$SETTLE"
    idle=$(thread_count "$server")
    [ -n "$idle" ] && at "before any client: $idle threads (main + 2 loops)"
    beat
    spawn "$tmp/loops.out" "$tool" clients "$port" "$n" "$HOLD" 2000
    at "$n clients connect at once, each sends a line and stays"
    got=0
    if waitfor "$tmp/loops.out" "echoed" >/dev/null; then
        got=$(grep echoed "$tmp/loops.out" | awk '{ print $2 }')
    fi
    waitfor "$log" "Connected to" "$n" 2000 >/dev/null
    busy=$(thread_count "$server")
    on0=$(count "$log" " on loop 0") on1=$(count "$log" " on loop 1")
    at "$got of $n echoed; loop 0 took $on0 connections, loop 1 took $on1; threads: ${busy:-?}"
    echo "  The server's log, first lines:"
    head -n 5 "$log" | show
    loops_verdict
}

loops_verdict() {
    quarter=$((n / 4))
    if [ "$got" -ne "$n" ]; then
        verdict no "only $got of $n clients were echoed"
    elif [ "$on0" -lt "$quarter" ] || [ "$on1" -lt "$quarter" ]; then
        verdict no "one loop carried almost everything: loop 0 $on0, loop 1 $on1 of $n"
    elif [ -n "$idle" ] && [ "$busy" != "$idle" ]; then
        verdict no "the thread count moved with the clients: $idle idle, $busy with $n clients"
    else
        verdict yes "both loops served clients (loop 0: $on0, loop 1: $on1 of $n), all echoed, threads ${idle:-?} before and ${busy:-?} during"
    fi
}
