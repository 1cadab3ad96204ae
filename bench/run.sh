#!/bin/sh
# bench/run.sh - the lecture's summary slide, measured (make bench): every
# server of tests/servers.txt and the reference peers, driven by echobench
# on loopback; then the tables, text bars, a verdict per claim of the slides
# (bench/verdict.sh) and an SVG chart, with a 16:9 picture per panel beside
# it for slides (bench-lines.svg, ...).
#   bench/run.sh          full: about 8 minutes on 2 cores, 10,000 idle clients
#   bench/run.sh quick    about 2 minutes: 1 s scenarios, fewer of them
#   bench/run.sh test     a second or so: BENCH_SERVERS (two by default), one
#                         scenario each (make test checks its chart)
# Per server, on a fresh copy on a free port: ping-pong 64-byte lines at 1,
# 10, 100, 1000 clients (lines/s, p99, server CPU); streaming 8 KiB lines;
# connection churn at 1 and 50 clients (bench/eb_churn.c); a bystander's
# wait while another client holds half a line (bench/bystander.c); memory
# per idle client; in a full run, how many of 10,000 idle clients it holds.
# CPU-bound: every server doing WORK_US microseconds of CPU per line
# (ECHO_WORK_US), 50 clients, one line in flight each. Fairness: 64
# clients, 16 lines in flight each, pools sized 16 (fewer than the
# clients, on purpose), each client's lines counted.
# The iterative server runs the one-client scenarios only. Pools are sized
# to the largest load (1024). Output: the report on stdout, progress on
# stderr; figures, chart data, the SVG and the report in BENCH_OUT
# (bench/out); no tracked file is touched. Exit
# status 1 only when a measurement failed (a contradicted claim is a
# finding, not a failure). Everything started is killed by PID, on Ctrl-C
# too. POSIX sh, awk, sed; "sleep 0.1" needs a sleep that takes fractions.

MODE=${1:-full}
case $MODE in
full)  SECS=4; IDLE_N=1000; MAX_N=10000; SPAWN_N=2000; LOADS="1 10 100 1000" CHURNS="1 50"
       WORK_US="200 50" ;;
quick) SECS=1; IDLE_N=500; MAX_N=0; SPAWN_N=500; LOADS="1 100 1000" CHURNS=50 WORK_US=200 ;;
test)  SECS=1; IDLE_N=0; MAX_N=0; SPAWN_N=0; LOADS="10" WORK_US=
       BENCH_SERVERS=${BENCH_SERVERS:-echoservers echoservert} ;;
