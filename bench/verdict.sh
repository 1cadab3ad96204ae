# bench/verdict.sh FIGURES - the slides' measurable claims, each with the
# figure that tests it and a verdict computed from this run's figures
# (bench/measure.sh writes them): [agrees with the lecture], [CONTRADICTS
# the lecture] with the reason, or [not measurable here] with the reason.
# Claims that no figure can test point at the code or demo step that shows
# them, without a verdict. Run by bench/run.sh after the tables, with NCPU
# (the machine's cores), CONCURRENT (the servers of tests/servers.txt
# that serve more than one client at once), MULTICORE (those that run
# several threads or processes), EVENT (the event loops), PERCONN (a
# thread or process per client) and POOLS in the environment. Claims keep
# their numbers: new ones come after the last.
awk -F'\t' '
{ v[$1, $2] = $3; if ($2 == "cores_1000" && $1 ~ /loops$/) loops[$1] = $3 }

function has(s, k) { return ((s, k) in v) && v[s, k] != "n/a" && v[s, k] != "" }
function say(claim, figure, verdict) {
    n++
    sub(/;$/, "", figure)
    printf "%d. \"%s\"\n%s%s", n, claim, wrap(figure), wrap(verdict)
}
# text in lines of at most 96 columns, each indented by 3.
function wrap(text,   out, line, w, nw, i) {
    nw = split(text, w, " ")
    line = "  "
    for (i = 1; i <= nw; i++) {
        if (length(line) + 1 + length(w[i]) > 96) { out = out line "\n"; line = "  " }
        line = line " " w[i]
    }
    return out line "\n"
}
function ratio(a, b) { return b > 0 ? a / b : 0 }

