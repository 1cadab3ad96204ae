# bench/verdict.sh FIGURES - the slides' measurable claims, each with the
# figure that tests it and a verdict computed from this run's figures
# (bench/measure.sh writes them): [agrees with the lecture], [CONTRADICTS
# the lecture] with the reason, or [not measurable here] with the reason.
# Claims that no figure can test point at the code or demo step that shows
# them, without a verdict. Run by bench/run.sh after the tables, with NCPU
# (the machine's cores) and CONCURRENT (the servers of tests/servers.txt
# that serve more than one client at once) in the environment.
awk -F'\t' '
{ v[$1, $2] = $3; if ($2 == "cores_1000" && $1 ~ /loops$/) loops[$1] = $3 }

function has(s, k) { return ((s, k) in v) && v[s, k] != "n/a" && v[s, k] != "" }
function say(claim, figure, verdict) {
    n++
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
        : sprintf("[CONTRADICTS the lecture]: %.0fx, not 2x: fork copies the page tables and the kernel tears down a whole address space per process, while this libc caches thread stacks; the slide measured an old kernel on small processes (README, Measurements)", r))
}

# "Does not make use of multi-core": the select loop stays within one core;
# the per-core loop is the answer, if the machine leaves it a core.
function multicore_claim(   s, b, e, fig, best, k) {
    if (!has("echoservers", "cores_1000")) {
        say("Event-based: does not make use of multi-core", "server cores at 1000 clients",
            "[not measurable here]: no server CPU figures (no /proc?)")
        return
    }
    s = v["echoservers", "cores_1000"]; b = v["echoservers", "bench_cores_1000"]
    fig = sprintf("echoservers kept %s cores busy at 1000 clients (echobench %s)", s, b)
    say("Event-based: does not make use of multi-core", fig,
        s <= 1.05 ? "[agrees with the lecture]: one thread, at most one core" \
        : "[CONTRADICTS the lecture]: the one-thread loop used more than a core")
    best = 0
    for (k in loops) if (loops[k] > best) best = loops[k]
    if (best == 0 && !has("echoservere", "cores_1000"))
        return
    if (has("echoservere", "cores_1000") && v["echoservere", "cores_1000"] > best) best = v["echoservere", "cores_1000"]
    fig = sprintf("echoservere (one loop per core) kept %s cores busy at most (echobench took %s)", best, b)
    if (best > 1.1)
        say("(ours) One event loop per core makes use of multi-core", fig, "[agrees]: more than one core busy")
    else if (b >= 0.8 && ncpu_left() < 1.2)
        say("(ours) One event loop per core makes use of multi-core", fig,
            "[not measurable here]: the load generator takes a core of this machine'"'"'s few, leaving the server about one")
    else
        say("(ours) One event loop per core makes use of multi-core", fig, "[CONTRADICTS]: the loops stayed within one core")
}
function ncpu_left() { return ncpu - v["echoservers", "bench_cores_1000"] }

# "Fundamental flaw of iterative servers" and the "blocking problems" of
# select.c: a bystander'"'"'s wait while another client holds half a line.
function bystander_claims(   i, fig, s, ok) {
    if (!has("echoserveri", "bystander_ms")) return
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
    print "\n## The lecture'"'"'s claims, measured here\n"
    churn_claims(); event_overhead(); spawn_claim(); multicore_claim(); bystander_claims()
    print "\nNot measured, shown instead (no verdict):"
    print "- \"Event-based: tedious and low level\": echoservers.c and echo_step.c against echoservert.c."
    print "- \"Thread-based: difficult to debug\", \"easy to share resources: perhaps too easy\":"
    print "  ./race and ./deadlock (make demo, their steps; make check-tsan names both bugs)."
    print "- \"Process-based: hard to share resources\": echoserverp_pre.c shares one total"
    print "  through a MAP_SHARED page and C11 atomics."
    print "- select.c'"'"'s \"blocking problems\": ./select stops reading stdin while it echoes a client"
    print "  (tests/test_events.c shows it; echoservers fixes it, as the last claim above measures)."
    print "- Memory per idle client and clients held: our figures, in the last table above."
}' "$1"
