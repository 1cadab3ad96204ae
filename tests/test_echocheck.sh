#!/bin/sh
# test_echocheck.sh - the checks that hold for any echo server live once,
# in ./echocheck; here it holds every server of the suite to them (every
# check must pass, under the model tests/servers.txt gives it). Then
# echocheck's own contract: exit statuses, -h, a server that never
# listens, -j's JSON, "not provoked" and FLAKY, and no process it
# started outliving it, Ctrl-C included. (The broken servers, each
# failing its own checks: tests/test_broken.sh.)
# echocheck's output is captured (its FAIL lines are not this test's);
# a failed expectation shows it, indented. Runs go several at a time (see
# echocheck_lib.sh); every bound is stretched by TEST_TIME_SCALE.
# Prints "PASS echocheck NAME", "FAIL ..." or "SKIP ...", one per test.
# Run from the top of the tree: tests/test_echocheck.sh [SERVER...]
# (make test passes the servers held to the contract; default: the list).
. tests/echocheck_lib.sh

# ---- The suite's servers: every check passes ----

servers=""
for s in "$@"; do servers="$servers ${s#./}"; done
[ -n "$servers" ] || servers=$(server_names | tr '\n' ' ')

# The valgrind run checks the single-threaded servers under memcheck here
# too (its resources group excepted: valgrind's own threads and
# descriptors are not the server's), not isolated: memcheck writes its
# log into the reports folder, which an isolated server's uid may not.
valgrind_wrap() {
    case " ${TEST_VALGRIND:-} " in
    *" $1 "*) echo "valgrind --leak-check=full --errors-for-leak-kinds=definite" \
        "--log-file=${TEST_VALGRIND_LOGS:-$tmp}/$1.%p.log" ;;
    esac
}

# good RUN ARGS...: a run on a suite server, listed for the verdicts.
good() {
    key=$(echo "$1" | tr / _)
    echo "$key" >>"$tmp/good.list"
    shift
    run_bg "good.$key" "$@"
}
: >"$tmp/good.list"
for name in $servers; do
    base=${name%%-*} # echoservere-poll is echoservere built otherwise
    model=many args=""
    case $(server_trait "$base" serves) in
    one) model=one ;;
    pool) model=pool=4 args=$(server_pool_args "$base" 4) ;;
    esac
    wrap=$(valgrind_wrap "$name")
    if [ -n "$wrap" ]; then
        for g in echo concurrency robustness shutdown; do
            good "$name@$g" -m $model -g $g --no-isolate -- $wrap ./$name {port} $args
        done
        good "$name@resources" -m $model -g resources -- ./$name {port} $args
    else
        good "$name" -m $model -- ./$name {port} $args
    fi
done
# A correct server that, as a runtime does, starts two threads of its own
# under load and keeps them: not a thread per client (lingering's are).
good runtime_threads -g resources -- tests/bin/broken_runtime_threads {port}

# ---- echocheck's own contract, meanwhile ----

# No {port} in the command: said, and a usage message quoted with the
# command line as the cause.
run_bg start.usage -- ./echoserveri 15213

# A server that exits at once, or never listens: one line, no checks.
run_bg start.false -- false
run_bg start.exit3 -- sh -c 'exit 3'
run_bg start.silent -- sleep 600
# -j on a run with a failure and on a server that never started.
run_bg json.zombies -g resources -j "$tmp/zombies.json" -- tests/bin/broken_zombies
run_bg json.start -j "$tmp/start.json" --junit "$tmp/start.xml" -- false
# -v: the exact command line started, its port in place of {port}.
run_bg verbose -v -g shutdown -- ./echoservert {port}
# -j on a good server, model one: the skipped checks listed too.
run_bg json.good -m one -g concurrency -j "$tmp/good.json" -- ./echoserveri {port}

# Issue 29: a check that did not provoke what it tests fails as "not
# provoked" (an iterative server, claimed many, never holds 64
# descriptors); --repeat: a command that starts a broken server and a
# correct one by turns is FLAKY in every check, K and N in its JSON.
# (The turns are kept in a file outside the server's folder: a write an
# isolated server may not make, hence --no-isolate.)
run_bg provoke.fdlimit -g resources -- ./echoserveri {port}
flip=$tmp/flip
run_bg repeat.flaky --no-isolate --repeat 2 -g echo -j "$tmp/flaky.json" -- sh -c \
    "if [ -e $flip ]; then rm $flip; exec ./echoservert \"\$1\"; else : >$flip; exec tests/bin/broken_one_client \"\$1\"; fi" \
    sh {port}


