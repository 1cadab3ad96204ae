#!/bin/sh
# bench/run.sh - measure every echo server with echobench and print one markdown table.
# Run from the repository root after building (make bench / make bench-quick do both):
#   bench/run.sh          full run: a few minutes, up to 10,000 clients
#   bench/run.sh quick    under two minutes: 1 s per scenario, 500 idle clients
# For each server that exists (./echoserver{i,p,s,t,t_pre}; bench/bin/bookecho, the
# textbook's way: lines read a byte at a time, as a thread server and, with a thread
# count, as a prethreaded one logging each line; bench/bin/epollecho, the hand-tuned
# reference) it starts a fresh copy on a free loopback port and runs:
#   1 client ping-pong 64-byte lines; 10, 100, 1000 clients doing the same;
#   1 client streaming 8 KiB lines, 16 in flight; connection churn (echobench
#   -m churn: connect, one 64-byte line, close, over and over) at 1 and 50
#   clients, in a table of its own; N idle clients (memory per connection =
#   server RSS growth / N, children summed); and, in a full run, 10,000 idle
#   clients to see how many the model holds. Then spawncost and riobench.
# The iterative server serves one client at a time, so of the load scenarios it
# runs the 1-client ones only; churn's clients take their turns with it.
# Every server started here is killed by PID, also on Ctrl-C.
# Uses only POSIX sh and awk/sed; "sleep 0.1" needs a sleep that takes fractions
# (GNU, BSD and busybox all do).

MODE=${1:-full}
case $MODE in
quick) SECS=1; IDLE_N=500; MAX_N=0; SPAWN_N=500 ;;
full)  SECS=4; IDLE_N=1000; MAX_N=10000; SPAWN_N=2000 ;;
*)     echo "usage: bench/run.sh [quick]" >&2; exit 2 ;;
esac
HOLD_MAX=60                         # idle clients are held until measured, at most this
HOST=127.0.0.1

