#!/bin/sh
# bench/ab.sh - compare a few servers fairly on a noisy machine. make bench runs
# each server once, one after another, so a slow spell of the machine lands on
# whichever server runs in it. This runs the servers in turn, round after round,
# and prints each one's median, so the spells fall on all of them alike.
#   bench/ab.sh [-c CLIENTS] [-s LINE_BYTES] [-w IN_FLIGHT] [-d SECONDS] [-r ROUNDS]
#               [-m run|churn] SERVER...
# Run it from the top of the tree, after make (which builds the baselines
# bench/bin/bookecho and bench/bin/epollecho too).
# A SERVER is a program and the arguments that follow its port, in one word:
#   bench/ab.sh -c 100 ./echoservert bench/bin/bookecho
#   bench/ab.sh -c 10 "./echoservert_pre 1024 1024" "bench/bin/bookecho 1024"
#   bench/ab.sh -c 1 -s 8192 -w 16 ./echoservers bench/bin/epollecho
#   bench/ab.sh -m churn -c 50 ./echoserverp ./echoservert
#   ECHO_WORK_US=200 bench/ab.sh -c 50 ./echoservere ./echoservers
# The last gives the suite's servers 200 us of CPU work per line (the
# environment reaches every server it starts): one core against several.
# -m churn compares connections per second instead (echobench -m churn: each
# client connects, sends one line, reads its echo, closes, over and over).
# Defaults: 10 clients, 64-byte lines, 1 in flight, 3 s, 5 rounds (echoserveri
# serves one client at a time: give it -c 1). Each server is started on a free
# loopback port for each run and killed by PID, also on Ctrl-C.

CLIENTS=10 LINE=64 INFLIGHT=1 SECS=3 ROUNDS=5 MODE=run
usage() {
    echo "usage: bench/ab.sh [-c CLIENTS] [-s LINE_BYTES] [-w IN_FLIGHT] [-d SECONDS] [-r ROUNDS] [-m run|churn] SERVER..." >&2
    exit 2
}
# Checks option $1's value $2 is a whole number from $3 up, else exits 2.
need_number() {
    case $2 in
    '' | *[!0-9]*) ;;
    *) [ "$2" -ge "$3" ] && return 0 ;;
    esac
    echo "ab: bad $1 '$2': want a whole number >= $3" >&2
    exit 2
}
while getopts c:s:w:d:r:m: opt; do
    case $opt in
    c) need_number -c "$OPTARG" 1; CLIENTS=$OPTARG ;;
    s) need_number -s "$OPTARG" 24; LINE=$OPTARG ;; # echobench's smallest line
    w) need_number -w "$OPTARG" 1; INFLIGHT=$OPTARG ;;
    d) need_number -d "$OPTARG" 1; SECS=$OPTARG ;;
    r) need_number -r "$OPTARG" 1; ROUNDS=$OPTARG ;;
    m) case $OPTARG in
       run | churn) MODE=$OPTARG ;;
       *) echo "ab: bad -m '$OPTARG': want run or churn" >&2; exit 2 ;;
       esac ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
EB=bench/bin/echobench
if [ ! -x $EB ] || [ ! -f bench/ab.sh ]; then
    echo "ab: run me from the top of the tree, after make (no $EB here)" >&2
    exit 1
fi
# Every server is checked before the first run, not when its turn comes.
for server in "$@"; do
    prog=${server%% *}
    if [ ! -x "$prog" ] || [ -d "$prog" ]; then
        echo "ab: $prog: no such program (make builds the servers and the baselines)" >&2
        exit 1
    fi
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ab.XXXXXX") || exit 1
ME=ab
. "$(dirname "$0")/servers.sh"
trap 'stop_server; rm -rf "$TMP"' EXIT
trap 'echo "ab: interrupted" >&2; exit 130' INT
trap 'echo "ab: terminated" >&2; exit 143' TERM

# One run of server number $1, "$2" being its program and arguments; appends
# "lines/s MB/s cpu-per-M-lines" to $TMP/$1 (-m churn: "conn/s p99-ms
# server-cpu-per-1000-conns echobench-cpu-per-1000-conns").
run_one() {
    n=$1
    # shellcheck disable=SC2086 # the program and its arguments are meant to split
    set -- $2
    start_server "$@" || return 1
    $EB -q -m "$MODE" -p "$SPID" -c "$CLIENTS" -s "$LINE" -w "$INFLIGHT" -d "$SECS" 127.0.0.1 "$SPORT" >"$TMP/b" 2>"$TMP/e"
    stop_server
    if ! grep -q ' errors=0' "$TMP/b"; then
        echo "ab: $prog: $(head -n 1 "$TMP/e")" >&2
        return 1
    fi
    awk '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        if (v["mode"] == "churn") {
            print v["conns_per_s"], v["p99_us"] / 1000, v["server_cpu_s_per_kconn"], v["bench_cpu_s_per_kconn"]
            exit
        }
        cpu = v["server_cpu_s"] == "n/a" || v["lines"] == 0 ? "n/a" : sprintf("%.1f", v["server_cpu_s"] / v["lines"] * 1e6)
        print v["lines_per_s"], v["mb_per_s"], cpu }' "$TMP/b" >>"$TMP/$n"
}

if [ "$MODE" = churn ]; then
    UNIT=conn/s
    echo "ab: $# servers, $ROUNDS rounds of $SECS s, churn: $CLIENTS clients, one $LINE-byte line per connection" >&2
else
    UNIT=lines/s
    echo "ab: $# servers, $ROUNDS rounds of $SECS s, $CLIENTS clients, $LINE-byte lines, $INFLIGHT in flight" >&2
fi
r=1
while [ "$r" -le "$ROUNDS" ]; do
    n=1
    for server in "$@"; do
        run_one "$n" "$server" || exit 1
        echo "ab: round $r: $server: $(tail -n 1 "$TMP/$n" | cut -d' ' -f1) $UNIT" >&2
        n=$((n + 1))
    done
    r=$((r + 1))
done

median() {  # of column $1 of file $2 (printf format $3, else %.1f), "n/a" if any run had none
    cut -d' ' -f"$1" "$2" | sort -n | awk -v fmt="${3:-%.1f}" '$1 == "n/a" { na = 1 } { v[NR] = $1 } END {
        if (na) print "n/a"
        else printf fmt "\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# The first column's median and range: "1234 (1100-1300)".
median_range() {
    printf '%.0f (%.0f-%.0f)' "$(median 1 "$1")" "$(cut -d' ' -f1 "$1" | sort -n | head -n 1)" \
        "$(cut -d' ' -f1 "$1" | sort -n | tail -n 1)"
}
if [ "$MODE" = churn ]; then
    echo "| server | median conn/s (min-max) | p99 connect-echo-close ms (median) | server CPU s / 1000 conns (median) | echobench CPU s / 1000 conns (median) |"
    echo "|---|---|---|---|---|"
else
    echo "| server | median lines/s (min-max) | median MB/s | server CPU s / M lines (median) |"
    echo "|---|---|---|---|"
fi
n=1
for server in "$@"; do
    f=$TMP/$n
    if [ "$MODE" = churn ]; then
        printf '| %s | %s | %s | %s | %s |\n' "$server" "$(median_range "$f")" "$(median 2 "$f")" \
            "$(median 3 "$f" %.3f)" "$(median 4 "$f" %.3f)"
    else
        printf '| %s | %s | %.1f | %s |\n' "$server" "$(median_range "$f")" "$(median 2 "$f")" \
            "$(median 3 "$f")"
    fi
    n=$((n + 1))
done
