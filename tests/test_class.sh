#!/bin/sh
# test_class.sh - echocheck --class on a small class built in a temporary
# folder: a correct server, a broken one (tests/broken), a folder whose
# build fails, a server that never listens, one that crashes at start
# printing bytes no XML may hold, one whose name holds a space, quotes
# and '<', one that prints its usage and exits, and one (a ' in its name)
# whose build makes no server. Checked: each status and its why (the
# server's own words), each submission's files, class.csv and class.html
# (escaping, links only to files there, shares of those checked), the
# command line shown as sh takes it back, --junit parsed by a standard
# XML parser (python3; SKIP without it), --list, --only into the report,
# --time-limit, the usage errors (2) and Ctrl-C (130, nothing left
# running).
#   tests/test_class.sh          the quick part (make test, about 30 s)
#   tests/test_class.sh --full   make check-class: the same class with -P 1
#                                and -P 4 gives the same matrix; a server
#                                forking without end and one filling memory
#                                are stopped and named (one run's own
#                                memory cap too); 30 correct C
#                                submissions with -P 2, timed, and a mixed
#                                class of 30 (docs/measurements.md has the
#                                figures)
#   tests/test_class.sh --full PART   one of them: p_independence,
#                                excesses, memory_cap, speed, mixed
# Prints "PASS class NAME", "FAIL ..." or "SKIP ...", one per test.
# Run from the top of the tree, after make.
scale=${TEST_TIME_SCALE:-1}
top=$(pwd)
tmp=${TMPDIR:-/tmp}/test_class.$$
failed=0
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS class $1"; }
skip() { echo "SKIP class $1 ($2)"; }
# fail NAME WHY [FILE]: the failure, then FILE indented.
fail() {
    echo "FAIL class $1"
    echo "    $2"
    [ -n "${3:-}" ] && sed 's/^/    | /' "$3" | head -n 40
    failed=1
}
# expect NAME CONDITION... : PASS when the command succeeds.
expect() {
    name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name" "not true: $*" "$tmp/last.out"; fi
}

flags=""
# Sanitized servers write their reports into the tree, which an isolated
# server may not: under a sanitizer, no isolation (tests/test_isolate.sh
# is where it is tested).
case ${TEST_SANITIZER:-} in address | thread) flags="--no-mem-limit --no-isolate" ;; esac

# ---- The class ----

# sub NAME MAKE-RECIPE [SERVER-SCRIPT]: a submission whose make runs the
# recipe; with a script, make writes it as ./server.
sub() {
    d="$tmp/subs/$1"
    mkdir -p "$d"
    if [ -n "${3:-}" ]; then
        printf '%s\n' "$3" >"$d/server.in"
        printf 'server: server.in\n\tcp server.in server && chmod +x server\n' >"$d/Makefile"
    else
        printf 'server:\n\t%s\n' "$2" >"$d/Makefile"
    fi
}
# link NAME BINARY: a submission whose make links a server of the tree.
link() { sub "$1" "ln -sf '$top/$2' server"; }

weird="we'ird <name> \"x\""
link good echoservere
link sigpipe tests/bin/broken_sigpipe
link "$weird" echoservert
sub nobuild 'echo the build fails here; exit 3'
sub hang - '#!/bin/sh
while :; do sleep 1; done'
sub crash - '#!/bin/sh
printf "bad bytes \001\002\033[31m \377\376 <&> \"q\" ]]>\n"
kill -SEGV $$'
sub usage - '#!/bin/sh
echo "$0: wrong arguments:" >&2
echo "usage: $0 <host> <port>" >&2
exit 2'
noserver="no'server"
sub "$noserver" true # builds, but no ./server: the commonest mistake

# class OUT ARGS...: one class run into OUT, bounded (SIGINT at $bound
# seconds, 200 unless set); its output in OUT.log, its exit status in
# OUT.rc.
class() {
    out=$1
    shift
    ./echocheck --class "$tmp/subs" --build 'make -s -C {dir}' -o "$out" $flags "$@" \
        -- '{dir}/server' '{port}' >"$out.log" 2>&1 &
    pid=$!
    # The watch ends within a second of the run (a long sleep left behind
    # would hold whatever pipe the output goes to).
    ( i=0 limit=$((${bound:-200} * scale))
      while kill -0 "$pid" 2>/dev/null; do
          sleep 1
          i=$((i + 1))
          [ "$i" -ge "$limit" ] && { kill -INT "$pid" 2>/dev/null; break; }
      done ) >/dev/null 2>&1 &
    watch=$!
    wait "$pid"
    echo $? >"$out.rc"
    wait "$watch" 2>/dev/null
    cp "$out.log" "$tmp/last.out"
}

