#!/bin/sh
# repeat.sh - the repeat proofs of issue 29 (make check-repeat; CI runs
# it, make test does not: it takes minutes). A verdict must not depend on
# luck:
#   - every broken fixture (tests/broken) gets the same verdicts and root
#     causes 5 times in a row, in the group of its defect;
#   - every suite server (tests/servers.txt) and every correct server of
#     the corpus (tests/corpus/corpus.txt, where it is present and what it
#     needs is installed) passes echocheck --repeat 5: no FAIL, no FLAKY;
#   - all the while two other echocheck runs load the machine: the
#     fixtures' runs, two lanes of them, and once those are done a plain
#     run of a suite server again and again.
# Servers run three at a time beside the two lanes. Prints "PASS repeat
# NAME", "FAIL ..." or "SKIP ...", then "N passed, N failed".
# Run from the top of the tree, everything built: tests/repeat.sh
. tests/serverlist.sh
scale=${TEST_TIME_SCALE:-1}
tmp=${TMPDIR:-/tmp}/repeat.$$
passed=0 failed=0
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# within SECONDS OUT CMD...: CMD, its output in OUT, its exit status in
# OUT.status; interrupted (SIGINT, which echocheck answers by cleaning
# up) once SECONDS, scaled, are up, and OUT.late says so.
within() {
    w_secs=$(($1 * scale)) w_out=$2 # (names of its own: callers keep theirs)
    shift 2
    "$@" >"$w_out" 2>&1 &
    w_pid=$!
    (t=0
     while kill -0 "$w_pid" 2>/dev/null && [ "$t" -lt "$w_secs" ]; do
         sleep 1 && t=$((t + 1))
     done
     kill -0 "$w_pid" 2>/dev/null && echo late >"$w_out.late" && kill -INT "$w_pid") \
        >/dev/null 2>&1 &
    w_guard=$!
    wait "$w_pid"
    echo $? >"$w_out.status"
    wait "$w_guard"
}

# The fixtures: name, the group of its defect, echocheck's other options.
fixtures() {
    cat <<'EOF'
stdio        echo
one_client   echo
rio_copy     concurrency
blocking     concurrency
connfd_addr  concurrency
sigpipe      robustness
keep_connfd  resources
zombies      resources
reap_once    resources
undetached   resources
lingering    resources
short_read   echo
text_decode  echo
queue_drop   echo
no_backpressure resources
spin_eof     resources
uncaught_py  robustness  -m one
EOF
}

# What a run said: its verdict lines (word and check) and root causes.
verdicts() {
    grep -E '^(PASS|FAIL|FLAKY|SKIP) [a-z-]+/[a-z0-9-]+' "$1" |
        sed 's|^\([A-Z]*\) \([a-z-]*/[a-z0-9-]*\).*|\1 \2|'
    sed -n '/^== root causes$/,$ s|^\([a-z-]*\): .*|cause \1|p' "$1"
}

# lane FIXTURE...: each fixture 5 times in a row, its verdicts compared
# with its first run's; then load until the servers are done.
lane() {
    for name in "$@"; do
        set -- $(fixtures | awk -v n="$name" '$1 == n { $1 = ""; print }')
        group=$1
        shift
        cmd="tests/bin/broken_$name {port}"
        [ "$name" = uncaught_py ] && cmd="python3 tests/broken/uncaught.py {port}"
        for i in 1 2 3 4 5; do
            # shellcheck disable=SC2086 # the command's words
            within 120 "$tmp/fix.$name.$i" ./echocheck "$@" -g "$group" -- $cmd
            verdicts "$tmp/fix.$name.$i" >"$tmp/fix.$name.$i.v"
        done
    done
    while [ ! -e "$tmp/done" ]; do
        within 120 "$tmp/load.$$" ./echocheck -g concurrency -- ./echoservert {port}
    done
}

# judge_fixture NAME: PASS when its 5 runs said the same, and failed.
judge_fixture() {
    first=$tmp/fix.$1.1
    if [ ! -s "$first.v" ] || ! grep -q '^FAIL' "$first.v"; then
        say FAIL "fixture_$1_fails" "its first run failed no check" "$first"
        return
    fi
    for i in 2 3 4 5; do
        if ! cmp -s "$first.v" "$tmp/fix.$1.$i.v"; then
            say FAIL "fixture_$1_same_5_times" "run $i differs from run 1:" \
                "$tmp/fix.$1.$i"
            diff "$first.v" "$tmp/fix.$1.$i.v" | sed 's/^/    /'
            return
        fi
    done
    say PASS "fixture_$1_same_5_times"
}

