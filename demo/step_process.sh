# demo/step_process.sh - step: a process per client, and no zombies. Three
# clients are served at once by three children (seen by ps); once they
# leave, no child and no zombie remain. Then what a zombie looks like.
PROCESS=${DEMO_PROCESS:-./echoserverp}
needs "$PROCESS"
about process 20 "a process per client, and no zombies"

step_process() {
    header
    echo "echoserverp forks a child for each client. When a child exits, the"
    echo "kernel keeps its exit status until the parent collects it with"
    echo "waitpid: until then it is a zombie. Its SIGCHLD handler collects them."
    demo_server s2 "$PROCESS" ||
        { verdict no "$PROCESS did not start"; return; }
    beat
    process_clients_come
    beat
    process_clients_leave
    beat
    process_show_zombie
    process_verdict
}

# Three clients connect and stay (served: how many got their echo); the
# server's children are listed (kids, nkids).
process_clients_come() {
    served=0
    cpids=""
    for k in 1 2 3; do
        client_open $((k + 2)) "C$k"
        cpids="$cpids $client"
        client_send $((k + 2)) "hello from C$k$nl"
    done
    for k in 1 2 3; do
        waitfor "$tmp/C$k.out" "hello from C$k" 1 2000 >/dev/null &&
            served=$((served + 1))
    done
    reveal "$(now)" "3 clients connect, each sends a line; $served get their echo while all 3 stay connected"
    kids=$(children_of "$server" | tr '\n' ' ')
    nkids=$(echo "$kids" | wc -w | tr -d ' ')
    echo "  The server (pid $server) and its children, seen by ps:"
    list=$server
    for k in $kids; do list="$list,$k"; done
    show_ps "$list"
}

# The clients leave; counts the server's children left (alive, zombies).
process_clients_leave() {
    for k in 3 4 5; do client_close "$k"; done
    at "the 3 clients leave"
    for p in $cpids; do wait_exit "$p" "$LIMIT"; done
    # A child needs a moment to notice its client left and exit; then the
    # parent's handler reaps it. Wait for that, but not forever.
    poll_until 2000 no_children "$server"
    after=$(child_states "$server")
    zombies=$(echo "$after" | awk '$2 ~ /^Z/' | wc -l | tr -d ' ')
    alive=$(echo "$after" | awk 'NF && $2 !~ /^Z/' | wc -l | tr -d ' ')
    at "children of the server now: $alive running, $zombies zombie(s)"
    if [ -n "$after" ]; then
        echo "$after" | show
    fi
}
no_children() { [ -z "$(child_states "$1")" ]; }

# A real zombie, made by demotool, shown by ps, then reaped by init.
process_show_zombie() {
    echo "  What a zombie would look like: demotool forks a child that exits at"
    echo "  once and never waits for it (as echoserverp would without its handler):"
    spawn "$tmp/zombie.out" "$tool" zombie 60000
    zparent=$spawned
    if waitfor "$tmp/zombie.out" "$nl" >/dev/null; then
        zpid=$(head -n 1 "$tmp/zombie.out")
        pause_ms 50
        show_ps "$zpid"
        echo "  State Z, <defunct>: it holds only a process-table slot and its exit"
        echo "  status. Its parent (pid $zparent) now exits; init adopts it and reaps it."
    fi
    kill "$zparent" 2>/dev/null
    wait_exit "$zparent" "$LIMIT"
}

process_verdict() {
    if [ "$served" -ne 3 ] || [ "$nkids" -ne 3 ]; then
        verdict no "$served of 3 clients were served at once, by $nkids child process(es)"
    elif [ "$zombies" -gt 0 ] || [ "$alive" -gt 0 ]; then
        verdict no "3 children served 3 clients at once, but after they left $zombies zombie(s) and $alive running child(ren) remained"
    else
        verdict yes "3 clients were served at once by 3 child processes (pids$(echo " $kids" | sed 's/ *$//')); after they left, no child and no zombie remained"
    fi
}
