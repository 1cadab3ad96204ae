#!/bin/sh
# test_broken.sh - each broken server of tests/broken/ must fail exactly
# the checks of its one defect, in its group, while the group's other
# checks pass: proof that each of those checks can fail. Each gets its
# own root cause and no other, with the evidence it stands on; issue 27's
# fixtures (a fault shown by many checks) are judged once. echocheck's
# output is captured (its FAIL lines are not this test's); a failed
# expectation shows it, indented. Runs go several at a time (see
# echocheck_lib.sh); every bound is stretched by TEST_TIME_SCALE.
# Prints "PASS echocheck NAME", "FAIL ..." or "SKIP ...", one per test.
# Run from the top of the tree: tests/test_broken.sh
. tests/echocheck_lib.sh

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
    # shellcheck disable=SC2046 # one assignment per word
    launch "$tmp/fixture.$name" env $(broken_env) ./echocheck $flags "$@"
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
# A server that never accepts: nothing comes back, and no check guesses
# past that (one client at a time, a crowd refused). Not a fixture()
# above: "nothing came back" is the fault itself, with no likely cause.
launch "$tmp/no_accept" ./echocheck $flags -g concurrency -- tests/bin/broken_no_accept {port}
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
    # shellcheck disable=SC2046 # one assignment per word
    launch "$tmp/broken.$name" env $(broken_env) \
        ./echocheck $flags -g "$group" -- "tests/bin/broken_$name"
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

# ---- The verdicts, as the runs end ----

wait

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

# The server that never accepts: its one root cause is no-echo, shown by
# the first FAIL; every later FAIL is not judged; no likely cause at all.
out=$tmp/no_accept
fails=$(grep -c '^FAIL ' "$out")
if [ "$(cat "$out.status")" = 1 ] && [ "$(roots "$out" | tr '\n' ' ')" = "no-echo " ] &&
    [ "$fails" -ge 4 ] && [ "$(grep '^FAIL ' "$out" | sed 1d | grep -c -v ': not judged: nothing came back at all$')" = 0 ] &&
    ! grep -q 'likely cause' "$out"; then
    pass never_accepting_server_is_judged_once_as_no_echo
else
    fail never_accepting_server_is_judged_once_as_no_echo \
        "want status 1, the one root cause no-echo, the later FAILs not judged, no likely cause" "$out"
fi

[ "$failed" -eq 0 ]