# json_whole FILE: the results file is whole: it opens and closes, and
# each entry has name, status, score, max_score and output.
json_whole() {
    [ "$(head -n 1 "$1" 2>/dev/null)" = "{" ] && [ "$(tail -n 1 "$1")" = "}" ] &&
        n=$(grep -c '^    {"name": ' "$1") && [ "$n" -gt 0 ] &&
        [ "$(grep -c '"status": "[a-z]*ed", "score": [0-9]*, "max_score": [01], "output": ' "$1")" = "$n" ]
}

# Ctrl-C in the middle of a run: echocheck and everything it started end.
# alive_in_group PGID: how many of its processes run. A zombie has ended:
# where pid 1 reaps nothing (some containers), orphans stay zombies.
alive_in_group() {
    ps -A -o pgid= -o stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/' | wc -l
}
sigint_leaves_nothing() {
    ./echocheck $flags -j "$tmp/sigint.json" -- ./echoserverp {port} >"$tmp/sigint.out" 2>&1 &
    ec=$!
    server="" i=0
    # The server: a child of echocheck that leads a process group of its
    # own (before its setpgid, it would still be in ours).
    while [ -z "$server" ] && [ $i -lt $((50 * scale)) ]; do
        nap
        i=$((i + 1))
        server=$(ps -A -o pid= -o ppid= -o pgid= |
            awk -v p="$ec" '$2 == p && $1 == $3 { print $1; exit }')
        # (between two instances, the one found may have just ended)
        [ -n "$server" ] && [ "$(alive_in_group "$server")" -eq 0 ] && server=""
    done
    if [ -z "$server" ]; then
        kill -INT "$ec"
        wait "$ec"
        fail sigint_leaves_no_process_behind "no server running within 5 s" "$tmp/sigint.out"
        return
    fi
    group=$server
    at_sigint=$(alive_in_group "$group")
    kill -INT "$ec"
    i=0
    while kill -0 "$ec" 2>/dev/null && [ $i -lt $((30 * scale)) ]; do
        nap
        i=$((i + 1))
    done
    if kill -0 "$ec" 2>/dev/null; then
        kill -KILL "$ec"
        fail sigint_leaves_no_process_behind "echocheck still ran 3 s after SIGINT"
        return
    fi
    wait "$ec"
    ec_status=$?
    # SIGKILL is sent, but a big process (ASan's shadow memory) takes a
    # moment to be torn down: a second's grace.
    i=0
    while [ "$(alive_in_group "$group")" -gt 0 ] && [ $i -lt $((10 * scale)) ]; do
        nap
        i=$((i + 1))
    done
    left=$(alive_in_group "$group")
    if grep -q "^== shutdown" "$tmp/sigint.out"; then
        skip sigint_leaves_no_process_behind "echocheck had finished before the SIGINT came"
        return
    fi
    if [ "$left" -ne 0 ]; then
        fail sigint_leaves_no_process_behind \
            "1 s after echocheck ended on SIGINT, $left process(es) of the server's group $group remain" \
            "$tmp/sigint.out"
    else
        pass sigint_leaves_no_process_behind
        echo "    $at_sigint process(es) in the server's group at SIGINT, none after"
    fi
    # The results file: whole, with the checks not run yet still pending.
    if [ "$ec_status" = 130 ] && json_whole "$tmp/sigint.json" &&
        grep -q '"output": "pending: not run yet"' "$tmp/sigint.json"; then
        pass sigint_exits_130_with_whole_json
    else
        fail sigint_exits_130_with_whole_json "status $ec_status, want 130 and a whole results file with pending checks" \
            "$tmp/sigint.json"
    fi
    # The output says so, and ends with the tally so far.
    if grep -q '^== interrupted' "$tmp/sigint.out" &&
        tail -n 1 "$tmp/sigint.out" | grep -q '^[0-9]* passed, [0-9]* failed'; then
        pass sigint_ends_with_the_tally_so_far
    else
        fail sigint_ends_with_the_tally_so_far "want '== interrupted...' and 'N passed, N failed' last" "$tmp/sigint.out"
    fi
}
sigint_leaves_nothing

# Usage: -h and --help on stdout, status 0; errors on stderr, status 2.
for h in -h --help; do
    ./echocheck $h >"$tmp/help.out" 2>"$tmp/help.err"
    st=$?
    if [ $st -eq 0 ] && grep -q '^usage: ' "$tmp/help.out" && [ ! -s "$tmp/help.err" ]; then
        pass "help_${h#--}_prints_usage_on_stdout_and_exits_0"
    else
        fail "help_${h#--}_prints_usage_on_stdout_and_exits_0" \
            "status $st, want 0 and a usage line on stdout only" "$tmp/help.out"
    fi
