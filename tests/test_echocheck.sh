#!/bin/sh
# test_echocheck.sh - the checks that hold for any echo server live once,
# in ./echocheck; here it holds every server of the suite to them (every
# check must pass, under the model tests/servers.txt gives it), and each
# broken server of tests/broken/ must fail exactly the checks of its one
# defect, in its group, while the group's other checks pass: proof that
# each of those checks can fail. Then echocheck's own contract: exit
# statuses, -h, a server that never listens, -j's JSON, and no process it
# started outliving it, Ctrl-C included.
# echocheck's output is captured (its FAIL lines are not this test's);
# a failed expectation shows it, indented. Runs go two or three at a
# time; every bound is stretched by TEST_TIME_SCALE.
# Prints "PASS echocheck NAME", "FAIL ..." or "SKIP ...", one per test.
# Run from the top of the tree: tests/test_echocheck.sh [SERVER...]
# (make test passes the servers held to the contract; default: the list).
. tests/serverlist.sh
scale=${TEST_TIME_SCALE:-1}
tmp=${TMPDIR:-/tmp}/test_echocheck.$$
failed=0
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS echocheck $1"; }
skip() { echo "SKIP echocheck $1"; echo "    $2"; }
# fail NAME WHY [FILE]: the failure, then FILE (echocheck's output) indented.
fail() {
    echo "FAIL echocheck $1"
    echo "    $2"
    [ -n "${3:-}" ] && sed 's/^/    | /' "$3" | head -n 60
    failed=1
}

if [ ! -x ./echocheck ]; then
    echo "FAIL echocheck built"
    echo "    no ./echocheck: make builds it"
    exit 1
fi

# ASan and TSan cannot start under an address-space limit.
flags=""
# Sanitized servers write their reports into the tree, which an isolated
# server may not: under a sanitizer, no isolation (tests/test_isolate.sh
# is where it is tested).
case ${TEST_SANITIZER:-} in address | thread) flags="--no-mem-limit --no-isolate" ;; esac

# ---- Running echocheck in the background, bounded ----

# bounded SECONDS OUT CMD...: runs CMD with its output in OUT and its exit
# status in OUT.status ("timeout" if it ran longer than SECONDS, scaled:
# then it gets SIGINT, which echocheck must answer by cleaning up).
bounded() {
    limit=$(($1 * scale)) out=$2
    shift 2
    "$@" >"$out" 2>&1 &
    pid=$!
    ( i=0
      while kill -0 "$pid" 2>/dev/null; do
          sleep 1
          i=$((i + 1))
          [ "$i" -ge "$limit" ] && { echo timeout >"$out.timeout"; kill -INT "$pid"; }
      done ) &
    watch=$!
    wait "$pid"
    echo $? >"$out.status"
    wait "$watch"
    [ -f "$out.timeout" ] && echo timeout >"$out.status"
}

