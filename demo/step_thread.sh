# demo/step_thread.sh - step: a thread per client. The server's thread
# count (/proc/PID/task) climbs by one as each of 5 clients comes, and
# falls back as they leave one by one.
THREAD=${DEMO_THREAD:-./echoservert}
needs "$THREAD"
about thread 25 "a thread per client: the thread count rises and falls"

step_thread() {
    header
    echo "echoservert creates a detached thread for each client; the thread"
    echo "exits when its client leaves. We count the server's threads"
    echo "(/proc/PID/task) as 5 clients come one by one, then leave one by one."
    demo_server s4 "$THREAD" ||
        { verdict no "$THREAD did not start"; return; }
    idle=$(thread_count "$server")
    if [ -z "$idle" ]; then
        echo "  This system shows no thread counts (no /proc/PID/task, no ps nlwp):"
        echo "  only the service itself can be observed here."
    fi
    beat
    trail=${idle:-?}
    thread_clients_come
    beat
    thread_clients_leave
    # The last thread may take a moment more to go.
    poll_until 2000 threads_back_to "$idle"
    final=${nthr:-}
    echo "  Thread counts: $trail"
    thread_verdict
}

# threads_below N / threads_back_to N: reads the count into nthr; true once
# it is below N / equal to N, or when counts cannot be seen at all.
threads_below() {
    nthr=$(thread_count "$server")
    [ -z "$nthr" ] || [ "$nthr" -lt "$1" ]
}
threads_back_to() {
    nthr=$(thread_count "$server")
    [ -z "$nthr" ] || [ "$nthr" = "$1" ]
}

# Five clients come one by one, each echoed (served); the count after each
# goes on the trail, the last one is the peak.
thread_clients_come() {
    served=0
    tpids=""
    for k in 1 2 3 4 5; do
        client_open $((k + 2)) "T$k"
        tpids="$tpids $client"
        client_send $((k + 2)) "hello from T$k$nl"
        waitfor "$tmp/T$k.out" "hello from T$k" 1 2000 >/dev/null &&
            served=$((served + 1))
        nthr=$(thread_count "$server")
        trail="$trail ${nthr:-?}"
        reveal "$(now)" "T$k connects and gets its echo; threads: ${nthr:-?}"
        tick
    done
    peak=${nthr:-}
}

# They leave one by one; the count after each goes on the trail.
thread_clients_leave() {
    # shellcheck disable=SC2086 # one argument per client
    set -- $tpids
    for k in 1 2 3 4 5; do
        before=$(thread_count "$server")
        client_close $((k + 2))
        wait_exit "$1" "$LIMIT"
        shift
        # The thread exits a moment after its client: wait for the count
        # to drop, but not forever.
        poll_until 1000 threads_below "$before"
        trail="$trail ${nthr:-?}"
        at "T$k leaves; threads: ${nthr:-?}"
        tick
    done
}

thread_verdict() {
    if [ "$served" -ne 5 ]; then
        verdict no "only $served of 5 clients were served at once; thread counts: $trail"
    elif [ -z "$idle" ]; then
        verdict yes "5 clients served at once (thread counts not observable on this system)"
    elif [ "$peak" -eq $((idle + 5)) ] && [ "$final" -eq "$idle" ]; then
        verdict yes "threads went $idle -> $peak with 5 clients (one each) -> $final after they left"
    else
        verdict no "threads went $idle -> $peak with 5 clients -> $final after they left; expected $idle -> $((idle + 5)) -> $idle"
    fi
}
