# demo/step_loops.sh - step: one event loop per core (echoservere 2).
# 40 clients at once are spread over both loops (the log names each
# connection's loop); the thread count stays main + 2 whatever the clients.
# Then the same 40 clients with work per line (ECHO_WORK_US): echoservers
# holds one core, echoservere with 2 loops holds two, from /proc's CPU
# times; with fewer than 2 CPUs or no /proc, "[not measurable here]".
LOOPS=${DEMO_LOOPS:-./echoservere}
needs "$LOOPS" ./echoservers bench/bin/echobench
about loops 20 "one event loop per core: select's two limits gone"

step_loops() {
    n=40
    header
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
    reveal "$(now)" "$got of $n echoed; loop 0 took $on0 connections, loop 1 took $on1; threads: ${busy:-?}"
    echo "  The server's log, first lines:"
    head -n 5 "$log" | show
    stop_server
    loops_work
    loops_verdict
}

# CPU ticks the process $1 has used (all its threads), from /proc.
loops_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
# Busy ticks of the whole machine (all CPUs), from /proc/stat.
loops_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# loops_cores NAME PROG ARGS...: PROG with 200 us of work per line, 40
# clients for a few seconds (echobench); sets $cores (the server's),
# $others (what everything else but echobench kept busy meanwhile) and
# $lps (lines per second), or leaves $cores empty.
loops_cores() {
    name=$1
    shift
    cores="" others="" lps=""
    export ECHO_WORK_US=200
    demo_server "$name" "$@" >/dev/null
    started=$?
    unset ECHO_WORK_US
    [ "$started" -eq 0 ] || return
    t_s=$(loops_ticks "$server") b_s=$(loops_busy) w_s=$(now)
    spawn "$tmp/$name.eb" bench/bin/echobench -q -c "$n" -d "$loops_secs" \
        127.0.0.1 "$port"
    wait "$spawned"
    t_e=$(loops_ticks "$server") b_e=$(loops_busy) w_e=$(now)
    stop_server
    eval "$(awk -v hz="$(getconf CLK_TCK)" -v t="$((t_e - t_s))" \
        -v b="$((b_e - b_s))" -v ms="$((w_e - w_s))" '
        /^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
        END { s = ms / 1000; c = t / hz / s
              o = b / hz / s - c - v["bench_cpu_s"] / s
              if (o < 0) o = 0 # clock ticks rounded: never below nothing
              printf "cores=%.2f others=%.2f lps=%d\n", c, o, v["lines_per_s"] }' \
        "$tmp/$name.eb")"
}

# The same 40 clients, each line now costing 200 us of CPU: the server's
# cores, once with one loop (echoservers), once with two (echoservere 2).
loops_work() {
    work=""
    loops_secs=3
    [ "$BEAT" -gt 0 ] || loops_secs=1
    ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
    echo
    para "Now the same $n clients keep a line in flight each, and every line costs \
200 us of CPU (ECHO_WORK_US=200): the servers have real work, and cores to \
use it on. /proc says how many cores each one kept busy."
    if [ ! -r /proc/self/stat ] || [ "$ncpu" -lt 2 ]; then
        at "[not measurable here]: $ncpu CPU(s), /proc: $([ -r /proc/self/stat ] && echo yes || echo no)"
        work=na
        return
    fi
    loops_cores s4w ./echoservers
    one=$cores one_others=$others
    reveal "$(now)" "echoservers, 1 loop: ${one:-?} cores busy, ${lps:-?} lines/s, others ${one_others:-?}"
    loops_cores s4w2 "$LOOPS" 2
    two=$cores two_others=$others
    reveal "$(now)" "echoservere, 2 loops: ${two:-?} cores busy, ${lps:-?} lines/s, others ${two_others:-?}"
    [ -n "$one" ] && [ -n "$two" ] || { work=failed; return; }
    # Other programs busy meanwhile take the cores the loops need: then
    # what the loops got says nothing about them.
    others=$(awk -v a="$one_others" -v b="$two_others" \
        'BEGIN { printf "%.2f", (a > b ? a : b) }')
    work=$(awk -v a="$one" -v b="$two" -v o="$others" 'BEGIN {
        if (a <= 1.1 && b >= 1.5) print "yes"
        else if (o > 0.3) print "busy"
        else print "no" }')
    [ "$work" = busy ] &&
        at "[not measurable here]: other programs kept $others cores busy"
}

loops_verdict() {
    quarter=$((n / 4))
    if [ "$got" -ne "$n" ]; then
        verdict no "only $got of $n clients were echoed"
    elif [ "$on0" -lt "$quarter" ] || [ "$on1" -lt "$quarter" ]; then
        verdict no "one loop carried almost everything: loop 0 $on0, loop 1 $on1 of $n"
    elif [ -n "$idle" ] && [ "$busy" != "$idle" ]; then
        verdict no "the thread count moved with the clients: $idle idle, $busy with $n clients"
    elif [ "$work" = no ] || [ "$work" = failed ]; then
        verdict no "with work per line, 1 loop kept ${one:-?} cores busy and 2 loops ${two:-?}: want at most 1.1 and at least 1.5"
    else
        case $work in
        yes) cores_said="with work, 1 loop held $one cores, 2 loops $two" ;;
        *) cores_said="cores with work: [not measurable here]" ;;
        esac
        verdict yes "loops took $on0+$on1 of $n, all echoed, threads ${idle:-?} then ${busy:-?}; $cores_said"
    fi
}