# At most $jobs runs at once (ECHOCHECK_JOBS sets it). A run mostly waits
# on its clients' bounded waits (21 s of CPU in 115 s, one at a time), so
# eight share two cores and the script takes about 65 s instead of 115;
# under a sanitizer each run costs several times the CPU: three.
if [ -n "${TEST_SANITIZER:-}" ]; then jobs=3; else jobs=8; fi
jobs=${ECHOCHECK_JOBS:-$jobs} running=""
# spawn: waits for a free slot (the oldest run to end) when $jobs run.
spawn() {
    set -- $running
    if [ $# -ge "$jobs" ]; then
        wait "$1"
        shift
        running="$*"
    fi
}
# run_bg OUT ARGS...: ./echocheck ARGS in the background (see spawn).
run_bg() {
    out=$1
    shift
    spawn
    bounded 120 "$tmp/$out" ./echocheck $flags "$@" &
    running="$running $!"
}

# The checks of a run that said WORD (PASS, FAIL, SKIP): group/name, sorted.
said() { sed -n "s|^$1 \\([a-z-]*/[a-z0-9-]*\\).*|\\1|p" "$2" | sort | tr '\n' ' '; }

# ---- A fault judged once: issue 27's fixtures (first: the longest runs) ----

# A broken server's sanitizer reports are its defect's, not ours: kept
# apart from the reports that fail a sanitizer run.
broken_env() {
    mkdir -p "$tmp/reports"
    for v in ASAN_OPTIONS TSAN_OPTIONS UBSAN_OPTIONS; do
        eval "val=\${$v:-}"
        [ -n "$val" ] &&
            echo "$v=$(echo "$val" | sed "s|log_path=[^:]*|log_path=$tmp/reports/b|")"
    done
}

# fixture NAME KEY C ARGS...: a run whose every failure has one root
# cause, KEY, shown by the first check and "not judged" in the others (its
# sanitizer reports kept apart, as a broken server's); C: c when the
# advice must be C's too, notc when it must not be, - either way.
: >"$tmp/fixtures.list"
fixture() {
    echo "$1 $2 $3" >>"$tmp/fixtures.list"
    name=$1
    shift 3
    spawn
    # shellcheck disable=SC2046 # one assignment per word
    bounded 120 "$tmp/fixture.$name" env $(broken_env) ./echocheck $flags "$@" &
    running="$running $!"
}
fixture stdio held-output c -g echo -- tests/bin/broken_stdio {port}
fixture one_client one-client c -g echo -- tests/bin/broken_one_client {port}
# EBADF with one client at a time (a double close): the wrapper's exit,
# not the shared descriptor of connfd_close's threads.
fixture close_twice exiting-wrapper c -g echo -- tests/bin/broken_connfd_close {port} twice
# The suite's servers under a model they do not serve.
fixture claim_one not-one - -m one -g concurrency -- ./echoservert {port}
fixture claim_pool not-a-pool - -m pool=2 -g concurrency -- ./echoservert {port}
fixture claim_bigger_pool pool-short c -m pool=4 -g concurrency -- ./echoservert_pre {port} 2 2
# A script's uncaught error: the runtime's report is the evidence.
# (name, the runtime's mark, how it runs; built into tests/bin once.)
runtimes() {
    cat <<'EOF'
python Traceback python3 tests/broken/uncaught.py
node Unhandled node tests/broken/uncaught.js
java Exception java -cp tests/bin/java Uncaught
rust panicked tests/bin/broken_uncaught_rs
EOF
}
# built OUT SRC: OUT exists and SRC is not newer (a build kept).
built() { [ -e "$1" ] && [ -z "$(find "$2" -newer "$1")" ]; }
# build_runtime NAME: 0 when its fixture can run here (built if need be).
build_runtime() {
    case $1 in
    python) command -v python3 >/dev/null ;;
    node) command -v node >/dev/null ;;
    java)
        command -v javac >/dev/null && command -v java >/dev/null || return 1
        built tests/bin/java/Uncaught.class tests/broken/Uncaught.java ||
            javac -d tests/bin/java tests/broken/Uncaught.java ;;
    rust)
        command -v rustc >/dev/null || return 1
        built tests/bin/broken_uncaught_rs tests/broken/uncaught.rs ||
            rustc -o tests/bin/broken_uncaught_rs tests/broken/uncaught.rs ;;
    esac
}
: >"$tmp/runtimes.skip"
runtimes >"$tmp/runtimes"
while read -r rt mark cmd; do
    if build_runtime "$rt" >"$tmp/build.$rt" 2>&1; then
        # one client at a time: the error ends it in the robustness group
        # shellcheck disable=SC2086 # the command's words
        fixture "uncaught_$rt" uncaught-error notc -m one -g robustness -- $cmd {port}
    else
        echo "$rt" >>"$tmp/runtimes.skip"
    fi
done <"$tmp/runtimes"

# ---- The suite's servers: every check passes ----

servers=""
for s in "$@"; do servers="$servers ${s#./}"; done
[ -n "$servers" ] || servers=$(server_names | tr '\n' ' ')

# The valgrind run checks the single-threaded servers under memcheck here
# too (its resources group excepted: valgrind's own threads and
# descriptors are not the server's).
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
            good "$name@$g" -m $model -g $g -- $wrap ./$name {port} $args
        done
        good "$name@resources" -m $model -g resources -- ./$name {port} $args
    else
        good "$name" -m $model -- ./$name {port} $args
    fi
done
# A correct server that, as a runtime does, starts two threads of its own
# under load and keeps them: not a thread per client (lingering's are).
good runtime_threads -g resources -- tests/bin/broken_runtime_threads {port}

# ---- The broken servers: exactly their defect's checks fail ----

# name, the group of its defect, the checks of that group it must fail.
# keep_connfd fails two: the descriptors it keeps are back neither after
# 50 clients nor, under a limit of 64, ever (accept fails for good);
# lingering's threads, alive after their clients left, hold threads,
# descriptors and stacks, and those 64 too. short_read's 1-byte reads
# are an empty line's and a byte's per segment; text_decode changes the
# random block's bytes too; spin_eof never closes what it spins on.
expected() {
    cat <<'EOF'
rio_copy     concurrency  lines-in-one-segment
blocking     concurrency  half-line-delays-nobody
connfd_addr  concurrency  hundred-clients
connfd_close concurrency  hundred-clients
sigpipe      robustness   close-before-echo vanish-echo-pending
keep_connfd  resources    fds-back fd-limit-64
zombies      resources    no-zombies
reap_once    resources    no-zombies
undetached   resources    maps-not-grown
lingering    resources    threads-back fds-back maps-not-grown fd-limit-64
short_read   echo         empty-line byte-at-a-time
text_decode  echo         not-utf8 random-4mb
queue_drop   echo         half-close-unread
no_backpressure resources bounded-memory
spin_eof     resources    fds-back idle-cpu
add_newline  echo         no-final-newline
EOF
}

