# bench/report.sh OUT MODE SECS IDLE_N MAX_N - make bench's tables, from
# OUT/figures.tsv (bench/measure.sh writes it), each under 100 columns and
# one per scenario, then the text bars (bench/chart -t). Run by bench/run.sh.
out=$1 mode=$2 secs=$3 idle_n=$4 max_n=$5

# table TITLE COLUMNS... (each "Header=key[:format]"): one markdown table,
# a row per server in the order measured; formats: n (k/M), ms (from us),
# raw. A row with no figure for any column is left out, and a table with
# no row at all. "n/a": the scenario does not apply to that server; "-":
# it was not measured (this run's mode skips it, or it failed).
table() {
    title=$1
    shift
    awk -F'\t' -v title="$title" -v cols="$*" '
    function fmt(v, f) {
        if (v == "" ) return "-"
        if (v == "n/a" || v == "blocked") return v
        if (f == "n") return v >= 1e6 ? sprintf("%.2fM", v / 1e6) : v >= 1e3 ? sprintf("%.1fk", v / 1e3) : sprintf("%d", v)
        if (f == "ms") return v >= 1000 ? sprintf("%.1f ms", v / 1000) : sprintf("%d us", v)
        return v }
    { if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } v[$1, $2] = $3 }
    END {
        nc = split(cols, c, " ")
        line = "| server |"; rule = "|---|"
        for (i = 1; i <= nc; i++) {
            split(c[i], hk, "="); split(hk[2], kf, ":")
            head[i] = hk[1]; key[i] = kf[1]; form[i] = kf[2]
            gsub(/_/, " ", head[i])
            line = line " " head[i] " |"; rule = rule "---|" }
        rows = ""
        for (r = 1; r <= n; r++) {
            s = order[r]; row = "| " s " |"; any = 0
            for (i = 1; i <= nc; i++) {
                any += ((s, key[i]) in v)
                row = row " " fmt(v[s, key[i]], form[i]) " |" }
            if (any) rows = rows row "\n" }
        if (rows != "") printf "\n%s\n\n%s\n%s\n%s", title, line, rule, rows }' "$out/figures.tsv"
}

echo "## Echo server benchmark ($mode)"
echo
[ "$mode" = quick ] &&
    echo "A quick run (make bench-quick): 1 s scenarios, fewer of them; rough figures." && echo
sed -n 's/^# machine: /Machine: /p; s/^# date: /Date: /p' "$out/results.tsv"
echo "Loopback (127.0.0.1), $secs s per scenario."
table "Ping-pong, 64-byte lines, one in flight per client: lines per second" \
    "1_client=lines_1:n" "10_clients=lines_10:n" "100_clients=lines_100:n" "1000_clients=lines_1000:n"
table "Ping-pong: p99 latency of one line" \
    "1_client=p99_1:ms" "10_clients=p99_10:ms" "100_clients=p99_100:ms" "1000_clients=p99_1000:ms"
[ "$mode" = test ] && { bench/bin/chart -t "$out/results.tsv"; exit 0; }
table "CPU and cores: server CPU s per million lines at 100 clients; cores kept busy at 1000" \
    "CPU_s/M_lines=cpu_mline_100" "server_cores=cores_1000" "echobench_cores=bench_cores_1000" \
    "streaming_8_KiB_MB/s=stream_mb"
table "Connection churn, 1 client: connect, one 64-byte line, close, again" \
    "conn/s=churn_1:n" "p50=churn_p50_1:ms" "p99=churn_p99_1:ms" \
    "server_CPU_s/1000_conn=churn_cpu_1" "echobench_cores=churn_bench_cores_1"
table "Connection churn, 50 clients" \
    "conn/s=churn_50:n" "p50=churn_p50_50:ms" "p99=churn_p99_50:ms" \
    "server_CPU_s/1000_conn=churn_cpu_50" "echobench_cores=churn_bench_cores_50"
for us in 200 50; do
    table "CPU-bound: $us us of CPU per line (ECHO_WORK_US), 50 clients, one line in flight each" \
        "lines/s=work_lines_$us:n" "server_cores=work_cores_$us" \
        "echobench_cores=work_bench_cores_$us" "share_of_limit=work_share_$us"
done
table "Fairness: 64 clients, 16 lines in flight each, no work, pools of 16: lines per client" \
    "Jain's_index=fair_jain" "starved=fair_starved" "least=fair_least:n" \
    "most=fair_most:n" "total_lines/s=fair_lines:n"
held_col=""
[ "$max_n" -gt 0 ] && held_col="held_of_$max_n=served_max"
table "A bystander's wait while another client holds half a line; memory per idle client" \
    "bystander_wait=bystander_ms" "KiB_per_idle_client=mem_kib" \
    "served_of_$idle_n=served_mem" $held_col
echo
echo "Churn: each client connects from the next source address of 127.0.0.0/8, so"
echo "TIME_WAIT never uses up its ports (bench/eb_churn.c). echobench is one thread:"
echo "near 1 core means it set the pace, not the server. Memory: the growth of the"
echo "server's RSS per held client (PSS, shared pages split, for servers with children);"
echo "kernel socket buffers are in neither. Bystander wait in ms; 'blocked': no echo"
echo "within 1 s, until the holder left. CPU-bound: the machine's limit is (CPUs"
echo "minus echobench's cores) x 1,000,000 / us lines/s; share_of_limit is the part"
echo "of it reached. Fairness: Jain's index is (sum x)^2 / (n sum x^2) over every"
echo "client's lines, 1 when all got the same, 1/64 when one got all; starved: the"
echo "clients that got no line at all. n/a: does not apply; -: not measured."
awk -F'\t' '$1 == "spawncost" { v[$2] = $3 } $1 == "riobench" { r[$2] = $3 }
    END {
        if ("ratio" in v) printf "\nspawncost: process create+reap %.1f us, thread %.1f us, ratio %.1fx (the slide: ~2x)\n", v["process_ns"] / 1000, v["thread_ns"] / 1000, v["ratio"]
        if ("mb_per_s" in r) printf "riobench (rio_readlineb alone): %s-byte lines, %s MB/s\n", r["line_bytes"], r["mb_per_s"] }' "$out/figures.tsv"
echo
echo "Lines per second, drawn (bench/chart -t; the SVG has the same figures):"
bench/bin/chart -t "$out/results.tsv"
