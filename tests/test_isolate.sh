#!/bin/sh
# test_isolate.sh - echocheck's isolation of the server it checks (issue
# 31). Each server of tests/escape/ tries once to get out, at a decoy this
# test makes: a listener on the host's 127.0.0.1, a sleep, a folder
# outside the server's folder and /tmp, 300 children. Under isolation each
# attempt must fail, the decoy stay untouched and the report quote the
# failure. Also: --no-isolate's line, the mode in the JSON, two
# submissions of a class run on the same fixed port at once, and a build
# that tries to write outside its folder.
# Before the isolated runs, the same servers run outside echocheck reach
# their decoys (connect, signal, write): the decoys are live, so the test
# can fail. Where isolation cannot be had, each test prints SKIP and why.
#   tests/test_isolate.sh         as root: the tests as root and, side by
#                                 side, as uid 65534 (setpriv or su); as
#                                 another user: as that user, the root
#                                 part SKIP
#   tests/test_isolate.sh --part LABEL   the tests once, as whoever runs
#                                 them, names prefixed LABEL (the root run
#                                 starts the unprivileged one so)
# Run from the top of the tree, after make. Prints "PASS isolate ...",
# "FAIL ..." or "SKIP ...", then "N passed, N failed".
scale=${TEST_TIME_SCALE:-1}
top=$(pwd)
nobody=65534
trap 'exit 130' INT TERM

# ---- The whole run: as root and as nobody ----

if [ "${1:-}" != --part ]; then
    tmp=${TMPDIR:-/tmp}/test_isolate.$$
    # The write decoy's folder: outside the servers' folders and outside
    # /tmp (an isolated server has a /tmp of its own), writable by both
    # users, so that only isolation stops the write.
    decoys=$top/tests/bin/escape_decoy.$$
    trap 'rm -rf "$tmp" "$decoys"' EXIT
    if ! mkdir -p "$tmp" "$decoys" || ! chmod 0777 "$tmp" "$decoys"; then
        echo "FAIL isolate setup (cannot make $tmp and $decoys, writable by all)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    export ESCAPE_DECOYS="$decoys"
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP isolate root (the test runs as uid $(id -u), not root)"
        sh "$0" --part user | tee "$tmp/user.out"
        tail -n 1 "$tmp/user.out" | grep -q ' 0 failed$'
        exit
    fi
    # The two parts run side by side: each mostly waits.
    sh "$0" --part root >"$tmp/root.out" 2>&1 &
    root=$!
    # as_nobody CMD...: CMD as uid 65534; setpriv first: su may ask PAM,
    # which a container may refuse.
    as_nobody() {
        if [ "$how" = setpriv ]; then
            setpriv --reuid=$nobody --regid=$nobody --clear-groups "$@"
        else
            su -s /bin/sh -c '"$@"' -- nobody sh "$@"
        fi
    }
    how=""
    if command -v setpriv >/dev/null 2>&1 &&
        setpriv --reuid=$nobody --regid=$nobody --clear-groups true 2>/dev/null; then
        how=setpriv
    elif su nobody -s /bin/sh -c true 2>/dev/null; then
        how=su
    fi
    if [ -z "$how" ]; then
        echo "SKIP isolate nobody (neither setpriv nor su could run a command as uid $nobody)" >"$tmp/nobody.out"
    elif ! as_nobody test -x "$top/echocheck" -a -r "$top/echocheck"; then
        echo "SKIP isolate nobody (uid $nobody cannot reach $top/echocheck)" >"$tmp/nobody.out"
    else
        export TMPDIR="$tmp"
        as_nobody sh "$0" --part nobody >"$tmp/nobody.out" 2>&1
    fi
    wait "$root"
    grep -hv '^[0-9]* passed, [0-9]* failed$' "$tmp/root.out" "$tmp/nobody.out"
    cat "$tmp/root.out" "$tmp/nobody.out" |
        sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' |
        awk '{ p += $1; f += $2 } END { print p " passed, " f " failed"; exit f > 0 }'
    exit
fi

# ---- One part, as whoever runs it ----

label=$2
tmp=${TMPDIR:-/tmp}/test_isolate.$label.$$
passed=0 failed=0
mkdir -p "$tmp/srv" || exit 1
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
: "${ESCAPE_DECOYS:=$top/tests/bin}"

pass() { echo "PASS isolate $label/$1"; passed=$((passed + 1)); }
skip() { echo "SKIP isolate $label/$1 ($2)"; }
# fail NAME WHY [FILE]: the failure, then FILE indented.
fail() {
    echo "FAIL isolate $label/$1"
    echo "    $2"
    [ -n "${3:-}" ] && sed 's/^/    | /' "$3" | head -n 30
    failed=$((failed + 1))
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}