# ThreadSanitizer holds a signal handler back while the only thread waits
# in accept (see test_models.c): keep_connfd's SIGCHLD reaping would be
# late, and no-zombies fail too. And it slows a server so that in the
# check's time no_backpressure takes some 25 MB, far from the 256 MiB a
# sanitizer's memory is allowed to grow (--no-mem-limit). Both are
# checked in the other runs.
not_here() {
    [ "${TEST_SANITIZER:-}" = thread ] || return 0
    case $1 in
    keep_connfd) echo "TSan defers SIGCHLD handlers in accept; see the plain and ASan runs" ;;
    no_backpressure) echo "under TSan it takes too little in the check's time to outgrow a sanitizer's 256 MiB; see the plain and ASan runs" ;;
    esac
}

expected >"$tmp/expected"
awk '{ print $1 }' "$tmp/expected" >"$tmp/broken.list"
for name in $(cat "$tmp/broken.list"); do
    [ -n "$(not_here "$name")" ] && continue
    group=$(expected | awk -v n="$name" '$1 == n { print $2 }')
    spawn
    # shellcheck disable=SC2046 # one assignment per word
    bounded 120 "$tmp/broken.$name" env $(broken_env) \
        ./echocheck $flags -g "$group" -- "tests/bin/broken_$name" &
    running="$running $!"
done

# The root causes each must name, and no other (a regex of keys of
# checker/causes.c): sigpipe's server dies of SIGPIPE, or its wrapper
# exits when the write fails with ECONNRESET instead; connfd_addr's lost
# clients show as cross-talk or as unanswered ones; connfd_close, the
# same race with exiting wrappers, dies of EBADF: a shared descriptor. keep_connfd's and
# lingering's later failures are their first one's fault, not judged
# again; lingering's threads are alive, never "undetached".
causes() {
    cat <<'EOF'
rio_copy     segment-lines-lost
blocking     blocking-read
connfd_addr  crowd-unanswered|cross-talk
connfd_close shared-descriptor
sigpipe      sigpipe|exiting-wrapper
keep_connfd  fds-left
zombies      never-reaps
reap_once    reaps-one-per-signal
undetached   undetached
lingering    threads-left
short_read   one-byte-read-ends
text_decode  text-decoding
queue_drop   half-close-drops-echo
no_backpressure no-back-pressure
spin_eof     busy-after-eof
add_newline  newline-added
EOF
}

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
run_bg json.start -j "$tmp/start.json" -- false
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

# A tenth of a second where sleep takes fractions (POSIX promises whole
# seconds only).
nap() { sleep 0.1 2>/dev/null || sleep 1; }

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

# A broken server's run: status 1, its defect's checks failed, the
# group's others passed (or skipped as not of its model).
while read -r name group want; do
    out=$tmp/broken.$name
    want=$(for c in $want; do echo "$group/$c"; done | sort | tr '\n' ' ')
    label="broken_${name}_fails_only_$(echo "$want" | sed 's|[a-z]*/||g; s/ *$//; s/ /_and_/g')"
    why=$(not_here "$name")
    if [ -n "$why" ]; then
        skip "$label" "$why"
        continue
    fi
    st=$(cat "$out.status")
    fails=$(said FAIL "$out")
    skipped_wanted=$(for c in $want; do grep "^SKIP $c" "$out"; done)
    others=$(grep -E '^(PASS|FAIL|SKIP) ' "$out" | grep -v '^PASS ' | grep -v '(model ' |
        grep -v -F "$(echo "$want" | tr ' ' '\n' | sed '/^$/d; s/^/FAIL /')")
    if [ -n "$skipped_wanted" ]; then
        skip "$label" "echocheck skipped it here: $skipped_wanted"
    elif [ "$st" = 1 ] && [ "$fails" = "$want" ] && [ -z "$others" ]; then
        pass "$label"
    else
        fail "$label" "status $st (want 1); failed: ${fails:-none} (want $want)" "$out"
    fi
done <"$tmp/expected"