# status OUT NAME: the status column of NAME's row in OUT/class.csv.
status() {
    awk -F'"' -v n="$2" '$2 == n { split($3, f, ","); print f[2] }' \
        "$1/class.csv"
}
# matrix OUT: class.csv without the time and note columns.
matrix() {
    awk -F, 'BEGIN { OFS = "," } { $5 = ""; $NF = ""; print }' "$1/class.csv"
}

quick() {
    out=$tmp/out
    t0=$(date +%s)
    class "$out" -P 2
    mixed_t=$(($(date +%s) - t0))
    expect exit_0 [ "$(cat "$out.rc")" = 0 ]
    for pair in good:checked sigpipe:checked nobuild:"build failed" \
                hang:"never listened" crash:"crashed at start" \
                usage:"never listened" "$noserver:never listened"; do
        name=${pair%%:*} want=${pair#*:}
        got=$(status "$out" "$name")
        if [ "$got" = "$want" ]; then pass "status_$name"
        else fail "status_$name" "want '$want', got '$got'" "$out/class.csv"; fi
    done
    got=$(grep -F '"we'"'"'ird <name> ""x"""' "$out/class.csv" | cut -d, -f2)
    if [ "$got" = checked ]; then pass csv_quotes_a_weird_name
    else fail csv_quotes_a_weird_name "its row: $got" "$out/class.csv"; fi
    expect sigpipe_fails_its_checks grep -q '^"sigpipe",checked,[0-9]*,[1-9].*,failed,' "$out/class.csv"
    expect good_fails_none grep -q '^"good",checked,[0-9]*,0,' "$out/class.csv"
    expect crash_names_the_signal grep -q '"crash",crashed at start,.*SIGSEGV' "$out/class.csv"
    expect hang_says_why grep -q '"hang",never listened,.*not listening' "$out/class.csv"
    ok=1
    for f in echocheck.txt build.txt results.json junit.xml status.txt; do
        [ -s "$out/$weird/$f" ] || { ok=0; echo "no $f" >"$tmp/last.out"; }
    done
    expect files_of_a_weird_name [ "$ok" = 1 ]
    expect build_output_kept grep -q 'the build fails here' "$out/nobuild/build.txt"
    expect html_escapes_the_name grep -qF 'we&#39;ird &lt;name&gt; &quot;x&quot;' "$out/class.html"
    expect html_has_no_raw_name sh -c "! grep -qF '<name>' '$out/class.html'"
    expect html_links_the_report grep -qF 'href="we%27ird%20%3Cname%3E%20%22x%22/echocheck.txt"' "$out/class.html"
    expect html_loads_nothing sh -c "! grep -qiE '(src|href)=\"(https?:)?//' '$out/class.html'"
    expect summary_counts grep -q '^== the class: 8 submissions: 3 checked, 1 build failed, 3 never listened, 1 crashed at start' "$out.log"
    never_listened_words "$out"
    command_quoted "$out"
    links_exist "$out"
    shares_of_checked "$out" 3
    n=$(./echocheck --list | awk -F'\t' 'NF == 4' | wc -l)
    cols=$(head -n 1 "$out/class.csv" | tr , '\n' | grep -c /)
    [ "$n" -gt 0 ] && ok=1 || ok=0
    expect list_matches_the_columns [ "$ok$n" = "1$cols" ]
    expect list_describes_every_check sh -c "! ./echocheck --list | grep -q 'not described'"
    xml_parses "$out"

    # --only: one submission again, into the same report.
    class "$out" --only hang --time-limit 2
    expect only_exit_0 [ "$(cat "$out.rc")" = 0 ]
    expect only_timed_out [ "$(status "$out" hang)" = "timed out" ]
    expect only_keeps_the_rest [ "$(status "$out" good)" = checked ]
    expect only_keeps_the_rest_failing [ "$(status "$out" nobuild)" = "build failed" ]

    # --only again, the build failing now: the last check's files go.
    printf 'server:\n\texit 4\n' >"$tmp/subs/$noserver/Makefile"
    class "$out" --only "$noserver"
    ls "$out/$noserver" >"$tmp/last.out"
    ok=0
    [ "$(status "$out" "$noserver")" = "build failed" ] && [ ! -e "$out/$noserver/echocheck.txt" ] &&
        [ ! -e "$out/$noserver/results.json" ] && [ -e "$out/$noserver/build.txt" ] && ok=1
    expect only_build_failed_leaves_no_check_files [ "$ok" = 1 ]
    expect only_html_no_stale_link sh -c "! grep -qF 'no%27server/echocheck.txt' '$out/class.html'"

    future_json "$out"
    usage_errors
    ctrl_c
}

# A server that never listened: its own words are the why, in class.csv,
# status.txt, the terminal and class.html; not the header above them.
never_listened_words() {
    cant="exit status 127: cannot run $tmp/subs/$noserver/server: No such file or directory"
    expect why_cannot_run_in_csv grep -qF ",\"$cant\"," "$1/class.csv"
    expect why_cannot_run_in_status grep -qxF "why: $cant" "$1/$noserver/status.txt"
    expect why_cannot_run_on_terminal grep -qF "$noserver: never listened: $cant (" "$1.log"
    expect why_cannot_run_in_html grep -qF "no&#39;server/server: No such file" "$1/class.html"
    expect why_usage_in_csv grep -q '^"usage",never listened,.*"exit status 2: usage: .*/usage/server <host> <port>"' "$1/class.csv"
    expect why_is_no_header sh -c "! grep -q 'its std[a-z]* ([0-9]* lines*):' '$1/class.csv' '$1/class.html'"
}

# The command line echocheck shows is one sh takes back as it was run,
# a ' in the path included.
command_quoted() {
    cmd=$(sed -n 's/^    the command: //p' "$1/$noserver/echocheck.txt")
    got=$(eval "set -- $cmd" 2>/dev/null && printf '%s|%s' "$1" "$#")
    echo "the command: $cmd -> $got" >"$tmp/last.out"
    expect command_shown_as_sh_takes_it [ "$got" = "$tmp/subs/$noserver/server|2" ]
}

# Every link of class.html leads to a file in OUT (a failed build has no
# check's files); the build's output is still linked.
links_exist() {
    sed -n 's/.*<td><a href=/<a href=/p' "$1/class.html" | tr '<' '\n' |
        sed -n 's/^a href="\([^"]*\)".*/\1/p' | awk '
        BEGIN { for (i = 0; i < 256; i++) hex[sprintf("%02X", i)] = sprintf("%c", i) }
        { out = ""
          while ((i = index($0, "%")) > 0) {
              out = out substr($0, 1, i - 1) hex[substr($0, i + 1, 2)]
              $0 = substr($0, i + 3)
          }
          print out $0 }' >"$tmp/links"
    missing=0 n=0
    while IFS= read -r l; do
        n=$((n + 1))
        [ -e "$1/$l" ] || { missing=$((missing + 1)); echo "no $l"; }
    done <"$tmp/links" >"$tmp/last.out"
    ok=0
    [ "$missing" = 0 ] && [ "$n" -gt 8 ] && ok=1
    expect html_links_only_files_there [ "$ok" = 1 ]
    expect html_links_a_failed_build grep -qF 'href="nobuild/build.txt"' "$1/class.html"
    expect html_no_check_files_of_a_failed_build sh -c "! grep -qE 'href=\"nobuild/(echocheck.txt|results.json|junit.xml)\"' '$1/class.html'"
}

# Shares are of the submissions checked (N), not of the whole class.
shares_of_checked() {
    n_checks=$(./echocheck --list | awk -F'\t' 'NF == 4' | wc -l)
    cp "$1.log" "$tmp/last.out"
    expect summary_share_of_checked grep -q "^failed most: [a-z/0-9-]*: failed by [1-9][0-9]* of $2 checked\$" "$1.log"
    expect summary_no_other_share sh -c "! grep 'failed by' '$1.log' | grep -vq ' of $2 checked\$'"
    cp "$1/class.html" "$tmp/last.out"
    expect html_share_of_checked [ "$(grep -c "<td>[0-9]* of $2 checked ([0-9]*%)</td>" "$1/class.html")" = "$n_checks" ]
    iso=$(sed -n 's/.*Isolation: \([0-9]*\) checked in namespaces .*, \([0-9]*\) without.*/\1 \2/p' \
        "$1/class.html" | awk '{ print $1 + $2 }')
    expect html_isolation_counts_the_checked [ "$iso" = "$2" ]
}

# The reader of results.json takes a later echocheck's fields (status,
# extra_data, a top-level output, pending checks) and rebuilds a row from
# what --only finds saved: a submission's folder made by hand here.
future_json() {
    mkdir -p "$tmp/subs/future" "$1/future"
    printf 'status: checked\nwhy: \nstopped: \nseconds: 1.5\n' >"$1/future/status.txt"
    cat >"$1/future/results.json" <<'EOF'
{"tests": [
  {"name": "echo/short-line", "status": "passed", "score": 1, "max_score": 1, "output": "PASS", "extra_data": {"ms": [1, 2]}},
  {"name": "echo/crlf", "status": "failed", "score": 0, "max_score": 1,
   "output": "the echo differs\n    likely cause: line ends \"changed\" \u00e9\ud83d\ude00\n      by the server\n"},
  {"name": "echo/nul-bytes", "status": "failed", "score": 0, "max_score": 1, "output": "FLAKY echo/nul-bytes: failed 2 of 5 runs", "extra_data": {"failed": 2, "runs": 5}},
  {"name": "echo/long-line", "status": "skipped", "score": 0, "max_score": 0, "output": "SKIP: model one"},
  {"name": "echo/random-4mb", "status": "pending", "score": 0, "max_score": 1, "output": ""},
  {"name": "not/a-check", "status": "passed", "score": 1, "max_score": 1, "output": "PASS"}
 ],
 "score": 1, "output": "root causes:\n  one\n", "visibility": "visible", "more": [true, false, null, -1.5e3]}
EOF
    class "$1" --only hang --time-limit 2
    row=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
        /^"future",/ { print $2 "," $3 "," $4 "," $c["echo/short-line"] "," $c["echo/crlf"] "," \
                       $c["echo/nul-bytes"] "," $c["echo/long-line"] "," $c["echo/random-4mb"] }' \
        "$1/class.csv")
    if [ "$row" = "checked,1,2,passed,failed,flaky,skipped," ]; then pass json_reader_takes_later_fields
    else fail json_reader_takes_later_fields "its row: $row" "$1/class.csv"; fi
    points=$(awk -F, '/^"future",/ { print $6 " of " $7 }' "$1/class.csv")
    expect points_reach_the_class_report [ "$points" = "1 of 4" ]
    expect html_names_the_cause grep -qF 'line ends &quot;changed&quot; é😀 by the server (1)' "$1/class.html"
    rm -rf "$tmp/subs/future"
}

# The JUnit files and the HTML through python3's parsers, where it is.
xml_parses() {
    if ! command -v python3 >/dev/null 2>&1; then
        skip junit_parses "no python3 to parse XML with"
        return
    fi
    ./echocheck $flags -g echo --junit "$tmp/one.xml" -- ./tests/bin/broken_sigpipe '{port}' >/dev/null 2>&1
    python3 - "$1" "$tmp/one.xml" >"$tmp/last.out" 2>&1 <<'EOF'
import sys, glob, xml.etree.ElementTree as ET
files = glob.glob(sys.argv[1] + "/*/junit.xml") + [sys.argv[2]]
for f in files:
    root = ET.parse(f).getroot()
    assert root.tag == "testsuites", f
    for suite in root:
        assert suite.tag == "testsuite" and len(suite) == int(suite.get("tests")), f
crash = ET.parse(sys.argv[1] + "/crash/junit.xml").getroot()
failure = crash.find("testsuite/testcase/failure")
assert failure is not None and "SIGSEGV" in failure.get("message"), "crash"
assert "<&>" in failure.text, failure.text
sig = ET.parse(sys.argv[1] + "/sigpipe/junit.xml").getroot()
kinds = [c.tag for c in sig.iter() if c.tag in ("failure", "skipped")]
assert "failure" in kinds and "skipped" in kinds, kinds
print(len(files), "files parsed")
EOF
    if [ $? = 0 ]; then pass junit_parses_and_escapes
    else fail junit_parses_and_escapes "python3 refused it" "$tmp/last.out"; fi
}

usage_errors() {
    for args in "--class $tmp/subs" "--class $tmp/subs -P 0 -- x" \
                "--build make -- x {port}" "--class $tmp/subs -j f -- x" \
                "--class $tmp/subs --only nobody -o $tmp/u -- x"; do
        # shellcheck disable=SC2086 # split on purpose
        ./echocheck $args >"$tmp/last.out" 2>&1
        rc=$?
        if [ "$rc" = 2 ]; then pass "usage_exit_2: $args"
        else fail "usage_exit_2: $args" "exit status $rc" "$tmp/last.out"; fi
    done
    ./echocheck -h >"$tmp/last.out" 2>&1
    ok=1
    for o in --class --build -P -o --time-limit --only -m --repeat --list --junit; do
        grep -q -- "$o " "$tmp/last.out" || ok=0
    done
    expect usage_lists_every_option [ "$ok" = 1 ]
}

# Ctrl-C two seconds in: 130, a report, and nothing of the run left.
ctrl_c() {
    out=$tmp/int
    ./echocheck --class "$tmp/subs" -P 2 -o "$out" $flags -- '{dir}/server' '{port}' >"$out.log" 2>&1 &
    pid=$!
    sleep 2
    kill -INT "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt $((100 * scale)) ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        fail ctrl_c_ends "still running 10 s after SIGINT" "$out.log"
    fi
    wait "$pid"
    expect ctrl_c_exit_130 [ $? = 130 ]
    expect ctrl_c_keeps_the_report grep -q 'not run' "$out/class.csv"
    sleep 0.5
    left=$(ps -eo args | grep -F "$tmp" | grep -v grep)
    if [ -z "$left" ]; then pass ctrl_c_leaves_nothing_running
    else echo "$left" >"$tmp/last.out"; fail ctrl_c_leaves_nothing_running "left" "$tmp/last.out"; fi
}

# ---- make check-class ----

# The suite's library objects, for submissions that compile a server: the
# Makefile's list (without the flags of a make this may run under).
objs=$(MAKEFLAGS= MFLAGS= make -s --no-print-directory class-objs)
# csub NAME SOURCE: a submission with SOURCE as its server.c, and a
# Makefile that compiles it against the suite's library.
csub() {
    d="$tmp/subs/$1"
    mkdir -p "$d"
    cp "$2" "$d/server.c"
    o=""
    for x in $objs; do o="$o $top/$x"; done
    printf 'server: server.c\n\t%s -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I%s -I%s/tests/class server.c%s -pthread -o server\n' \
        "${CC:-cc}" "$top" "$top" "$o" >"$d/Makefile"
}

# -P 1 and -P 4 give the same statuses and verdicts, on servers whose
# verdicts are deterministic: the suite's, the broken ones, a build that
# fails, a crash at start. Not the two &connfd fixtures: a data race is
# their defect, and whether it also reaches a check besides
# hundred-clients (CI once saw fd-limit-64 fail too) is up to the race.
# Nor no_accept: two minutes of waits that no other fixture adds to.
p_independence() {
    rm -rf "$tmp/subs"
    for s in echoserverp echoservers echoservere echoservert; do link "$s" "$s"; done
    for b in tests/bin/broken_*; do
        case $b in */broken_connfd_* | */broken_no_accept) continue ;; esac
        link "${b#tests/bin/}" "$b"
    done
    sub nobuild 'exit 3'
    sub crash - '#!/bin/sh
kill -SEGV $$'
    bound=900 class "$tmp/p1" -P 1
    bound=900 class "$tmp/p4" -P 4
    matrix "$tmp/p1" >"$tmp/p1.m"
    matrix "$tmp/p4" >"$tmp/p4.m"
    if [ "$(cat "$tmp/p1.rc")$(cat "$tmp/p4.rc")" = 00 ] && cmp -s "$tmp/p1.m" "$tmp/p4.m"; then
        pass "P1_and_P4_same_matrix ($(grep -c . "$tmp/p1.m") rows; $(tail -n 1 "$tmp/p1.log"))"
    else
        diff "$tmp/p1.m" "$tmp/p4.m" >"$tmp/last.out"
        fail P1_and_P4_same_matrix "the matrices differ" "$tmp/last.out"
    fi
}