# A tenth of a second where sleep takes fractions (POSIX promises whole
# seconds only).
nap() { sleep 0.1 2>/dev/null || sleep 1; }
# until_true TENTHS CMD...: CMD retried every tenth of a second, TENTHS
# times the scale at most; its last status.
until_true() {
    n=$(($1 * scale))
    shift
    while ! "$@"; do
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        nap
    done
}

# A sanitizer's build cannot start under echocheck's address-space limit.
flags=""
case ${TEST_SANITIZER:-} in address | thread) flags=--no-mem-limit ;; esac
# check OUT ARGS...: ./echocheck ARGS run in the server's folder, stdout
# and stderr in OUT, its status in OUT.rc; interrupted after 60 seconds.
check() {
    out=$1
    shift
    (cd "$tmp/srv" && exec "$top/echocheck" $flags "$@") >"$out" 2>&1 &
    cpid=$!
    # The watcher takes its sleep along when it is stopped.
    (
        trap 'kill "$spid" 2>/dev/null; exit 0' TERM
        sleep $((60 * scale)) &
        spid=$!
        wait "$spid" && kill -INT "$cpid" 2>/dev/null
    ) &
    watch=$!
    wait "$cpid"
    echo $? >"$out.rc"
    kill "$watch" 2>/dev/null
    wait "$watch" 2>/dev/null
}
# isolation_lines FILE: its lines that open "isolation: ".
isolation_lines() { grep '^isolation: ' "$1"; }
# json_mode FILE: the isolation mode in a results.json.
json_mode() {
    { tr -d ' \n' <"$1"; } 2>/dev/null |
        sed -n 's/.*"extra_data":{"isolation":{"mode":"\([a-z]*\)".*/\1/p'
}

# The decoys, each started by this part's user: a listener that logs
# every connection it accepts (./echoserveri on a free port) and a sleep.
"$top/echoserveri" 0 >"$tmp/listener.log" 2>&1 &
listener=$!
sleep 120 &
sleeper=$!
pids="$listener $sleeper"
listening() { grep -q 'listening on port' "$tmp/listener.log"; }
until_true 50 listening || { fail decoys "the listener never listened" "$tmp/listener.log"; finish; }
dport=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$tmp/listener.log")
target=$ESCAPE_DECOYS/escaped.$label.$$
connected() { grep -q '^Connected to' "$tmp/listener.log"; }
# gone PID: no such process, or a zombie (kill -0 still reaches a child
# of ours that died but was not waited for).
gone() {
    st=$(ps -p "$1" -o stat= 2>/dev/null)
    [ -z "$st" ] || [ "${st#Z}" != "$st" ]
}

# Is isolation on here? A good server with --isolate says.
check "$tmp/probe" --isolate --check echo/short-line -j "$tmp/probe.json" \
    -- "$top/echoserveri" {port}
if [ "$(cat "$tmp/probe.rc")" != 0 ] || ! isolation_lines "$tmp/probe" | grep -q '^isolation: on'; then
    why=$(grep -m 1 'echocheck: --isolate' "$tmp/probe")
    [ -n "$why" ] || why="echocheck --isolate: status $(cat "$tmp/probe.rc"): $(head -n 1 "$tmp/probe")"
    for t in decoys_reachable_outside isolation_line json_mode connect signal \
        write fork class_same_port class_build_cannot_write \
        class_hides_the_others_and_the_report cgroup_holds_the_server \
        a_file_right_in_tmp_stays_readable; do
        skip "$t" "$why"
    done
    # --no-isolate needs no isolation.
    iso=off
else
    iso=on
fi

# ---- Without isolation (and whatever it is here) ----

check "$tmp/off" --no-isolate --check echo/short-line -j "$tmp/off.json" \
    -- "$top/echoserveri" {port}
if [ "$(isolation_lines "$tmp/off")" = "isolation: off (--no-isolate)" ] &&
    [ "$(cat "$tmp/off.rc")" = 0 ]; then pass no_isolate_line
else fail no_isolate_line "want status 0 and the one line 'isolation: off (--no-isolate)'" "$tmp/off"; fi
if [ "$(json_mode "$tmp/off.json")" = none ]; then pass no_isolate_json_mode
else fail no_isolate_json_mode "want \"extra_data\": {\"isolation\": {\"mode\": \"none\", ...}}" "$tmp/off.json"; fi
# By default, isolation where --isolate gets it, else a reason why not.
check "$tmp/default" --check echo/short-line -- "$top/echoserveri" {port}
if [ "$iso" = on ]; then want='^isolation: on (.*)$'; else want='^isolation: off (..*)$'; fi
if [ "$(isolation_lines "$tmp/default" | grep -c "$want")" = 1 ] &&
    [ "$(isolation_lines "$tmp/default" | wc -l)" -eq 1 ]; then pass default_line