*)     echo "usage: bench/run.sh [quick|test]" >&2; exit 2 ;;
esac
POOL=1024 HOST=127.0.0.1 EB=bench/bin/echobench ME=bench
FAIR_CLIENTS=64 FAIR_IN_FLIGHT=16 FAIR_POOL=16
OUT=${BENCH_OUT:-bench/out}
needed="$EB bench/bin/chart"
[ "$MODE" = test ] || needed="$needed bench/bin/spawncost bench/bin/riobench bench/bin/bystander"
for prog in $needed; do
    [ -x "$prog" ] || { echo "bench: $prog not built (run make first)" >&2; exit 1; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/echobench.XXXXXX") || exit 1
mkdir -p "$OUT" || exit 1
: >"$OUT/figures.tsv"
BPID= # a background echobench running now
. tests/serverlist.sh
. bench/servers.sh
. bench/measure.sh
cleanup() {
    [ -n "$BPID" ] && kill "$BPID" 2>/dev/null
    stop_server
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

# The rows: "name|program args" a line. Every listed server (pools sized
# to POOL, the per-core loop also with 1 loop), then the reference peers.
rows() {
    for s in ${BENCH_SERVERS:-$(server_names)}; do
        echo "$s|./$s $(server_pool_args "$s" "$POOL")"
        [ "$s" = echoservere ] && echo "echoservere (1 loop)|./echoservere 1"
    done
    [ -n "${BENCH_SERVERS:-}" ] && return
    echo "epollecho|bench/bin/epollecho"
    echo "bookecho|bench/bin/bookecho"
    echo "bookecho ($POOL threads)|bench/bin/bookecho $POOL"
}

# measure_server: every scenario for the row NAME, program $PROG.
measure_server() {
    # shellcheck disable=SC2086 # the program and its arguments
    start_server $PROG || { failed "did not start"; return; }
    one_at_a_time=$( [ "$(server_trait "${NAME%% *}" serves)" = one ] && echo 1)
    for n in $LOADS; do
        [ -n "$one_at_a_time" ] && [ "$n" -gt 1 ] && continue
        pingpong "$n"
    done
    [ "$MODE" = test ] && { stop_server; work_and_fairness; return; }
    streaming
    for n in $CHURNS; do churn "$n"; done
    bystander
    stop_server
    work_and_fairness
    [ -n "$one_at_a_time" ] && return
    # shellcheck disable=SC2086
    start_server $PROG || { failed "did not restart"; return; } # a clean baseline
    idle "$IDLE_N" mem
    [ "$MAX_N" -gt 0 ] && idle "$MAX_N" max
    stop_server
}

# The CPU-bound and fairness scenarios for the row NAME, each on a fresh
# server. Only the suite's servers read ECHO_WORK_US (the baselines: n/a);
# the iterative server serves one of the 50 clients (n/a) but shows its
# fairness, one served and the rest starved. Pools are sized FAIR_POOL.
work_and_fairness() {
    base=${NAME%% *}
    for us in $WORK_US; do
        if [ -z "$(server_trait "$base" model)" ] ||
            [ "$(server_trait "$base" serves)" = one ]; then
            na "work_lines_$us" "work_cores_$us" "work_bench_cores_$us" "work_share_$us"
            continue
        fi
        export ECHO_WORK_US="$us"
        # shellcheck disable=SC2086
        start_server $PROG && cpubound "$us"
        unset ECHO_WORK_US
        stop_server
    done
    [ "$MODE" = test ] && return
    if [ -z "$(server_trait "$base" model)" ]; then
        na fair_jain fair_starved fair_least fair_most fair_lines
        return
    fi
    fprog=$PROG
    [ "$(server_trait "$base" serves)" = pool ] &&
        fprog="./$base $(server_pool_args "$base" "$FAIR_POOL")"
    # shellcheck disable=SC2086
    start_server $fprog && fairness "$FAIR_CLIENTS" "$FAIR_IN_FLIGHT"
    stop_server
}

# The per-core loop at 1, 2, ... loops up to the cores, 1000 clients.
scaling() {
    [ -x ./echoservere ] && [ "$MODE" = full ] || return 0
    ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
    k=1
    while [ "$k" -le "$ncpu" ]; do
        NAME="echoservere, $k of $ncpu loops" PROG="./echoservere $k" PLOT=no
        # shellcheck disable=SC2086
        start_server $PROG && pingpong 1000
        stop_server
        PLOT=yes
        k=$((k + 1))
    done
}

{
    echo "# machine: $(uname -sr), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs, $(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)"
    echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "# mode: $MODE"
    # Each server's family, for the chart's colours (the rest: baselines).
    for s in $(server_names); do echo "# model: $s $(server_trait "$s" model)"; done
} >"$OUT/results.tsv"
echo "bench: $MODE run; progress here, the report on stdout at the end" >&2
start=$(date +%s)
rows >"$TMP/rows"
total=$(wc -l <"$TMP/rows" | tr -d ' ')
row=0 # (sh has no local variables: the measurements use i, n, k)
while IFS='|' read -r NAME PROG; do
    row=$((row + 1)) t0=$(date +%s)
    echo "bench: [$row/$total] $NAME ..." >&2
    measure_server
    echo "bench: [$row/$total] $NAME done in $(($(date +%s) - t0)) s" >&2
done <"$TMP/rows"
scaling
if [ "$MODE" != test ]; then
    bench/bin/spawncost -n "$SPAWN_N" | sed -n 's/^RESULT //p' | tr ' ' '\n' |
        awk -F= 'NF == 2 { printf "spawncost\t%s\t%s\n", $1, $2 }' >>"$OUT/figures.tsv"
    bench/bin/riobench 128 | sed -n 's/^RESULT rio //p' | tr ' ' '\n' |
        awk -F= 'NF == 2 { printf "riobench\t%s\t%s\n", $1, $2 }' >>"$OUT/figures.tsv"
fi
bench/bin/chart -o "$OUT/bench.svg" "$OUT/results.tsv" || failed "chart"
# The report, on stdout and kept beside the figures (OUT/report.txt).
{
sh bench/report.sh "$OUT" "$MODE" "$SECS" "$IDLE_N" "$MAX_N"
[ "$MODE" = test ] ||
    NCPU=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) \
    CONCURRENT=$({ server_names serves=many; server_names serves=pool; } | tr '\n' ' ') \
    MULTICORE=$({ server_names runs=threads; server_names runs=processes; } | tr '\n' ' ') \
    EVENT=$(server_names model=event | tr '\n' ' ') \
    PERCONN=$({ server_names serves=many model=thread; server_names serves=many model=process; } | tr '\n' ' ') \
    POOLS=$(server_names serves=pool | tr '\n' ' ') \
        sh bench/verdict.sh "$OUT/figures.tsv"
echo
echo "Chart: $OUT/bench.svg, and a slide per panel: $OUT/bench-*.svg;"
echo "figures: $OUT/figures.tsv; this report: $OUT/report.txt."
echo "Took $(($(date +%s) - start)) s."
} | tee "$OUT/report.txt"
if [ -s "$TMP/failed" ]; then
    echo "bench: these measurements failed:" >&2
    sed 's/^/  /' "$TMP/failed" >&2
    exit 1
fi
exit 0
