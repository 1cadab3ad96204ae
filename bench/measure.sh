# bench/measure.sh - the measurements of bench/run.sh (sourced): each
# runs a tool against the server running now ($SPID on $SPORT, started by
# bench/servers.sh) and records its figures, one per line, in
# $OUT/figures.tsv as "server<TAB>key<TAB>value" for the tables and the
# verdicts, and the ones the chart draws in $OUT/results.tsv (bench/chart.c
# says its format). The caller sets OUT, TMP, SECS, HOST, EB and NAME (the
# row's name). A failed measurement is said on stderr and counted in
# $TMP/failed: make bench exits non-zero then, and only then.

# fig KEY VALUE: one figure of the current server.
fig() { printf '%s\t%s\t%s\n' "$NAME" "$1" "$2" >>"$OUT/figures.tsv"; }
# plot KIND CLIENTS VALUE: one point or bar of the chart (not with PLOT=no).
plot() { [ "${PLOT:-yes}" = yes ] || return 0; printf '%s\t%s\t%s\t%s\n' "$1" "$NAME" "$2" "$3" >>"$OUT/results.tsv"; }
failed() {
    echo "bench: $NAME: $*" >&2
    echo "$NAME: $*" >>"$TMP/failed"
}

# val KEY FILE: the value of KEY in FILE's RESULT line.
val() { sed -n "s/^RESULT.* $1=\([^ ]*\).*/\1/p" "$2"; }

# eb ARGS...: echobench against the server; its RESULT in $TMP/b.out.
eb() {
    $EB -q -p "$SPID" "$@" "$HOST" "$SPORT" >"$TMP/b.out" 2>"$TMP/b.err"
    status=$?
    if [ "$status" -ne 0 ] || [ "$(val errors "$TMP/b.out")" != 0 ]; then
        failed "echobench $*: $(head -n 1 "$TMP/b.err")"
        return 1
    fi
}

# cores SECONDS_KEY: what the last run kept busy, in cores (n/a unknown).
cores() {
    awk -v c="$(val "$1" "$TMP/b.out")" -v t="$(val seconds "$TMP/b.out")" \
        'BEGIN { if (c == "n/a" || c == "" || t == 0) print "n/a"; else printf "%.2f", c / t }'
}

# pingpong CLIENTS: 64-byte lines, one in flight per client.
pingpong() {
    eb -c "$1" -s 64 -w 1 -d "$SECS" || return 1
    l=$(val lines_per_s "$TMP/b.out")
    fig "lines_$1" "$l"
    fig "p99_$1" "$(val p99_us "$TMP/b.out")"
    fig "cores_$1" "$(cores server_cpu_s)"
    fig "bench_cores_$1" "$(cores bench_cpu_s)"
    awk -v c="$(val server_cpu_s "$TMP/b.out")" -v n="$(val lines "$TMP/b.out")" \
        'BEGIN { if (c != "n/a" && c != "" && n > 0) printf "%.2f\n", c / n * 1e6 }' |
        while read -r cpu; do fig "cpu_mline_$1" "$cpu"; done
    plot lines "$1" "$l"
}

# streaming: one client, 8 KiB lines, 16 in flight.
streaming() {
    eb -c 1 -s 8192 -w 16 -d "$SECS" || return 1
    fig stream_mb "$(val mb_per_s "$TMP/b.out")"
}

# churn CLIENTS: connect, one line, close, over and over.
churn() {
    eb -m churn -c "$1" -d "$SECS" || return 1
    c=$(val conns_per_s "$TMP/b.out")
    fig "churn_$1" "$c"
    fig "churn_p50_$1" "$(val p50_us "$TMP/b.out")"
    fig "churn_p99_$1" "$(val p99_us "$TMP/b.out")"
    fig "churn_cpu_$1" "$(val server_cpu_s_per_kconn "$TMP/b.out")"
    fig "churn_bench_cores_$1" "$(cores bench_cpu_s)"
    plot churn "$1" "$c"
}