else fail default_line "want one line matching '$want'" "$tmp/default"; fi

[ "$iso" = on ] || finish

# The decoys are live: outside echocheck, the fixtures reach them.
# said NAME: the fixture run directly said how its attempt went.
said() { grep -q "^escape: $1: " "$tmp/direct.$1" 2>/dev/null; }
# direct NAME TARGET: tests/bin/escape_NAME TARGET 0 until it says how its
# attempt went (5 seconds at most), then stopped.
direct() {
    "$top/tests/bin/escape_$1" "$2" 0 >"$tmp/direct.$1" 2>&1 &
    dpid=$!
    until_true 50 said "$1"
    kill "$dpid" 2>/dev/null
    wait "$dpid" 2>/dev/null
    grep -q "^escape: $1: done" "$tmp/direct.$1"
}
sleep 120 &
victim=$!
pids="$pids $victim"
live=""
direct connect "$dport" && until_true 20 connected || live="$live connect"
direct signal "$victim" && until_true 20 gone "$victim" || live="$live signal"
direct write "$target" && [ -e "$target" ] || live="$live write"
if [ -z "$live" ]; then pass decoys_reachable_outside
else fail decoys_reachable_outside "outside echocheck these did not reach their decoy:$live" "$tmp/listener.log"; fi
rm -f "$target"
# The listener's log from now on: what the isolated server did.
: >"$tmp/listener.log"

if [ "$(isolation_lines "$tmp/probe")" != "" ] &&
    [ "$(isolation_lines "$tmp/probe" | wc -l)" -eq 1 ]; then pass isolation_line
else fail isolation_line "want exactly one line 'isolation: on (...)'" "$tmp/probe"; fi
if [ "$(json_mode "$tmp/probe.json")" = namespaces ]; then pass json_mode
else fail json_mode "want \"extra_data\": {\"isolation\": {\"mode\": \"namespaces\", ...}}" "$tmp/probe.json"; fi

# Two submissions at once on one fixed port, from now on in the
# background: a class run takes the longest. b's build also tries to
# write beside the write decoy (the build is isolated too), and goes on.
# c's server looks for a's files and the report's lock, and exits: the
# class (outside /tmp, whose private copy would hide it anyway) and the
# report must look empty to it.
class=$ESCAPE_DECOYS/class.$label
report=$ESCAPE_DECOYS/out.$label
mkdir -p "$class/a" "$class/b" "$class/c"
built=$ESCAPE_DECOYS/built.$label.$$
printf 'server:\n\tln -sf %s server\n' "$top/echoservere" >"$class/a/Makefile"
printf 'server:\n\t-touch %s\n\tln -sf %s server\n' "$built" "$top/echoservere" \
    >"$class/b/Makefile"
printf '#!/bin/sh\nls %s/a/Makefile %s/.lock\nexit 3\n' "$class" "$report" >"$class/c/server.in"
printf 'server: server.in\n\tcp server.in server && chmod +x server\n' >"$class/c/Makefile"
check "$tmp/classrun" --class "$class" --build 'make -s -C {dir}' -P 2 -o "$report" \
    -p 15213 -- '{dir}/server' '{port}' &
classjob=$!

# Under isolation, side by side: each attempt fails, its report quotes it.
check "$tmp/connect" --isolate --check echo/short-line -- "$top/tests/bin/escape_connect" "$dport" {port} &
c1=$!
check "$tmp/signal" --isolate --check echo/short-line -- "$top/tests/bin/escape_signal" "$sleeper" {port} &
c2=$!
check "$tmp/write" --isolate --check echo/short-line -- "$top/tests/bin/escape_write" "$target" {port} &
c3=$!
check "$tmp/fork" --isolate --check echo/short-line -- "$top/tests/bin/escape_fork" {port} &
c4=$!
wait "$c1" "$c2" "$c3" "$c4"

