# bench/servers.sh - starting, stopping and looking at one server at a time,
# for bench/run.sh, bench/ab.sh and demo/ (sourced, not run). The caller
# sets TMP (a private directory) and ME (its name, for messages), and may
# set SLOG (where the server's output goes; default $TMP/server.log).
# start_server sets SPID and SPORT. Every wait is bounded, and everything
# is stopped by its PID.

. tests/serverlist.sh # which servers have a pool of processes

SPID=                               # the server running now
SPORT=                              # the port it announced

# A tenth of a second. POSIX sleep takes whole seconds only; GNU, BSD and
# busybox take fractions. A caller with a finer clock may redefine it.
server_nap() { sleep 0.1; }

# "pid state" for each child process of $1 (state Z: a zombie), from /proc
# where there is one, else from ps.
child_states() {
    if [ -r /proc/self/status ]; then
        cat /proc/[0-9]*/status 2>/dev/null | awk -v pp="$1" '
            /^State:/ { s = $2 } /^Pid:/ { p = $2 }
            /^PPid:/  { if ($2 == pp) print p, s }'
    else
        ps -A -o pid= -o ppid= -o stat= 2>/dev/null |
            awk -v pp="$1" '$2 == pp { print $1, $3 }'
    fi
}

# Every PID whose parent is $1 (the process server's children).
children_of() {
    child_states "$1" | awk '{ print $1 }'
}

# The thread count of $1, or nothing where this system does not show it.
thread_count() {
    if [ -d "/proc/$1/task" ]; then
        set -- "/proc/$1/task"/*
        echo $#
    else
        ps -o nlwp= -p "$1" 2>/dev/null | tr -d ' '
    fi
}

# Kill the current server and its children by PID; SIGKILL if it outlives SIGTERM by 2 s.
stop_server() {
    [ -n "$SPID" ] || return 0
    kids=$(children_of "$SPID")
    kill "$SPID" 2>/dev/null
    # shellcheck disable=SC2086
    [ -n "$kids" ] && kill $kids 2>/dev/null
    i=0
    while kill -0 "$SPID" 2>/dev/null && [ $i -lt 20 ]; do
        server_nap
        i=$((i + 1))
    done
    kill -9 "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SPID=
}

# Start server $1 with port 0 and the arguments after $1; sets SPID and SPORT.
# Its stdin is /dev/null, its stdout and stderr go to $SLOG, and it gets none
# of descriptors 3-9 (a caller's open pipe must not stay open in a server).
# Waits at most 5 s for "listening on port N"; says why it failed otherwise.
start_server() {
    prog=$1
    shift
    slog=${SLOG:-$TMP/server.log}
    # Emptied here, not only by the child's redirection: the loop below
    # may look before the child has run, and must not find the last
    # server's port there.
    : >"$slog"
    "$prog" 0 "$@" </dev/null >"$slog" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    SPID=$!
    SPORT=
    i=0
    ready="listening on port"
    # A preforked pool forks its workers after it listens, and says
    # "N worker processes" once the last one runs: a run measured before
    # that would time the forks too (1024 of them take about a second).
    if [ "$(server_trait "${prog##*/}" runs)" = processes ] &&
        [ "$(server_trait "${prog##*/}" serves)" = pool ]; then
        ready=" worker process"
    fi
    while [ $i -lt 50 ]; do
        SPORT=$(sed -n 's/.*listening on port \([0-9][0-9]*\).*/\1/p' "$slog" | head -n 1)
        [ -n "$SPORT" ] && grep -q "$ready" "$slog" && return 0
        kill -0 "$SPID" 2>/dev/null || break
        server_nap
        i=$((i + 1))
    done
    echo "$ME: $prog did not print '$ready' within 5 s: $(head -n 1 "$slog")" >&2
    stop_server
    return 1
}