# bystander: its echo's wait while another client holds half a line.
bystander() {
    if ! bench/bin/bystander -t 1000 "$HOST" "$SPORT" >"$TMP/by.out" 2>"$TMP/by.err"; then
        failed "bystander: $(head -n 1 "$TMP/by.err")"
        return 1
    fi
    fig bystander_ms "$(val bystander_ms "$TMP/by.out")"
}

# Resident memory in KiB of $1 plus its children (VmRSS); empty without /proc.
rss_kib() {
    [ -r /proc/self/status ] || return 0
    cat /proc/[0-9]*/status 2>/dev/null | awk -v pid="$1" '
        /^Pid:/   { p = $2 }
        /^PPid:/  { pp = $2 }
        /^VmRSS:/ { if (p == pid || pp == pid) sum += $2 }
        END       { print sum + 0 }'
}

# Proportional memory (PSS) in KiB of $1 and its children; empty where
# /proc/PID/smaps_rollup is missing.
pss_kib() {
    [ -r "/proc/$1/smaps_rollup" ] || return 0
    # shellcheck disable=SC2046
    for pid in "$1" $(children_of "$1"); do
        cat "/proc/$pid/smaps_rollup" 2>/dev/null
    done | awk '/^Pss:/ { sum += $2 } END { print sum + 0 }'
}

# idle N KEY: holds N idle clients; records the memory each costs (PSS
# where the server has children: RSS counts shared pages once a child)
# and how many were served. Not in $(...): cleanup must see BPID.
idle() {
    base=$(rss_kib "$SPID") pbase=$(pss_kib "$SPID")
    $EB -q -i -c "$1" -d 60 -p "$SPID" "$HOST" "$SPORT" >"$TMP/i.out" 2>"$TMP/i.err" &
    BPID=$!
    i=0 # connecting and one echo each are bounded in echobench; so is this
    while ! grep -q '^HOLDING' "$TMP/i.out" && kill -0 "$BPID" 2>/dev/null && [ $i -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kids=$(children_of "$SPID" | wc -l) held=$(rss_kib "$SPID") pheld=$(pss_kib "$SPID")
    kill -TERM "$BPID" 2>/dev/null # measured: echobench ends the hold and reports
    wait "$BPID"
    BPID=
    fig "served_$2" "$(val served "$TMP/i.out")"
    [ "$2" = mem ] || return 0
    kib=$(awk -v b="$base" -v h="$held" -v n="$1" -v pb="$pbase" -v ph="$pheld" -v k="$kids" \
        'BEGIN { if (b == "") exit; if (k > 0 && pb != "") { b = pb; h = ph }
                 printf "%.2f\n", (h - b) / n }')
    [ -n "$kib" ] && fig mem_kib "$kib" && plot mem "$1" "$kib"
    return 0
}

# cpubound US: 50 clients, one 64-byte line in flight each, the server
# spending US microseconds of CPU on each line (the caller started it with
# ECHO_WORK_US=US): lines/s, the server's cores, echobench's, and the share
# of this machine's limit that echobench computes (-W).
cpubound() {
    eb -c 50 -s 64 -w 1 -d "$SECS" -W "$1" || return 1
    l=$(val lines_per_s "$TMP/b.out")
    fig "work_lines_$1" "$l"
    fig "work_cores_$1" "$(cores server_cpu_s)"
    fig "work_bench_cores_$1" "$(cores bench_cpu_s)"
    fig "work_share_$1" "$(val share "$TMP/b.out")"
    plot work "$1" "$l"
}

# fairness CLIENTS IN_FLIGHT: every client keeps IN_FLIGHT lines in flight,
# no work; each client's lines counted (echobench -m fair): Jain's index
# over all of them, zeros included, the least and most served, how many
# got nothing.
fairness() {
    eb -m fair -c "$1" -s 64 -w "$2" -d "$SECS" || return 1
    fig fair_lines "$(val lines_per_s "$TMP/b.out")"
    for k in jain starved least most; do
        fig "fair_$k" "$(val "$k" "$TMP/b.out")"
    done
    plot fair "$1" "$(val jain "$TMP/b.out")"
    plot starved "$1" "$(val starved "$TMP/b.out")"
}

# na KEY...: figures that do not apply to this server ("n/a" in the tables).
na() { for k in "$@"; do fig "$k" n/a; done; }