done
bad=0
for args in "" "-m" "-m two -- ./echoserveri" "-m pool=0 -- ./echoserveri" \
    "-g nosuch -- ./echoserveri" "-x -- ./echoserveri" "-m one" \
    "--repeat 0 -- ./echoserveri" "--repeat -- ./echoserveri"; do
    # shellcheck disable=SC2086 # the words are the arguments
    ./echocheck $args >"$tmp/usage.out" 2>"$tmp/usage.err"
    st=$?
    if [ $st -ne 2 ] || ! grep -q 'usage' "$tmp/usage.err" || [ -s "$tmp/usage.out" ]; then
        fail usage_errors_exit_2 "./echocheck $args: status $st, want 2 and a usage line on stderr only" \
            "$tmp/usage.err"
        bad=1
        break
    fi
done
[ $bad -eq 0 ] && pass usage_errors_exit_2

# ---- The verdicts, as the runs end ----

wait

# A suite server's run: every check passed, in every group.
while read -r what; do
    out=$tmp/good.$what
    st=$(cat "$out.status" 2>/dev/null)
    fails=$(said FAIL "$out" 2>/dev/null)
    last=$(tail -n 1 "$out" 2>/dev/null)
    if [ "$st" = 0 ] && [ -z "$fails" ] && grep -q '^== ' "$out" &&
        echo "$last" | grep -q '^[0-9]* passed, 0 failed'; then
        pass "${what}_passes_every_check"
    else
        fail "${what}_passes_every_check" "status $st, failed: ${fails:-none}" "$out"
    fi
done <"$tmp/good.list"

# Not provoked: that check failed as such, with that cause, the others
# passed; the cause says it is echocheck's fault.
out=$tmp/provoke.fdlimit
if [ "$(cat "$out.status")" = 1 ] && [ "$(said FAIL "$out")" = "resources/fd-limit-64 " ] &&
    grep -q '^FAIL resources/fd-limit-64: not provoked: the limit of 64' "$out" &&
    grep -q "echocheck's fault, not the server's" "$out" &&
    grep -q '^not-provoked: ' "$out"; then
    pass fd_limit_64_unreached_is_not_provoked
else
    fail fd_limit_64_unreached_is_not_provoked "want only fd-limit-64 failed, as not provoked, status 1" "$out"
fi
# FLAKY: every echo check failed 1 of 2 runs; the JSON holds K and N.
out=$tmp/repeat.flaky
n_echo=$(grep -c '^FLAKY echo/[a-z0-9-]*: failed 1 of 2 runs$' "$out")
if [ "$(cat "$out.status")" = 1 ] && [ "$n_echo" -ge 7 ] && [ -z "$(said PASS "$out")" ] &&
    grep -q '^flaky: ' "$out" && grep -q 'often a race in' "$out" &&
    [ "$(grep -c '"extra_data": {"failed_runs": 1, "runs": 2}' "$tmp/flaky.json")" = "$n_echo" ]; then
    pass repeat_shows_a_varying_outcome_as_flaky
else
    fail repeat_shows_a_varying_outcome_as_flaky "want every echo check FLAKY, 1 of 2 runs, and so in the JSON" "$out"
fi

# No {port}: said at the start; the usage message quoted, the command
# line named as the cause, with the command.
out=$tmp/start.usage
if grep -q '^no {port} in the command: added [0-9]* as its last argument$' "$out" &&
    grep -q '^    | usage: echoserveri' "$out" &&
    grep -q '^    the command: \./echoserveri 15213 [0-9]*$' "$out" &&
    grep -q 'likely cause: the command line it was given' "$out" &&
    [ "$(roots "$out")" = usage ]; then
    pass a_usage_message_at_start_names_the_command_line
else
    fail a_usage_message_at_start_names_the_command_line \
        "want the appended port said, the usage quoted, the command and its cause" "$out"
fi

if grep -q '^\.\. started on port \([0-9]*\) (pid [0-9]*): \./echoservert \1$' "$tmp/verbose"; then
    pass verbose_shows_the_command_line_started
else
    fail verbose_shows_the_command_line_started "want \".. started on port N (pid P): ./echoservert N\"" "$tmp/verbose"
fi