EB=bench/bin/echobench
for prog in $EB bench/bin/spawncost bench/bin/riobench; do
    [ -x "$prog" ] || { echo "bench: $prog not built (run make first)" >&2; exit 1; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/echobench.XXXXXX") || exit 1
BPID=                               # background echobench running now
ME=bench
. "$(dirname "$0")/servers.sh"

cleanup() {
    [ -n "$BPID" ] && kill "$BPID" 2>/dev/null
    stop_server
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

# Resident memory in KiB of $1 plus its children (VmRSS from /proc); empty without /proc.
rss_kib() {
    [ -r /proc/self/status ] || return 0
    cat /proc/[0-9]*/status 2>/dev/null | awk -v pid="$1" '
        /^Pid:/   { p = $2 }
        /^PPid:/  { pp = $2 }
        /^VmRSS:/ { if (p == pid || pp == pid) sum += $2 }
        END       { print sum + 0 }'
}

# Proportional memory (PSS, shared pages split among sharers) in KiB of $1 and its
# children; empty where /proc/PID/smaps_rollup is missing.
pss_kib() {
    [ -r "/proc/$1/smaps_rollup" ] || return 0
    # shellcheck disable=SC2046
    for pid in "$1" $(children_of "$1"); do
        cat "/proc/$pid/smaps_rollup" 2>/dev/null
    done | awk '/^Pss:/ { sum += $2 } END { print sum + 0 }'
}

# Value of key $1 in the RESULT line of file $2.
val() {
    sed -n "s/^RESULT.* $1=\([^ ]*\).*/\1/p" "$2"
}

# Run echobench with arguments "$@" against the current server; result in $TMP/b.out.
bench() {
    $EB -q -p "$SPID" "$@" "$HOST" "$SPORT" >"$TMP/b.out" 2>"$TMP/b.err"
    if [ "$(val errors "$TMP/b.out")" != 0 ]; then
        echo "bench: echobench $* on port $SPORT: $(head -n 1 "$TMP/b.err")" >&2
        return 1
    fi
}

# One table cell for a load scenario: "30.1k/s, p99 77 us" (lines or MB per second).
load_cell() {    # $1 = clients, $2 = line bytes, $3 = in flight, $4 = lines or mb
    if ! bench -c "$1" -s "$2" -w "$3" -d "$SECS"; then
        note=$(val connected "$TMP/b.out")
        printf 'error (%s of %s connected, %s served)' "${note:-0}" "$1" \
            "$(val served "$TMP/b.out")"
        return
    fi
    awk -v l="$(val lines_per_s "$TMP/b.out")" -v m="$(val mb_per_s "$TMP/b.out")" \
        -v p="$(val p99_us "$TMP/b.out")" -v what="$4" 'BEGIN {
        if (what == "mb") printf "%.0f MB/s, p99 %d us", m, p
        else if (l >= 1000) printf "%.1fk/s, p99 %d us", l / 1000, p
        else printf "%d/s, p99 %d us", l, p }'
}

# Two churn table cells for $1 clients, from one run: "4.2k conn/s, p50 210 us,
# p99 1.4 ms | 0.070 / 0.091 (0.37 / 0.48 cores)", the second being the CPU of
# server / echobench in seconds per 1000 connections and in cores kept busy.
# One awk for both: on a loaded machine every process started costs.
churn_cells() {
    if ! bench -m churn -c "$1" -d "$SECS"; then
        echo "error | —"
        return
    fi
    awk 'function ms(us) { return (us >= 1000) ? sprintf("%.1f ms", us / 1000) : sprintf("%d us", us) }
    /^RESULT/ {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        c = v["conns_per_s"]; t = v["seconds"]
        printf "%s conn/s, p50 %s, p99 %s | ", (c >= 1000) ? sprintf("%.1fk", c / 1000) : c,
            ms(v["p50_us"]), ms(v["p99_us"])
        printf "%s / %s (%s / %.2f cores)\n", v["server_cpu_s_per_kconn"], v["bench_cpu_s_per_kconn"],
            (v["server_cpu_s"] == "n/a" || t == 0) ? "n/a" : sprintf("%.2f", v["server_cpu_s"] / t),
            (t == 0) ? 0 : v["bench_cpu_s"] / t }' "$TMP/b.out"
}

# A row of the churn table for the running server, named $1.
churn_row() {
    echo "| $1 | $(churn_cells 1) | $(churn_cells 50) |" >>"$TMP/churn"
}

# Server CPU seconds per million lines, from the last RESULT.
cpu_per_mline() {
    awk -v c="$(val server_cpu_s "$TMP/b.out")" -v l="$(val lines "$TMP/b.out")" \
        'BEGIN { if (c == "n/a" || c == "" || l == 0) print "n/a"; else printf "%.1f", c / l * 1e6 }'
}

# Hold $1 idle clients; sets IDLE_KIB (RSS growth per connection, read while they are
# held) and IDLE_SERVED. Not run in $(...): cleanup must see BPID to kill echobench.
idle_run() {
    base=$(rss_kib "$SPID")
    pbase=$(pss_kib "$SPID")
    $EB -q -i -c "$1" -d "$HOLD_MAX" -p "$SPID" "$HOST" "$SPORT" >"$TMP/i.out" 2>"$TMP/i.err" &
    BPID=$!
    i=0         # connecting and one echo each are bounded inside echobench; so is this
    while ! grep -q '^HOLDING' "$TMP/i.out" && kill -0 "$BPID" 2>/dev/null && [ $i -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kids=$(children_of "$SPID" | wc -l)
    held=$(rss_kib "$SPID")
    pheld=$(pss_kib "$SPID")
    kill -TERM "$BPID" 2>/dev/null      # measured: echobench ends the hold and reports
    wait "$BPID"
    BPID=
    IDLE_SERVED=$(val served "$TMP/i.out")
    IDLE_KIB=$(awk -v b="$base" -v h="$held" -v n="$1" -v pb="$pbase" -v ph="$pheld" \
        -v kids="$kids" 'BEGIN {
            if (b == "") { print "n/a"; exit }
            printf "%.2f KiB", (h - b) / n
            if (kids > 0 && pb != "") printf " (PSS %.2f KiB)", (ph - pb) / n
            printf "\n" }')
}

# One table row for server $1, started with arguments $2... after the port.
server_row() {
    name=${1##*/}
    [ $# -gt 1 ] && name="$name ($2 threads)"
    if ! start_server "$@"; then
        echo "| $name | did not start | | | | | | | |"
        return
    fi
    row_start=$(date +%s)
    one=$(load_cell 1 64 1 lines)
    stream=$(load_cell 1 8192 16 mb)
    churn_row "$name"
    if [ "$name" = echoserveri ]; then
        skip="— (one client at a time)"
        echo "| $name | $one | $skip | $skip | $skip | $stream | n/a | — | — |"
        stop_server
        echo "bench: $name done in $(($(date +%s) - row_start)) s" >&2
        return
    fi
    c10=$(load_cell 10 64 1 lines)
    c100=$(load_cell 100 64 1 lines)
    cpu=$(cpu_per_mline)
    c1000=$(load_cell 1000 64 1 lines)
    stop_server
    if ! start_server "$@"; then        # fresh server: a clean memory baseline
        echo "| $name | $one | $c10 | $c100 | $c1000 | $stream | $cpu | did not restart | |"
        return
    fi
    idle_run "$IDLE_N"
    mem=$IDLE_KIB
    maxcell="${IDLE_SERVED:-0} of $IDLE_N"
    if [ "$MAX_N" -gt 0 ]; then
        idle_run "$MAX_N"
        maxcell="${IDLE_SERVED:-0} of $MAX_N"
    fi
    stop_server
    echo "| $name | $one | $c10 | $c100 | $c1000 | $stream | $cpu | $mem | $maxcell |"
    echo "bench: $name done in $(($(date +%s) - row_start)) s" >&2
}

cpu_model() {
    sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1
}

# Rows are collected in a file and the table printed at the end, so progress and
# error messages on stderr do not land in the middle of it.
echo "bench: $MODE run; progress on stderr, the table comes at the end" >&2
# The prethreaded server serves at most its pool size at once; a pool as
# large as the biggest load scenario lets it take part (its own limit), and
# is far more than churn's 50 clients.
PRE_POOL="1024 1024"
for prog in ./echoserveri ./echoserverp ./echoservers ./echoservert ./echoservert_pre bench/bin/epollecho bench/bin/bookecho; do
    [ -x "$prog" ] || continue
    case $prog in
    *echoservert_pre) server_row "$prog" $PRE_POOL >>"$TMP/rows" ;;
    *) server_row "$prog" >>"$TMP/rows" ;;
    esac
done
# The book's prethreaded server, for echoservert_pre: the same pool, a line
# logged per printf under one lock (see bench/bookecho.c).
if [ -x bench/bin/bookecho ]; then
    server_row bench/bin/bookecho "${PRE_POOL% *}" >>"$TMP/rows"
fi
RIO=$(bench/bin/riobench 128 | sed -n 's/^RESULT rio //p')
SPAWN=$(bench/bin/spawncost -n "$SPAWN_N" | sed -n 's/^RESULT //p')

echo "## Echo server benchmark ($MODE)"
echo
echo "Machine: $(uname -sr), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs, $(cpu_model). Loopback ($HOST)."
echo "64-byte lines, one in flight per client, $SECS s per scenario; streaming: 8 KiB lines, 16 in flight."
echo
echo "| server | 1 client | 10 clients | 100 clients | 1000 clients | 1 client streaming 8 KiB | server CPU s / M lines (100 clients) | RSS / idle conn ($IDLE_N) | idle clients served |"
echo "|---|---|---|---|---|---|---|---|---|"
cat "$TMP/rows" 2>/dev/null
echo
echo "Connection churn: each client connects (from the next source address of 127.0.0.0/8, so"
echo "TIME_WAIT never uses up its ports: see bench/eb_churn.c), sends one 64-byte line, reads"
echo "its echo, waits for the server to close, closes, and again, for $SECS s; p50 and p99 of"
echo "the whole connect-echo-close. CPU: seconds per 1000 connections, the server's (children"
echo "included) / echobench's own, and the cores each kept busy: echobench (one thread) near"
echo "1 core means it set the pace, not the server; the two near $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) cores together, the machine."
echo
echo "| server | churn, 1 client | CPU (server / echobench) | churn, 50 clients | CPU (server / echobench) |"
echo "|---|---|---|---|---|"
cat "$TMP/churn" 2>/dev/null
echo
echo "RSS / idle conn: the server's VmRSS growth per held connection. For a server with"
echo "child processes (echoserverp) the children's VmRSS is summed, which counts the pages they"
echo "share once per child; PSS in parentheses splits shared pages among the sharers and is"
echo "the fairer figure. Kernel socket buffers are in neither. 'idle clients served': clients"
echo "that got their echo before being held (a model that cannot serve them all shows fewer)."
echo
echo "$SPAWN" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "spawncost: process create+reap %.1f us (%s TSC cycles), thread %.1f us (%s TSC cycles), ratio %.1fx; the slide says ~20K and ~10K cycles, ~2x\n",
           v["process_ns"] / 1000, v["process_cycles"], v["thread_ns"] / 1000, v["thread_cycles"], v["ratio"] }'
echo "$RIO" | awk '{ split($1, a, "="); split($2, b, "="); printf "%s%s-byte lines %s MB/s", (NR > 1 ? ", " : "riobench (rio_readlineb alone): "), a[2], b[2] } END { print "" }'