# "High overhead in adding/removing clients" (process) against threads and
# events: server CPU per 1000 connections of churn, 50 clients.
function churn_claims(   p, t, s, fig) {
    if (!has("echoserverp", "churn_cpu_50") || !has("echoservert", "churn_cpu_50") ||
        !has("echoservers", "churn_cpu_50")) {
        say("Process-based: high overhead in adding/removing clients", "churn CPU per 1000 connections",
            "[not measurable here]: no churn CPU figures (no /proc?)")
        say("Thread-based: medium overhead", "the same", "[not measurable here]: no churn CPU figures")
        return
    }
    p = v["echoserverp", "churn_cpu_50"]; t = v["echoservert", "churn_cpu_50"]
    s = v["echoservers", "churn_cpu_50"]
    fig = sprintf("churn, 50 clients: server CPU s per 1000 connections: process %s, thread %s, event %s; connections/s %d, %d, %d", \
        p, t, s, v["echoserverp", "churn_50"], v["echoservert", "churn_50"], v["echoservers", "churn_50"])
    say("Process-based: high overhead in adding/removing clients", fig,
        p > 1.5 * t && p > 1.5 * s ? sprintf("[agrees with the lecture]: a fork per client costs %.1fx a thread'"'"'s CPU", ratio(p, t)) \
        : "[CONTRADICTS the lecture]: the process server does not cost clearly more per connection here")
    say("Thread-based: medium overhead", fig,
        s < t && t < p ? "[agrees with the lecture]: between the event loop and the process server" \
        : "[CONTRADICTS the lecture]: the thread server is not between the event loop and the process server")
}

# "Very low overhead" (events): the least CPU per line and per connection.
function event_overhead(   s, t, p, fig) {
    if (!has("echoservers", "cpu_mline_100") || !has("echoservert", "cpu_mline_100") ||
        !has("echoserverp", "cpu_mline_100") || !has("echoservers", "churn_cpu_50")) {
        say("Event-based: very low overhead", "CPU per line and per connection",
            "[not measurable here]: no server CPU figures (no /proc?)")
        return
    }
    s = v["echoservers", "cpu_mline_100"]; t = v["echoservert", "cpu_mline_100"]
    p = v["echoserverp", "cpu_mline_100"]
    fig = sprintf("server CPU s per million lines at 100 clients: event %s, thread %s, process %s; churn CPU per 1000 connections: event %s", \
        s, t, p, v["echoservers", "churn_cpu_50"])
    say("Event-based: very low overhead", fig,
        s <= t && s <= p && v["echoservers", "churn_cpu_50"] <= v["echoservert", "churn_cpu_50"] \
        ? "[agrees with the lecture]: the least CPU per line and per connection of the three" \
        : "[CONTRADICTS the lecture]: another model spends less CPU per line or per connection here")
}

# "Process control twice as expensive as thread control" (spawncost).
function spawn_claim(   r, fig) {
    if (!has("spawncost", "ratio")) {
        say("Process control (creating and reaping) twice as expensive as thread control",
            "spawncost", "[not measurable here]: spawncost did not run")
        return
    }
    r = v["spawncost", "ratio"]
    fig = sprintf("spawncost: process %.1f us, thread %.1f us: %.1fx", v["spawncost", "process_ns"] / 1000, \
        v["spawncost", "thread_ns"] / 1000, r)
    say("Process control (creating and reaping) twice as expensive as thread control", fig,
        r >= 1.5 && r <= 3 ? "[agrees with the lecture]" \
        : sprintf("[CONTRADICTS the lecture]: %.0fx, not 2x: fork copies the page tables and the kernel tears down a whole address space per process, while this libc caches thread stacks; the slide measured an old kernel on small processes (docs/measurements.md)", r))
}

# "Does not make use of multi-core" (claim 5) and our answer to it (6),
# CPU-bound: with 200 us of work per line the load generator needs little
# CPU, so the servers can have the machine'"'"'s other cores. The select loop
# must stay within one; the loop per core, the threads and the processes
# (MULTICORE) must each keep more than 1.5 busy, where the machine has
# them to give.
function multicore_claims(   c5, c6, s, b, fig, i, m, ok, k, ratio_e) {
    c5 = "Event-based: does not make use of multi-core"
    c6 = "(ours) One event loop per core makes use of multi-core, as threads and processes do"
    if (!has("echoservers", "work_cores_200")) {
        say(c5, "server cores, CPU-bound (200 us per line, 50 clients)",
            "[not measurable here]: no CPU-bound figures (no /proc, or this run did not measure them)")
        say(c6, "the same", "[not measurable here]: no CPU-bound figures")
        return
    }
    s = v["echoservers", "work_cores_200"]; b = v["echoservers", "work_bench_cores_200"]
    fig = sprintf("CPU-bound, 200 us of CPU per line, 50 clients: echoservers kept %s cores busy, %d lines/s, %s of this machine'"'"'s limit (echobench took %s cores)", \
        s, v["echoservers", "work_lines_200"], v["echoservers", "work_share_200"], b)
    say(c5, fig, s <= 1.05 ? "[agrees with the lecture]: one thread, at most one core, even with work to spare" \
        : "[CONTRADICTS the lecture]: the one-thread loop used more than a core")
    fig = "cores kept busy, same load:"; ok = 1; k = 0
    for (i = 1; i <= nm; i++) {
        m = multi[i]
        if (!has(m, "work_cores_200")) continue
        k++
        fig = fig sprintf(" %s %s (%d lines/s);", m, v[m, "work_cores_200"], v[m, "work_lines_200"])
        if (v[m, "work_cores_200"] <= 1.5) ok = 0
    }
    if (has("echoservere", "work_lines_200") && v["echoservers", "work_lines_200"] > 0)
        fig = fig sprintf(" echoservere reached %.2fx echoservers'"'"' lines/s", \
            v["echoservere", "work_lines_200"] / v["echoservers", "work_lines_200"])
    if (k == 0 || ncpu - b < 1.6)
        say(c6, fig, sprintf("[not measurable here]: %d CPUs, less echobench'"'"'s %s cores, leave no second core to fill", ncpu, b))
    else
        say(c6, fig, ok ? "[agrees]: every multi-threaded or multi-process server kept more than 1.5 cores busy" \
            : "[CONTRADICTS]: a multi-threaded or multi-process server kept 1.5 cores or fewer busy")
}

# "Event-based: total control over scheduling" against "Thread-based: not
# much control over scheduling policies", from the fairness run: 64
# clients, 16 lines in flight each, pools of 16. Jain'"'"'s index over all 64
# (zeros included) and the starved count, always side by side.
function fair_of(list, n,   i, s, out) {
    for (i = 1; i <= n; i++) {
        s = list[i]
        if (has(s, "fair_jain"))
            out = out sprintf(" %s %s (%s starved, least %s, most %s);", s, v[s, "fair_jain"], \
                v[s, "fair_starved"], v[s, "fair_least"], v[s, "fair_most"])
    }
    return out
}
# The lowest index in list (2 when none), and how many were starved in all.
function worst_jain(list, n,   i, w) {
    w = 2; starved_sum = 0
    for (i = 1; i <= n; i++)
        if (has(list[i], "fair_jain")) {
            if (v[list[i], "fair_jain"] < w) w = v[list[i], "fair_jain"]
            starved_sum += v[list[i], "fair_starved"]
        }
    return w
}
function fairness_claims(   c9, c10, ev, ev_starved, th, th_starved, fig, pool_fig) {
    c9 = "Event-based: total control over scheduling"
    c10 = "Thread-based: not much control over scheduling policies"
    ev = worst_jain(event, ne); ev_starved = starved_sum
    th = worst_jain(perconn, np); th_starved = starved_sum
    if (ev > 1) {
        say(c9, "fairness: 64 clients, 16 lines in flight each", "[not measurable here]: no fairness figures (this run did not measure them)")
        say(c10, "the same", "[not measurable here]: no fairness figures")
        return
    }
    fig = "fairness, 64 clients x 16 lines in flight, no work: Jain'"'"'s index over all 64 clients:" fair_of(event, ne)
    say(c9, fig, ev >= 0.9 && ev_starved == 0 \
        ? "[agrees with the lecture]: one read per ready client per round served every client alike" \
        : "[CONTRADICTS the lecture]: the event loop served its clients unevenly or left one out")
    if (th > 1) {
        say(c10, "a thread or process per client", "[not measurable here]: no fairness figures for them")
        return
    }
    fig = "left to the kernel (a thread or process per client):" fair_of(perconn, np)
    pool_fig = fair_of(pools, npl)
    if (pool_fig != "") fig = fig " pools of 16:" pool_fig
    if (th < ev - 0.05 || th_starved > 0)
        say(c10, fig, sprintf("[agrees with the lecture]: left to the kernel, the clients were served less evenly (index %s against the loop'"'"'s %s)", th, ev))
    else
        say(c10, fig, sprintf("[no difference measured]: the kernel served every connection as evenly as the loop (index %s against %s); the lack of control shows in the pools, where clients beyond the pool get nothing until a worker is free", th, ev))
}

# "Fundamental flaw of iterative servers" and the "blocking problems" of
# select.c: a bystander'"'"'s wait while another client holds half a line.
function bystander_claims(   i, fig, s, ok) {
    if (!has("echoserveri", "bystander_ms")) { # numbers stay the same
        say("Fundamental flaw of iterative servers (the second client blocks)", "bystander wait",
            "[not measurable here]: this run did not measure it")
        say("Concurrent servers answer others while one client holds half a line", "the same",
            "[not measurable here]: this run did not measure it")
        return
    }
    fig = sprintf("bystander wait: echoserveri %s", v["echoserveri", "bystander_ms"])
    say("Fundamental flaw of iterative servers (the second client blocks)", fig,
        v["echoserveri", "bystander_ms"] == "blocked" ? "[agrees with the lecture]: no echo until the first client left" \
        : "[CONTRADICTS the lecture]: the bystander was served at once")
    ok = 1; fig = "bystander wait (ms):"
    for (i = 1; i <= ns; i++) {
        s = servers[i]
        if (s == "echoserveri" || !has(s, "bystander_ms")) continue
        fig = fig " " s " " v[s, "bystander_ms"]
        if (v[s, "bystander_ms"] == "blocked") ok = 0
    }
    say("Concurrent servers answer others while one client holds half a line", fig,
        ok ? "[agrees with the lecture]: every concurrent model served the bystander" \
        : "[CONTRADICTS the lecture]: a concurrent model kept the bystander waiting")
}

END {
    ncpu = ENVIRON["NCPU"] + 0
    # The concurrent servers, from the one server list (bench/run.sh).
    ns = split(ENVIRON["CONCURRENT"], servers, " ")
    # Which servers use several cores, which are event loops, which leave
    # each client to the kernel (a thread or process each), which are pools.
    nm = split(ENVIRON["MULTICORE"], multi, " ")
    ne = split(ENVIRON["EVENT"], event, " ")
    np = split(ENVIRON["PERCONN"], perconn, " ")
    npl = split(ENVIRON["POOLS"], pools, " ")
    print "\n## The lecture'"'"'s claims, measured here\n"
    churn_claims(); event_overhead(); spawn_claim(); multicore_claims(); bystander_claims()
    fairness_claims()
    print "\nNot measured, shown instead (no verdict):"
    print "- \"Event-based: tedious and low level\": echoservers.c and echo_step.c against echoservert.c."
    print "- \"Thread-based: difficult to debug\", \"easy to share resources: perhaps too easy\":"
    print "  ./race, ./deadlock, ./livelock and ./starvation (make demo, their steps; make"
    print "  check-tsan names the first two, and no checker sees the other two)."
    print "- \"Process-based: hard to share resources\": echoserverp_pre.c shares one total"
    print "  through a MAP_SHARED page and C11 atomics."
    print "- select.c'"'"'s \"blocking problems\": ./select stops reading stdin while it echoes a client"
    print "  (tests/test_events.c shows it; echoservers fixes it, as claim 8 measures)."
    print "- Memory per idle client and clients held: our figures, in the last table above."
}' "$1"