# roots OUT: the keys of the root causes a run named, one a line.
roots() { sed -n '/^== root causes$/,/^[0-9]* passed/p' "$1" | sed -n 's/^\([a-z-]*\): .*/\1/p'; }

# A broken server's root causes: its own, no other.
causes >"$tmp/causes"
while read -r name keys; do
    [ -n "$(not_here "$name")" ] && continue
    got=$(roots "$tmp/broken.$name")
    wrong=$(echo "$got" | grep -v -x -E "$keys")
    if [ -n "$got" ] && [ -z "$wrong" ]; then
        pass "broken_${name}_root_cause_is_its_own"
    else
        fail "broken_${name}_root_cause_is_its_own" "root causes: $(echo "$got" | tr "\n" " "), want only $keys" "$tmp/broken.$name"
    fi
done <"$tmp/causes"

# The evidence a cause stands on, in a broken server's run (echocheck's
# words; its lines joined, as they wrap): the busy thread named with its
# CPU use, the memory measured, the wrapper's EBADF quoted still.
evidence() {
    cat <<'EOF'
spin_eof        busy_thread_named  busy: process [0-9]* (broken_spin_eof), its first thread, alive, using [0-9]*% of a core
no_backpressure memory_measured    seen: its memory (PSS, summed over its processes) was [0-9.]* MiB after a warm-up client, [0-9.]* MiB
queue_drop      half_close_said    then shut down the sending side
connfd_close    ebadf_quoted       a wrapper reported an error: > [a-z_]*: Bad file descriptor
EOF
}
evidence >"$tmp/evidence"
while read -r name what words; do
    [ -n "$(not_here "$name")" ] && continue
    if tr '\n' ' ' <"$tmp/broken.$name" | sed 's/  */ /g' | grep -q -e "$words"; then
        pass "broken_${name}_shows_$what"
    else
        fail "broken_${name}_shows_$what" "no \"$words\" in its output" "$tmp/broken.$name"
    fi
done <"$tmp/evidence"

# Issue 27's fixtures: one root cause, KEY; its first check carries the
# evidence and one likely cause, every other FAIL says "not judged"; the
# advice is C's only where the server is C.
while read -r name key lang; do
    out=$tmp/fixture.$name
    label="fixture_${name}_is_judged_once_as_$(echo "$key" | tr - _)"
    st=$(cat "$out.status")
    got=$(roots "$out" | tr '\n' ' ')
    first=$(grep '^FAIL ' "$out" | head -n 1)
    judged=$(grep '^FAIL ' "$out" | sed 1d | grep -v -c ': not judged: ')
    causes_said=$(grep -c 'likely cause: ' "$out")
    why=""
    [ "$st" = 1 ] || why="status $st, want 1"
    [ "$got" = "$key " ] || why="$why; root causes: ${got:-none}, want $key"
    case $first in *"not judged"* | "") why="$why; the first FAIL is not judged" ;; esac
    [ "$judged" = 0 ] || why="$why; $judged later FAIL(s) judged again"
    [ "$causes_said" = 1 ] || why="$why; $causes_said likely causes, want 1"
    case $name in
    uncaught_*)
        mark=$(awk -v r="${name#uncaught_}" '$1 == r { print $2 }' "$tmp/runtimes")
        grep -q "^    > .*$mark" "$out" || why="$why; the runtime's report ($mark) not quoted" ;;
    esac
    case $lang in
    notc) ! grep -q -E 'in C with|csapp|Rio_|pthread' "$out" || why="$why; C advice to a server not in C" ;;
    c) grep -q 'in C with csapp' "$out" || why="$why; no C advice to a C server" ;;
    esac
    if [ -z "$why" ]; then
        pass "$label"
    else
        fail "$label" "${why#; }" "$out"
    fi
done <"$tmp/fixtures.list"
while read -r rt; do
    skip "fixture_uncaught_${rt}_is_judged_once_as_uncaught_error" \
        "no $rt toolchain here: $(head -n 1 "$tmp/build.$rt")"
done <"$tmp/runtimes.skip"

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
# A server that never started: the start entry failed, and every check
# listed, not judged, each scoring 0.
j=$tmp/start.json
if json_whole "$j" && grep -q '^    {"name": "start", "status": "failed", "score": 0' "$j" &&
    grep -q '"output": "not judged: the server never listened"' "$j" &&
    ! grep -q '"score": 1' "$j" && grep -q '^  "score": 0$' "$j"; then
    pass json_lists_every_check_for_a_server_that_never_started
else
    fail json_lists_every_check_for_a_server_that_never_started \
        "want every check failed and not judged, the start failed, score 0" "$j"
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