# Servers that fork without end, fill memory or flood their output:
# stopped, named, and the run goes on.
excesses() {
    rm -rf "$tmp/subs"
    for x in forkbomb memhog flood; do csub "$x" "tests/class/$x.c"; done
    link good echoservere
    class "$tmp/ex" -P 2 --time-limit 100
    expect excesses_exit_0 [ "$(cat "$tmp/ex.rc")" = 0 ]
    expect forkbomb_named grep -q '^"forkbomb",checked,.*forks without end' "$tmp/ex/class.csv"
    expect memhog_named grep -q '^"memhog",checked,.*fills memory' "$tmp/ex/class.csv"
    expect flood_named grep -q '^"flood",checked,.*floods its output' "$tmp/ex/class.csv"
    expect good_beside_them [ "$(status "$tmp/ex" good)" = checked ]
    left=$(ps -eo args | grep -F "$tmp" | grep -v grep)
    expect excesses_leave_nothing [ -z "$left" ]
}

# One run's backstop, past the class run's watch: an isolated server's
# cgroup caps its memory at 4 GiB; a server killed there is named so, not
# "killed by SIGKILL" alone. It fills 4 GiB before it listens (seconds of
# the kernel's time: the start's wait stretched); where no cgroup caps it
# or swap would take the excess, skipped.
memory_cap() {
    TEST_TIME_SCALE=$((4 * scale)) ./echocheck --isolate --check echo/short-line \
        -- tests/bin/escape_memcap {port} >"$tmp/memcap.log" 2>&1
    if ! grep -q '^isolation: on (.*cgroup: .* MiB)' "$tmp/memcap.log"; then
        skip memory_cap_named "no memory cgroup here: $(head -n 1 "$tmp/memcap.log")"
    elif [ "$(grep -c . /proc/swaps 2>/dev/null)" -gt 1 ]; then
        skip memory_cap_named "swap here: the cap would swap rather than kill"
    elif grep -q '^memory-cap: killed for memory' "$tmp/memcap.log" &&
        grep -q '^FAIL start: killed by SIGKILL' "$tmp/memcap.log"; then
        pass memory_cap_named
    else
        fail memory_cap_named "want FAIL start: killed by SIGKILL, and the root cause memory-cap" "$tmp/memcap.log"
    fi
}

