# bench/servers.sh - starting and stopping one server at a time, for
# bench/run.sh and bench/ab.sh (sourced, not run). The caller sets TMP (a
# private directory) and ME (its name, for messages). Sets SPID and SPORT.
# "sleep 0.1" needs a sleep that takes fractions (GNU, BSD, busybox do).

SPID=                               # the server running now
SPORT=                              # the port it announced

# Every PID whose parent is $1 (the process server's children).
children_of() {
    cat /proc/[0-9]*/status 2>/dev/null |
        awk -v pp="$1" '/^Pid:/ { p = $2 } /^PPid:/ { if ($2 == pp) print p }'
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
        sleep 0.1
        i=$((i + 1))
    done
    kill -9 "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SPID=
}

# Start server $1 with port 0 and the arguments after $1; sets SPID and SPORT.
# Waits at most 5 s for "listening on port N"; says why it failed otherwise.
start_server() {
    prog=$1
    shift
    "$prog" 0 "$@" >"$TMP/server.out" 2>"$TMP/server.err" &
    SPID=$!
    SPORT=
    i=0
    while [ $i -lt 50 ]; do
        SPORT=$(sed -n 's/.*listening on port \([0-9][0-9]*\).*/\1/p' "$TMP/server.out" | head -n 1)
        [ -n "$SPORT" ] && return 0
        kill -0 "$SPID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    echo "$ME: $prog did not print 'listening on port N' within 5 s: $(head -n 1 "$TMP/server.err")" >&2
    stop_server
    return 1
}