# quoted NAME: the report quotes the fixture's failed attempt, not a success.
quoted() {
    grep -q "escape: $1: " "$tmp/$1" && ! grep -q "escape: $1: done" "$tmp/$1"
}
# The listener accepts at once: a connection would show in a tenth of a
# second; give it a few.
if quoted connect && ! until_true 3 connected; then pass connect
else fail connect "want 'escape: connect: <reason>' in the report and no connection at the listener" "$tmp/connect"; fi
if quoted signal && ! gone "$sleeper"; then pass signal
else fail signal "want 'escape: signal: <reason>' in the report and the sleep ($sleeper) alive" "$tmp/signal"; fi
# The server must see the decoy's folder and be refused the write: a
# folder it cannot see (under a private tmpfs) proves nothing.
case $target in
/tmp/* | /var/tmp/* | /dev/shm/*)
    skip write "the decoy $target is under a folder the server has a private one of" ;;
*)
    if quoted write && [ ! -e "$target" ] && ! grep -q 'escape: write: No such file' "$tmp/write"; then
        pass write
    else fail write "want 'escape: write: <reason>' in the report, not ENOENT, and no $target" "$tmp/write"; fi ;;
esac
rm -f "$target"
# The fork fixture says how many children it had started when a fork failed.
# The report may wrap that line: read it joined.
started=$(tr '\n' ' ' <"$tmp/fork" | tr -s ' ' |
    sed -n 's/.*escape: fork: [^(]* (\([0-9]*\) of 300 children started).*/\1/p')
# left: the fixture's processes still running (zombies aside: the system
# reaps those of a dead parent in its own time), among the server's uid,
# which the isolation line names (the other part of this test may be
# forking at the same time).
server_uid=$(sed -n 's/^isolation: on (.* uid \([0-9]*\) .*/\1/p' "$tmp/fork")
left() {
    ps -u "${server_uid:-0}" -o stat= -o comm= | grep -v '^Z' | grep -c 'escape_fork$'
}
none_left() { [ "$(left)" = 0 ]; }
if quoted fork && [ -n "$started" ] && [ "$started" -lt 300 ] &&
    until_true 30 none_left; then
    pass fork
else fail fork "want 'escape: fork: <reason> (N of 300 children started)', N < 300, and none left ($(left) left)" "$tmp/fork"; fi

# ---- The class run started above ----

wait "$classjob"
ok=1
for s in a b; do
    grep -q "^\"$s\",checked,.*,namespaces\$" "$report/class.csv" 2>/dev/null || ok=0
    [ "$(json_mode "$report/$s/results.json" 2>/dev/null)" = namespaces ] || ok=0
done
head -n 1 "$report/class.csv" 2>/dev/null | grep -q ',isolation$' || ok=0
if [ "$ok" = 1 ] && [ "$(cat "$tmp/classrun.rc")" = 0 ]; then pass class_same_port
else
    cat "$report/class.csv" >>"$tmp/classrun" 2>/dev/null
    fail class_same_port "want status 0, both submissions checked on -p 15213 at once, namespaces in class.csv's isolation column and in each results.json" "$tmp/classrun"
fi
if grep -q "touch.*$built" "$report/b/build.txt" 2>/dev/null && [ ! -e "$built" ]; then
    pass class_build_cannot_write
else
    fail class_build_cannot_write "want b's build to have tried, and no $built" "$report/b/build.txt"
fi
rm -f "$built"
# c's ls found neither, while both are there.
seen=$(grep -c 'No such file' "$report/c/echocheck.txt" 2>/dev/null)
if [ -e "$class/a/Makefile" ] && [ -e "$report/.lock" ] && [ "$seen" = 2 ]; then
    pass class_hides_the_others_and_the_report
else
    fail class_hides_the_others_and_the_report "want c's server to find neither $class/a/Makefile nor $report/.lock" "$report/c/echocheck.txt"
fi

# The cgroup, where echocheck makes one (its line says so): the server is in it.
if grep -q '^isolation: on (.*cgroup: ' "$tmp/probe"; then
    check "$tmp/cgroup" --isolate --check echo/short-line -- sh -c 'cat /proc/self/cgroup; exit 3'
    if grep -q '| [0-9]*:[a-z,]*:.*/echocheck\.[0-9]*$' "$tmp/cgroup"; then pass cgroup_holds_the_server
    else fail cgroup_holds_the_server "want the server's /proc/self/cgroup to name echocheck's cgroup" "$tmp/cgroup"; fi
else
    skip cgroup_holds_the_server "echocheck makes no cgroup here: $(grep -m 1 '^isolation:' "$tmp/probe")"
fi

# A server's script right in /tmp (python3 /tmp/server.py): the private
# /tmp shows that file alone, read-only.
script=/tmp/echocheck_isolate.$label.$$.sh
printf '#!/bin/sh\nexec "%s/echoserveri" "$1"\n' "$top" >"$script" && chmod 0644 "$script"
check "$tmp/tmpfile" --isolate --check echo/short-line -- sh "$script" {port}
rm -f "$script"
if grep -q '^PASS echo/short-line' "$tmp/tmpfile"; then pass a_file_right_in_tmp_stays_readable
else fail a_file_right_in_tmp_stays_readable "want sh $script to run isolated and pass" "$tmp/tmpfile"; fi
finish