# correct N: N correct C submissions, the suite's servers in turn.
correct() {
    i=0 count=$1
    while [ "$i" -lt "$count" ]; do
        set -- echoserverp echoservers echoservere echoservert
        shift $((i % 4))
        csub "student$i" "$1.c"
        i=$((i + 1))
    done
}

# 30 correct C submissions with -P 2, built and checked: the time.
speed() {
    rm -rf "$tmp/subs"
    correct 30
    t0=$(date +%s)
    class "$tmp/speed" -P 2
    t=$(($(date +%s) - t0))
    n=$(grep -c '^"student[0-9]*",checked,[0-9]*,0,' "$tmp/speed/class.csv")
    if [ "$n" = 30 ] && [ "$t" -lt $((240 * scale)) ]; then
        pass "thirty_correct_under_4_minutes ($t s)"
    else
        fail thirty_correct_under_4_minutes "$n of 30 clean, in $t s" "$tmp/speed/class.csv"
    fi
}

# A mixed class of 30 with -P 2: 18 correct C submissions, the broken
# fixtures, two that never listen, two that crash, two that do not build.
mixed() {
    rm -rf "$tmp/subs"
    correct 18
    for b in tests/bin/broken_*; do link "${b#tests/bin/}" "$b"; done
    for i in 1 2; do
        sub "hang$i" - '#!/bin/sh
while :; do sleep 1; done'
        sub "crash$i" - '#!/bin/sh
kill -SEGV $$'
        sub "nobuild$i" 'exit 2'
    done
    n=$(ls "$tmp/subs" | wc -l)
    t0=$(date +%s)
    bound=900 class "$tmp/mixed" -P 2
    t=$(($(date +%s) - t0))
    got=$(grep -c '^"' "$tmp/mixed/class.csv")
    if [ "$(cat "$tmp/mixed.rc")" = 0 ] && [ "$got" = "$n" ] && ! grep -q 'not run' "$tmp/mixed/class.csv"; then
        pass "mixed_class_of_${n} ($t s; $(grep '^== the class' "$tmp/mixed.log"))"
    else
        fail "mixed_class_of_$n" "exit $(cat "$tmp/mixed.rc"), $got rows" "$tmp/mixed.log"
    fi
}

if [ -n "${2:-}" ]; then
    "$2" # one part of --full: p_independence, excesses, memory_cap, speed or mixed
elif [ "${1:-}" = --full ]; then
    quick
    echo "    (the mixed class of 6 with -P 2: $mixed_t s)"
    p_independence
    excesses
    memory_cap
    speed
    mixed
else
    quick
fi
[ "$failed" = 0 ]