# say WORD NAME [WHY [FILE]]: a result line, WHY and FILE indented.
say() {
    [ "$1" = SKIP ] && { echo "SKIP repeat $2 $3"; return; }
    echo "$1 repeat $2"
    [ -n "${3:-}" ] && echo "    $3"
    [ -n "${4:-}" ] && sed 's/^/    | /' "$4" | grep -v '^    | PASS' | head -n 40
    case $1 in PASS) passed=$((passed + 1)) ;; FAIL) failed=$((failed + 1)) ;; esac
}

# The correct servers: name, then echocheck's arguments. The suite's,
# then the corpus's whose needs are here (a compiled one once built).
correct_servers() {
    for name in $(server_names); do
        case $(server_trait "$name" serves) in
        one) echo "$name -m one -- ./$name {port}" ;;
        pool) echo "$name -m pool=4 -- ./$name {port} $(server_pool_args "$name" 4)" ;;
        *) echo "$name -- ./$name {port}" ;;
        esac
    done
    [ -f tests/corpus/corpus.txt ] || return 0
    grep -v '^#' tests/corpus/corpus.txt |
        while read -r name needs kind model _fails _cause command; do
            [ "$kind" = correct ] || continue
            # shellcheck disable=SC2086 # the command's words
            set -- $command
            case $needs in
            cc | rustc) built=$1 ;;
            java) built=tests/bin/corpus/$4.class ;; # java -cp DIR CLASS
            *) built="" ;;
            esac
            if [ -n "$built" ] && [ ! -e "$built" ]; then
                echo "$name SKIP not built ($built): make check-corpus builds it"
                continue
            elif [ -z "$built" ] && ! command -v "$needs" >/dev/null; then
                echo "$name SKIP no $needs here"
                continue
            fi
            echo "corpus_$name -m $model -- $command"
        done
}

# server_lane FILE: each server of FILE (lines of correct_servers) with
# --repeat 5.
server_lane() {
    while read -r name args; do
        case $args in SKIP*) continue ;; esac
        # shellcheck disable=SC2086 # its arguments' words
        within 600 "$tmp/srv.$name" ./echocheck --repeat 5 $args
    done <"$1"
}

judge_server() {
    out=$tmp/srv.$1
    if [ -f "$out.late" ]; then
        say FAIL "server_$1_passes_repeat_5" "it ran past its time" "$out"
    elif [ "$(cat "$out.status")" != 0 ] || grep -qE '^(FAIL|FLAKY)' "$out"; then
        say FAIL "server_$1_passes_repeat_5" "a FAIL or FLAKY line, or exit status $(cat "$out.status")" "$out"
    elif ! grep -q '^[0-9]* passed, 0 failed' "$out"; then
        say FAIL "server_$1_passes_repeat_5" "no last line" "$out"
    else
        say PASS "server_$1_passes_repeat_5"
    fi
}

fixtures | awk '{ print $1 }' >"$tmp/fixtures"
if ! command -v python3 >/dev/null; then
    say SKIP fixture_uncaught_py_same_5_times "(no python3 here)"
    grep -v uncaught_py "$tmp/fixtures" >"$tmp/f" && mv "$tmp/f" "$tmp/fixtures"
fi
correct_servers >"$tmp/servers"
start=$(date +%s)
lane $(awk 'NR % 2 == 1' "$tmp/fixtures") &
lane1=$!
lane $(awk 'NR % 2 == 0' "$tmp/fixtures") &
lane2=$!
for k in 0 1 2; do
    awk -v k=$k 'NR % 3 == k' "$tmp/servers" >"$tmp/servers.$k"
done
server_lane "$tmp/servers.1" &
s1=$!
server_lane "$tmp/servers.2" &
s2=$!
server_lane "$tmp/servers.0"
wait "$s1" "$s2"
touch "$tmp/done"
wait "$lane1" "$lane2"

for name in $(cat "$tmp/fixtures"); do judge_fixture "$name"; done
while read -r name args; do
    case $args in
    SKIP*) say SKIP "server_${name}_passes_repeat_5" "(${args#SKIP })" ;;
    *) judge_server "$name" ;;
    esac
done <"$tmp/servers"
echo "repeat proofs took $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