# A server that never became ready: one FAIL line, the tally, status 1.
start_verdict() {
    out=$tmp/start.$1
    st=$(cat "$out.status")
    if [ "$st" = 1 ] && [ "$(grep -c '^FAIL ' "$out")" = 1 ] &&
        grep -q "^FAIL start: .*$2" "$out" && [ "$(tail -n 1 "$out")" = "0 passed, 1 failed" ] &&
        ! grep -q '^PASS ' "$out"; then
        pass "$3"
    else
        fail "$3" "status $st, want 1, one \"FAIL start: ...$2\" line and \"0 passed, 1 failed\"" "$out"
    fi
}
start_verdict false "exit status 1" server_that_exits_1_gets_one_line
start_verdict exit3 "exit status 3" server_that_exits_3_gets_one_line
start_verdict silent "not listening" server_that_never_listens_gets_one_line

# -j: a tests array of name, score, max_score, output; a total score; one
# entry per check (a skipped one too), score 0 for the failed one.
json_verdict() {
    j=$tmp/$1.json out=$tmp/json.$1
    passed=$(grep -c '^PASS ' "$out")
    entries=$(grep -o '"max_score"' "$j" 2>/dev/null | wc -l)
    names=$(grep -o '"name"' "$j" 2>/dev/null | wc -l)
    outputs=$(grep -o '"output"' "$j" 2>/dev/null | wc -l)
    ran=$(grep -c -E '^(PASS|FAIL) ' "$out")
    if [ -f "$j" ] && grep -q '"tests" *: *\[' "$j" && [ "$entries" = "$2" ] &&
        [ "$names" -ge "$2" ] && [ "$outputs" -ge "$2" ] &&
        [ "$(grep -o '"score" *: *[0-9.]*' "$j" | wc -l)" -ge $(($2 + 1)) ] &&
        tr -d '\n' <"$j" | grep -q "\"score\" *: *$passed *}$" &&
        tr -d '\n' <"$j" | grep -q "$3"; then
        pass "$4"
    else
        fail "$4" "want $2 entries (run: $ran checks) with name, score, max_score, output, a total score, and /$3/" "$j"
    fi
}
json_verdict zombies 7 '"name" *: *"resources/no-zombies"[^}]*"score" *: *0[^.1-9]' \
    json_scores_every_check_run_and_the_failure_0
# A server that never started: the start entry failed, worth nothing (so
# the total is out of as many points as a run's that listened), and every
# check listed, not judged, each scoring 0.
j=$tmp/start.json
if json_whole "$j" && grep -q '^    {"name": "start", "status": "failed", "score": 0, "max_score": 0,' "$j" &&
    grep -q '"output": "not judged: the server never listened"' "$j" &&
    ! grep -q '"score": 1' "$j" && grep -q '^  "score": 0$' "$j"; then
    pass json_lists_every_check_for_a_server_that_never_started
else
    fail json_lists_every_check_for_a_server_that_never_started \
        "want every check failed and not judged, the start failed, score 0" "$j"
fi
# The JUnit file of that run lists the same: start and every check.
n_json=$(grep -c '^    {"name": ' "$j")
n_xml=$(grep -c '<testcase ' "$tmp/start.xml" 2>/dev/null)
if [ "$n_json" -gt 1 ] && [ "$n_xml" = "$n_json" ]; then
    pass junit_lists_every_check_for_a_server_that_never_started
else
    fail junit_lists_every_check_for_a_server_that_never_started \
        "$n_xml test cases in the JUnit file, $n_json entries in the JSON" "$tmp/start.xml"
fi
# Every check listed, a skipped one scoring 0 of 0 with "SKIP: why"; the
# root causes in the top-level output (none for a good server).
j=$tmp/good.json out=$tmp/json.good
skips=$(grep -c '^SKIP ' "$out")
if json_whole "$j" && [ "$skips" -gt 0 ] &&
    [ "$(grep -c '"score": 0, "max_score": 0, "output": "SKIP: model one"' "$j")" = "$skips" ] &&
    [ "$(grep -c '"status": "passed", "score": 1, "max_score": 1' "$j")" = "$(grep -c '^PASS ' "$out")" ] &&
    grep -q '^  "output": "",$' "$j"; then
    pass json_lists_skipped_checks_with_score_0_of_0
else
    fail json_lists_skipped_checks_with_score_0_of_0 "want $skips skips at 0 of 0 with SKIP: model one, an empty output" "$j"
fi
if grep -q '^  "output": "never-reaps: ' "$tmp/zombies.json"; then
    pass json_output_names_the_root_cause
else
    fail json_output_names_the_root_cause "want the top-level output to name never-reaps" "$tmp/zombies.json"
fi

[ "$failed" -eq 0 ]

