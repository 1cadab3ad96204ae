#!/bin/sh
# test_gradescope.sh - the Gradescope autograder as Gradescope runs it:
# build/gradescope.zip unpacked (by zipstore, and checked by unzip where
# it is installed), setup.sh run once, then run_autograder on a folder
# laid out as /autograder (source/, submission/, results/; through
# AUTOGRADER_ROOT) for a correct submission, a broken one
# (tests/broken/sigpipe.c), one that does not build (in a folder of its
# own, as a zip of a folder unpacks), one that hangs
# (stopped at the time limit), and run_autograder killed by SIGKILL in
# the middle. Every results.json must parse (tests/bin/jsoncheck) and
# hold the right score and words. Also echocheck's --points and --check,
# which the autograder relies on.
# Run from the top of the tree by make check-gradescope (it builds what
# this needs). Prints "PASS gradescope NAME", "FAIL ..." or "SKIP ...",
# then "N passed, N failed".
scale=${TEST_TIME_SCALE:-1}
tmp=${TMPDIR:-/tmp}/test_gradescope.$$
suite=$(pwd)
passed=0 failed=0
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS gradescope $1"; passed=$((passed + 1)); }
skip() { echo "SKIP gradescope $1 ($2)"; }
# fail NAME WHY [FILE]: the failure, then FILE indented.
fail() {
    echo "FAIL gradescope $1"
    echo "    $2"
    [ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/    | /' "$3" | head -n 40
    failed=$((failed + 1))
}

# ---- The zip, unpacked as Gradescope does, set up once ----

zip=$tmp/zip
mkdir "$zip"
if ! build/zipstore -x build/gradescope.zip "$zip" >"$tmp/unpack.txt" 2>&1; then
    fail zip_unpacks "zipstore -x failed" "$tmp/unpack.txt"
    echo "$passed passed, $failed failed"
    exit 1
fi
if [ -x "$zip/run_autograder" ] && [ -f "$zip/setup.sh" ] && [ -f "$zip/Makefile" ]; then
    pass zip_holds_setup_and_run_autograder_at_its_root
else
    fail zip_holds_setup_and_run_autograder_at_its_root "missing or not executable" 
fi
if command -v unzip >/dev/null 2>&1; then
    if unzip -t build/gradescope.zip >"$tmp/unzip.txt" 2>&1; then
        pass zip_passes_unzip_t
    else
        fail zip_passes_unzip_t "unzip -t refused it" "$tmp/unzip.txt"
    fi
else
    skip zip_passes_unzip_t "no unzip installed"
fi
# Where make and cc are present setup.sh installs nothing: no network.
if (cd "$zip" && sh ./setup.sh) >"$tmp/setup.txt" 2>&1 &&
    [ -x "$zip/echocheck" ] && ! grep -q 'installing' "$tmp/setup.txt"; then
    pass setup_builds_echocheck_without_installing
else
    fail setup_builds_echocheck_without_installing "setup.sh failed" "$tmp/setup.txt"
fi

# ---- run_autograder on a folder laid out as /autograder ----

# layout NAME SUBMISSION [SETTING...]: $tmp/NAME as /autograder, with a
# copy of the unpacked zip (its objects kept up to date: cp -p), a copy
# of SUBMISSION, and each SETTING appended to assignment.conf.
layout() {
    root=$tmp/$1
    mkdir -p "$root/results"
    cp -Rp "$zip" "$root/source"
    cp -R "$2" "$root/submission"
    shift 2
    for setting in "SERVER='./echoserver {port}'" "$@"; do
        echo "$setting" >>"$root/source/assignment.conf"
    done
}

# grade LIMIT: runs run_autograder on $root, killed after LIMIT seconds
# (scaled) by a watcher; $root/out holds its output.
grade() {
    AUTOGRADER_ROOT=$root sh "$root/source/run_autograder" >"$root/out" 2>&1 &
    pid=$!
    ( i=0
      while kill -0 "$pid" 2>/dev/null; do
          sleep 0.1
          i=$((i + 1))
          [ "$i" -ge $(($1 * scale * 10)) ] &&
              { echo "run_autograder ran over $1 s" >>"$root/out"; kill -KILL "$pid"; }
      done ) &
    watch=$!
    wait "$pid"
    wait "$watch"
}

# results NAME: results.json parses; prints its score into $root/score.
results() {
    if ! tests/bin/jsoncheck "$root/results/results.json" >"$root/score" 2>&1; then
        fail "$1" "results.json is not valid JSON" "$root/score"
        return 1
    fi
}

# has NAME TEXT: results.json holds TEXT, else the test fails.
has() {
    grep -q -F -e "$2" "$root/results/results.json" && return 0
    fail "$1" "results.json lacks: $2" "$root/results/results.json"
    return 1
}

# score_is NAME WANT: NAME passes when results.json's score is WANT.
score_is() {
    if [ "$(cat "$root/score")" = "$2" ]; then
        pass "$1"
    else
        fail "$1" "score $(cat "$root/score"), want $2" "$root/results/results.json"
    fi
}

# The sum of every test's max_score in results.json.
max_total() {
    sed -n 's/.*"max_score": \([0-9]*\).*/\1/p' "$root/results/results.json" |
        awk '{ s += $1 } END { print s + 0 }'
}

# A correct server: every check passes, weighted by the sample rubric.
layout good tests/gradescope/good
grade 60
name=correct_submission_gets_every_point
if results $name; then
    total=$(max_total)
    count=$(grep -c '"max_score"' "$root/results/results.json")
    if [ "$(cat "$root/score")" = "$total" ] && [ "$total" -gt "$count" ] &&
        has $name '"name": "echo/short-line", "status": "passed", "score": 2, "max_score": 2'; then
        pass $name
    elif [ "$(cat "$root/score")" != "$total" ] || [ "$total" -le "$count" ]; then
        fail $name "score $(cat "$root/score") of $total ($count checks)" "$root/results/results.json"
    fi
fi

# A broken server of tests/broken/ (built by make from sigpipe.c; the
# build copies it in): SIGPIPE ends it. vanish-echo-pending fails it
# every time; close-before-echo nearly always (a server scheduled late
# can write before the client's close), so only the sums are held.
layout broken tests/gradescope/good "OPTIONS='-g robustness'" \
    "BUILD='cp \"$suite/tests/bin/broken_sigpipe\" echoserver'"
grade 60
name=broken_submission_loses_the_checks_it_fails
if results $name &&
    has $name '"name": "robustness/vanish-echo-pending", "status": "failed", "score": 0, "max_score": 3' &&
    has $name SIGPIPE; then
    got=$(sed -n 's/.*"score": \([0-9]*\), "max_score".*/\1/p' "$root/results/results.json" |
        awk '{ s += $1 } END { print s + 0 }')
    if [ "$got" -lt "$(max_total)" ]; then
        score_is $name "$got" # the total is the sum of the checks' scores
    else
        fail $name "score $got of $(max_total): no check failed" "$root/results/results.json"
    fi
fi

# A submission that does not build: 0, and the compiler's words. It is
# uploaded as a zip of one folder: run_autograder builds inside it.
layout nobuild tests/gradescope/nobuild
mv "$root/submission" "$root/hw5" && mkdir "$root/submission" &&
    mv "$root/hw5" "$root/submission/hw5"
grade 60
name=unbuildable_submission_gets_0_and_the_error
if results $name && has $name 'did not build' && has $name undeclared_port_variable; then
    score_is $name 0
fi

# A server that listens and never answers: the time limit stops it all.
layout hang tests/gradescope/hang "TIME_LIMIT=3"
grade 60
name=hanging_submission_is_stopped_at_the_time_limit
if results $name && has $name 'did not finish within 3 s'; then
    # The hanging server, if still running: found by its executable (under
    # isolation it knows its pid only as its own namespace numbers it).
    exe=$(cd "$root/submission" && pwd -P)/echoserver
    left=$(for p in /proc/[0-9]*; do
        [ "$(readlink "$p/exe" 2>/dev/null)" = "$exe" ] && echo "${p#/proc/}"
    done)
    if [ "$(cat "$root/score")" != 0 ]; then
        fail $name "score $(cat "$root/score"), want 0" "$root/results/results.json"
    elif [ -n "$left" ]; then
        fail $name "the hanging server (pid $left) is still running" "$root/out"
        kill -KILL $left
    else
        pass $name
    fi
fi

# run_autograder killed by SIGKILL while the checks run.
layout killed tests/gradescope/good
AUTOGRADER_ROOT=$root sh "$root/source/run_autograder" >"$root/out" 2>&1 &
pid=$!
i=0
while [ ! -s "$root/work/pid" ] || [ ! -f "$root/work/echocheck.txt" ]; do
    i=$((i + 1))
    [ "$i" -gt $((300 * scale)) ] && break
    sleep 0.1
done
sleep 0.5
kill -KILL "$pid"
wait "$pid" 2>/dev/null
name=results_json_survives_sigkill
if results $name && has $name 'did not finish'; then
    score_is $name 0
fi
# Its timelimit and echocheck outlive it: stop them, as Gradescope would
# by ending the container (timelimit passes SIGTERM on).
orphan=$(cat "$root/work/pid" 2>/dev/null)
if [ -n "$orphan" ]; then
    kill -TERM "$orphan" 2>/dev/null
    i=0
    while kill -0 "$orphan" 2>/dev/null && [ "$i" -lt $((50 * scale)) ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -0 "$orphan" 2>/dev/null && fail timelimit_stops_on_sigterm "pid $orphan lives"
fi

# ---- echocheck's rubric and single checks ----

ec=$zip/echocheck
server=$tmp/good/submission/echoserver
name=points_file_errors_exit_2_naming_the_line
printf '# c\necho/crlf 2\nconcurrency/nope 1\n' >"$tmp/p1.txt"
printf 'echo/crlf two\n' >"$tmp/p2.txt"
printf 'echo/crlf 1 # ok\necho/crlf 1\n' >"$tmp/p3.txt"
ok=1
for f in p1:3:concurrency/nope p2:1:two p3:2:twice; do
    file=${f%%:*} rest=${f#*:}
    "$ec" --points "$tmp/$file.txt" -- "$server" >"$tmp/err.txt" 2>&1
    st=$?
    if [ "$st" != 2 ] || ! grep -q "$file.txt:${rest%%:*}: .*${rest#*:}" "$tmp/err.txt"; then
        fail $name "$file.txt: exit status $st, want 2 naming line ${rest%%:*}" "$tmp/err.txt"
        ok=0
    fi
done
[ $ok = 1 ] && pass $name

name=check_runs_one_check_with_its_exit_status
"$ec" --check echo/crlf -- "$server" '{port}' >"$tmp/one.txt" 2>&1
st1=$?
"$ec" --check robustness/vanish-echo-pending -- "$suite/tests/bin/broken_sigpipe" \
    '{port}' >"$tmp/two.txt" 2>&1
st2=$?
"$ec" --check echo/nope -- "$server" >"$tmp/three.txt" 2>&1
st3=$?
if [ $st1 = 0 ] && [ "$(grep -c '^PASS' "$tmp/one.txt")" = 1 ] &&
    grep -q '^PASS echo/crlf$' "$tmp/one.txt" && [ $st2 = 1 ] &&
    [ "$(grep -c '^FAIL\|^PASS' "$tmp/two.txt")" = 1 ] && [ $st3 = 2 ]; then
    pass $name
else
    fail $name "exit statuses $st1 $st2 $st3, want 0 1 2; one line each" "$tmp/one.txt"
    sed 's/^/    | /' "$tmp/two.txt" "$tmp/three.txt"
fi

name=points_reach_the_junit_xml
printf 'echo/crlf 3\n' >"$tmp/p4.txt"
"$ec" --check echo/crlf --points "$tmp/p4.txt" --junit "$tmp/one.xml" -- \
    "$server" '{port}' >"$tmp/four.txt" 2>&1
if grep -q '<property name="points" value="3"/><property name="score" value="3"/>' \
    "$tmp/one.xml"; then
    pass $name
else
    fail $name "no points 3, score 3 in the testcase's properties" "$tmp/one.xml"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
