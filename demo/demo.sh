#!/bin/sh
# demo.sh - the lecture, live: a narrated tour of the suite (make demo).
# Starts the real servers on free ports on loopback, drives real clients,
# says in plain words what happens and what the evidence is, and ends each
# step with one line "observed (step N): ... [agrees with the lecture]"
# computed from what it saw (a timing, a process table, a thread count, a
# log line), or "[CONTRADICTS the lecture]". Exit status 0 exactly when every
# step agreed.
#   1 echoserveri      one client at a time: the second waits in the backlog
#   2 echoserverp      a child per client; no zombie once they leave
#   3 echoservers      many clients, one thread; a half line stalls nobody
#   4 echoservert      the thread count rises and falls with the clients
#   5 echoservert_pre  a fixed pool; the bounded buffer fills up
#   6 race             &i races, --fixed never does; pinned to one core
#
# Usage: demo/demo.sh [-p] [-f] [STEP...]    (or make demo [STEP=N] [PAUSE=1])
#   STEP  run only these steps (1..6); default: all, about two minutes
#   -p    pause before each step until Enter (for a live lecture); without
#         it the demo never reads the keyboard and runs unattended
#   -f    fast: shorter waits (for the tests); same steps, same verdicts
# The environment can do the same: STEP="3 4", PAUSE=1, FAST=1.
# To see a verdict change, give a step the wrong program, e.g.
#   DEMO_ITERATIVE=./echoservert demo/demo.sh 1
# (also DEMO_PROCESS, DEMO_SELECT, DEMO_THREAD, DEMO_PRETHREADED, DEMO_RACE).
#
# Everything it starts (servers, clients, helpers) is recorded by PID and
# killed when a step ends, and on exit, Ctrl-C or kill. Only POSIX sh and
# utilities, plus demo/demotool (demotool.c) for what sh cannot do
# portably: a millisecond clock, short sleeps, bounded waits on a log file.
set -u
cd "$(dirname "$0")/.." || exit 2

usage() {
    echo "usage: demo/demo.sh [-p] [-f] [STEP...]   (STEP: 1..6; -p pause; -f fast)" >&2
    exit 2
}

steps=${STEP:-}
pause=${PAUSE:-}
fast=${FAST:-}
for arg in "$@"; do
    case $arg in
    -p) pause=1 ;;
    -f) fast=1 ;;
    -h | --help) usage ;;
    [1-6]) steps="$steps $arg" ;;
    *) usage ;;
    esac
done
[ "$pause" = 0 ] && pause=
[ "$fast" = 0 ] && fast=
for s in $steps; do
    case $s in [1-6]) ;; *) usage ;; esac
done
[ -n "$steps" ] || steps="1 2 3 4 5 6"
if [ -n "$pause" ] && [ ! -t 0 ]; then
    echo "(PAUSE needs a terminal on stdin: running straight through)"
    pause=
fi

ITERATIVE=${DEMO_ITERATIVE:-./echoserveri}
PROCESS=${DEMO_PROCESS:-./echoserverp}
SELECT=${DEMO_SELECT:-./echoservers}
THREAD=${DEMO_THREAD:-./echoservert}
PRETHREADED=${DEMO_PRETHREADED:-./echoservert_pre}
RACE=${DEMO_RACE:-./race}
tool=demo/demotool

for prog in "$ITERATIVE" "$PROCESS" "$SELECT" "$THREAD" "$PRETHREADED" \
    "$RACE" ./echoclient "$tool"; do
    if [ ! -x "$prog" ]; then
        echo "demo: $prog is missing: run make demo (or make) first" >&2
        exit 2
    fi
done

# Waits, in milliseconds. The full tour leaves time to read; -f keeps
# every wait the evidence needs, only shorter.
if [ -n "$fast" ]; then
    BEAT=0          # a pause to read what was just said
    TICK=0          # a pause between two events worth watching one by one
    HOLD=700        # how long a client keeps a server busy
    SETTLE=150      # time for the kernel to pass a few bytes along
    TRIALS=10       # race trials per run
else
    BEAT=4500
    TICK=1000
    HOLD=6000
    SETTLE=300
    TRIALS=50
fi
LIMIT=5000          # the most any wait for an expected event may take

# ---- Processes: every one is recorded, and stopped by its PID ----

tmp=${TMPDIR:-/tmp}/echodemo.$$
mkdir -m 700 "$tmp" || exit 2
pids=""

# True while any of the PIDs given still runs.
any_alive() {
    for p in "$@"; do
        kill -0 "$p" 2>/dev/null && return 0
    done
    return 1
}

# Stops every process this script started, and closes the clients' input.
stop_all() {
    exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
    for p in $pids $sleeper; do
        kill "$p" 2>/dev/null
    done
    # Every program here exits on SIGTERM within a second; one that does
    # not gets SIGKILL after two, so the wait below is bounded.
    i=0
    while [ $i -lt 20 ] && any_alive $pids; do
        "$tool" sleep 100 2>/dev/null
        i=$((i + 1))
    done
    for p in $pids $sleeper; do
        kill -9 "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    pids=""
}
trap 'stop_all; rm -rf "$tmp"' EXIT
trap 'echo; echo "demo: interrupted; stopping what it started"; exit 130' INT
trap 'exit 143' TERM
# Output cut short (make demo | head): stop, and clean up on the way out.
trap 'exit 141' PIPE

# spawn OUT CMD ARGS...: starts CMD in the background, stdin from $spawn_in
# (default /dev/null), stdout and stderr to OUT. The child gets none of the
# descriptors this shell holds for its clients: an inherited copy would
# keep a client's input open after we close ours. Sets $spawned.
spawn_in=/dev/null
spawn() {
    out=$1
    shift
    "$@" <"$spawn_in" >"$out" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    spawned=$!
    pids="$pids $spawned"
    spawn_in=/dev/null
}

now() { "$tool" now; }
# pause_ms MS: sleeps in the background and waits for it: a signal (kill,
# Ctrl-C) interrupts wait at once, where a foreground sleep would delay it.
sleeper=""
pause_ms() {
    "$tool" sleep "$1" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    sleeper=$!
    wait "$sleeper"
    sleeper=""
}
beat() { [ "$BEAT" -gt 0 ] && pause_ms "$BEAT"; }
tick() { [ "$TICK" -gt 0 ] && pause_ms "$TICK"; }

# waitfor FILE TEXT [COUNT [MS]]: prints when TEXT had appeared COUNT
# times in FILE; status 1 if that did not happen within MS.
waitfor() {
    "$tool" wait "$1" "$2" "${3:-1}" "${4:-$LIMIT}"
}

# count FILE TEXT: lines of FILE holding TEXT.
count() {
    grep -c -- "$2" "$1" 2>/dev/null || true
}

# start_server NAME PROG ARGS...: sets $server (its PID), $port and $log.
start_server() {
    log=$tmp/$1.log
    shift
    spawn "$log" "$@"
    server=$spawned
    if port=$("$tool" port "$log" "$LIMIT"); then
        echo "Started $* : $(head -n 1 "$log") (pid $server)"
        return 0
    fi
    echo "$1 did not say \"listening on port N\" within $LIMIT ms; it said:"
    sed 's/^/    | /' "$log"
    return 1
}

# ---- Clients: real echoclients, each fed through a FIFO we hold open ----

# client_open FD NAME: starts an echoclient to $port whose input is a FIFO
# this shell holds open on descriptor FD (3..9). What we write to FD goes
# to the server; closing FD is the client's end of input: it leaves.
# Its echo collects in $tmp/NAME.out; its PID is left in $client.
client_open() {
    mkfifo "$tmp/$2.in" || exit 2
    spawn_in=$tmp/$2.in
    spawn "$tmp/$2.out" ./echoclient 127.0.0.1 "$port"
    client=$spawned
    eval "exec $1>\"\$tmp/\$2.in\""
}
# In a subshell: a client that died must not take the demo with it when
# we write to its input (SIGPIPE ends the subshell only).
client_send() { (printf '%s' "$2" >&"$1") 2>/dev/null; }
client_close() { eval "exec $1>&-"; }

# wait_exit PID MS: waits for PID to end; status 1 if it still runs after MS.
wait_exit() {
    deadline=$(($(now) + $2))
    while kill -0 "$1" 2>/dev/null; do
        [ "$(now)" -lt "$deadline" ] || return 1
        pause_ms 10
    done
    return 0
}

# ---- What a process looks like from outside ----

# threads PID: its thread count, or nothing where this system hides it.
threads() {
    if [ -d "/proc/$1/task" ]; then
        set -- "/proc/$1/task"/*
        echo $#
    else
        ps -o nlwp= -p "$1" 2>/dev/null | tr -d ' '
    fi
}

# children PID: "pid state" for each child process of PID.
children() {
    ps -A -o pid= -o ppid= -o stat= 2>/dev/null |
        awk -v p="$1" '$2 == p { print $1, $3 }'
}

# ---- Reporting ----

t0=0
# at TEXT: a timeline line, seconds since the step began.
at() {
    t=$(($(now) - t0))
    printf '  %3d.%02d s  %s\n' $((t / 1000)) $((t % 1000 / 10)) "$1"
}
# dur MS: "12 ms" or "3.01 s".
dur() {
    if [ "$1" -lt 1000 ] && [ "$1" -gt -1000 ]; then
        echo "$1 ms"
    else
        v=$1 sign=
        [ "$v" -lt 0 ] && sign=- v=$((-v))
        printf '%s%d.%02d s\n' "$sign" $((v / 1000)) $((v % 1000 / 10))
    fi
}
show() { sed 's/^/    | /' "$@"; }
# para TEXT: a paragraph of narration, folded to the terminal's usual width.
para() { printf '%s\n' "$1" | fold -s -w 74 | sed 's/ *$//; s/^/  /'; }

failed=""
# verdict STEP yes|no TEXT: the step's last line, from what it observed.
verdict() {
    if [ "$2" = yes ]; then
        tag="[agrees with the lecture]"
    else
        tag="[CONTRADICTS the lecture]"
        failed="$failed $1"
    fi
    echo "observed (step $1): $3 $tag"
}

header() {
    if [ -n "$pause" ]; then
        printf '\n(press Enter for step %s) ' "$1"
        read -r _ || true
    fi
    echo
    echo "==== Step $1 of 6: $2 ===="
    t0=$(now)
}

# ---- Step 1: the iterative server ----

step1() {
    header 1 "an iterative server serves one client at a time"
    echo "echoserveri serves a client until it leaves; only then does it call"
    echo "accept again. Two clients, A and B, will show what that means for B."
    start_server s1 "$ITERATIVE" 0 ||
        { verdict 1 no "$ITERATIVE did not start"; return; }
    beat

    client_open 3 A
    pid_a=$client
    client_send 3 "hello from A$nl"
    at "A connects and sends \"hello from A\""
    if waitfor "$tmp/A.out" "hello from A" >/dev/null; then
        at "A gets its echo back"
    else
        at "A got no echo within $(dur $LIMIT)"
    fi
    beat

    client_open 4 B
    pid_b=$client
    sent_b=$(now)
    client_send 4 "hello from B$nl"
    at "B connects and sends \"hello from B\"; A stays connected"
    early=no
    if echo_b=$(waitfor "$tmp/B.out" "hello from B" 1 "$HOLD"); then
        early=yes
        at "B gets its echo, $(dur $((echo_b - sent_b))) after sending it, with A still connected"
    else
        conns=$(count "$log" "Connected to")
        at "$(dur "$HOLD") later: still no echo for B"
        if kill -0 "$pid_b" 2>/dev/null && [ ! -s "$tmp/B.out" ]; then
            echo "            B's echoclient runs without an error: its connect succeeded and"
            echo "            its line is sent. But the server has logged $conns connection(s):"
            echo "            it has not accepted B. The kernel completed B's handshake and"
            echo "            keeps B in the listen backlog; B's bytes wait in a kernel buffer."
        fi
    fi

    left_a=$(now)
    client_close 3
    at "A leaves (its input ends; it closes the connection)"
    if [ "$early" = no ]; then
        if echo_b=$(waitfor "$tmp/B.out" "hello from B"); then
            at "B gets its echo, $(dur $((echo_b - sent_b))) after sending it, $(dur $((echo_b - left_a))) after A left"
        else
            echo_b=""
            at "B still has no echo, $(dur $LIMIT) after A left"
        fi
    fi
    wait_exit "$pid_a" "$LIMIT"
    client_close 4
    wait_exit "$pid_b" "$LIMIT"
    echo "  The server's log:"
    show "$log"

    if [ "$early" = yes ]; then
        verdict 1 no "B's echo came $(dur $((echo_b - sent_b))) after it was sent, while A was still connected: two clients at once"
    elif [ -z "$echo_b" ]; then
        verdict 1 no "B got no echo at all"
    elif [ "$echo_b" -ge "$left_a" ]; then
        verdict 1 yes "B connected at once but its echo waited $(dur $((echo_b - sent_b))), until A left ($(dur $((echo_b - left_a))) after): one client at a time"
    else
        verdict 1 no "B's echo came before A left"
    fi
    stop_all
}

# ---- Step 2: a process per client ----

step2() {
    header 2 "a process per client, and no zombies"
    echo "echoserverp forks a child for each client. When a child exits, the"
    echo "kernel keeps its exit status until the parent collects it with"
    echo "waitpid: until then it is a zombie. Its SIGCHLD handler collects them."
    start_server s2 "$PROCESS" 0 ||
        { verdict 2 no "$PROCESS did not start"; return; }
    beat

    served=0
    cpids=""
    for k in 1 2 3; do
        client_open $((k + 2)) "C$k"
        cpids="$cpids $client"
        client_send $((k + 2)) "hello from C$k$nl"
    done
    for k in 1 2 3; do
        if waitfor "$tmp/C$k.out" "hello from C$k" 1 2000 >/dev/null; then
            served=$((served + 1))
        fi
    done
    at "3 clients connect, each sends a line; $served get their echo while all 3 stay connected"
    kids=$(children "$server" | awk '{ print $1 }' | tr '\n' ' ')
    nkids=$(echo "$kids" | wc -w | tr -d ' ')
    echo "  The server (pid $server) and its children, seen by ps:"
    list=$server
    for k in $kids; do list="$list,$k"; done
    ps -o pid,ppid,stat,args -p "$list" | show
    beat

    for k in 3 4 5; do client_close "$k"; done
    at "the 3 clients leave"
    for p in $cpids; do wait_exit "$p" "$LIMIT"; done
    # A child needs a moment to notice its client left and exit; then the
    # parent's handler reaps it. Wait for that, but not forever.
    deadline=$(($(now) + 2000))
    while [ -n "$(children "$server")" ] && [ "$(now)" -lt "$deadline" ]; do
        pause_ms 20
    done
    after=$(children "$server")
    zombies=$(echo "$after" | awk '$2 ~ /^Z/' | wc -l | tr -d ' ')
    alive=$(echo "$after" | awk 'NF && $2 !~ /^Z/' | wc -l | tr -d ' ')
    at "children of the server now: $alive running, $zombies zombie(s)"
    if [ -n "$after" ]; then
        echo "$after" | show
    fi
    beat

    echo "  What a zombie would look like: demotool forks a child that exits at"
    echo "  once and never waits for it (as echoserverp would without its handler):"
    spawn "$tmp/zombie.out" "$tool" zombie 60000
    zparent=$spawned
    if waitfor "$tmp/zombie.out" "$nl" >/dev/null; then
        zpid=$(head -n 1 "$tmp/zombie.out")
        pause_ms 50
        ps -o pid,ppid,stat,args -p "$zpid" | show
        echo "  State Z, <defunct>: it holds only a process-table slot and its exit"
        echo "  status. Its parent (pid $zparent) now exits; init adopts it and reaps it."
    fi
    kill "$zparent" 2>/dev/null
    wait_exit "$zparent" "$LIMIT"

    if [ "$served" -ne 3 ] || [ "$nkids" -ne 3 ]; then
        verdict 2 no "$served of 3 clients were served at once, by $nkids child process(es)"
    elif [ "$zombies" -gt 0 ] || [ "$alive" -gt 0 ]; then
        verdict 2 no "3 children served 3 clients at once, but after they left $zombies zombie(s) and $alive running child(ren) remained"
    else
        verdict 2 yes "3 clients were served at once by 3 child processes (pids$(echo " $kids" | sed 's/ *$//')); after they left, no child and no zombie remained"
    fi
    stop_all
}

# ---- Step 3: the select() event loop ----

step3() {
    n=20
    header 3 "one thread serves many clients with select()"
    echo "echoservers is one thread running an event loop: select reports which"
    echo "clients are ready, and each gets one small step. Client H sends half a"
    echo "line and stalls. The book's version would wait inside rio_readlineb"
    echo "for the rest of H's line; this one keeps H's half line in H's slot."
    start_server s3 "$SELECT" 0 ||
        { verdict 3 no "$SELECT did not start"; return; }
    beat

    client_open 3 H
    pid_h=$client
    client_send 3 "half a li"
    at "H connects and sends \"half a li\" (no newline), then stalls"
    pause_ms "$SETTLE"

    spawn "$tmp/many.out" "$tool" clients "$port" "$n" "$HOLD" 2000
    at "$n more clients connect at once, each sends a line"
    got=0
    slowest=""
    if waitfor "$tmp/many.out" "echoed" >/dev/null; then
        line=$(grep echoed "$tmp/many.out")
        got=$(echo "$line" | awk '{ print $2 }')
        slowest=$(echo "$line" | awk '{ print $(NF - 1) }')
        at "$got of $n get their echo; the slowest after $slowest ms"
    else
        at "the $n clients did not report within $(dur $LIMIT)"
    fi
    pause_ms "$SETTLE"
    nthr=$(threads "$server")
    conns=$(count "$log" "Connected to")
    h_early=no
    [ -s "$tmp/H.out" ] && h_early=yes
    if [ -n "$nthr" ]; then
        at "$conns clients connected; threads in the server: $nthr"
    else
        at "with $conns clients connected (this system does not show thread counts)"
    fi
    at "H has received $(wc -c <"$tmp/H.out" | tr -d ' ') bytes back: its half line waits in its slot"
    beat

    client_send 3 "ne$nl"
    at "H sends the rest of its line, \"ne\""
    h_ok=no
    if waitfor "$tmp/H.out" "half a line" 1 2000 >/dev/null; then
        at "H gets \"$(cat "$tmp/H.out")\" back: the two pieces joined"
        h_ok=yes
    else
        at "H got no echo for its line"
    fi
    client_close 3
    wait_exit "$pid_h" "$LIMIT"
    echo "  The server's log, first lines:"
    head -n 6 "$log" | show

    why=""
    [ "$got" = "$n" ] || why="$why; only $got of $n clients were echoed while H held half a line"
    [ "$h_early" = no ] || why="$why; H got bytes back before its line was complete"
    [ "$h_ok" = yes ] || why="$why; H's completed line did not come back"
    [ -z "$nthr" ] || [ "$nthr" = 1 ] ||
        why="$why; $got of $n clients were echoed while H held half a line, but by a server running $nthr threads, not one"
    if [ -z "$why" ]; then
        one="one thread"
        [ -n "$nthr" ] || one="one process"
        verdict 3 yes "$n clients echoed (slowest $slowest ms) by $one while H held half a line; H's line came back whole once complete"
    else
        verdict 3 no "${why#; }"
    fi
    stop_all
}

# ---- Step 4: a thread per client ----

step4() {
    header 4 "a thread per client: the thread count rises and falls"
    echo "echoservert creates a detached thread for each client; the thread"
    echo "exits when its client leaves. We count the server's threads"
    echo "(/proc/PID/task) as 5 clients come one by one, then leave one by one."
    start_server s4 "$THREAD" 0 ||
        { verdict 4 no "$THREAD did not start"; return; }
    idle=$(threads "$server")
    if [ -z "$idle" ]; then
        echo "  This system shows no thread counts (no /proc/PID/task, no ps nlwp):"
        echo "  only the service itself can be observed here."
    fi
    beat

    trail=${idle:-?}
    served=0
    tpids=""
    for k in 1 2 3 4 5; do
        client_open $((k + 2)) "T$k"
        tpids="$tpids $client"
        client_send $((k + 2)) "hello from T$k$nl"
        if waitfor "$tmp/T$k.out" "hello from T$k" 1 2000 >/dev/null; then
            served=$((served + 1))
        fi
        nthr=$(threads "$server")
        trail="$trail ${nthr:-?}"
        at "T$k connects and gets its echo; threads: ${nthr:-?}"
        tick
    done
    peak=${nthr:-}
    beat
    # shellcheck disable=SC2086 # one argument per client
    set -- $tpids
    for k in 1 2 3 4 5; do
        before=$(threads "$server")
        client_close $((k + 2))
        wait_exit "$1" "$LIMIT"
        shift
        # The thread exits a moment after its client: wait for the count
        # to drop, but not forever.
        deadline=$(($(now) + 1000))
        nthr=$(threads "$server")
        while [ -n "$nthr" ] && [ "$nthr" -ge "$before" ] &&
            [ "$(now)" -lt "$deadline" ]; do
            pause_ms 10
            nthr=$(threads "$server")
        done
        trail="$trail ${nthr:-?}"
        at "T$k leaves; threads: ${nthr:-?}"
        tick
    done
    # The last thread may take a moment more to go.
    deadline=$(($(now) + 2000))
    while [ -n "$nthr" ] && [ "$nthr" != "$idle" ] && [ "$(now)" -lt "$deadline" ]; do
        pause_ms 10
        nthr=$(threads "$server")
    done
    final=${nthr:-}
    echo "  Thread counts: $trail"

    if [ "$served" -ne 5 ]; then
        verdict 4 no "only $served of 5 clients were served at once; thread counts: $trail"
    elif [ -z "$idle" ]; then
        verdict 4 yes "5 clients served at once (thread counts not observable on this system)"
    elif [ "$peak" -eq $((idle + 5)) ] && [ "$final" -eq "$idle" ]; then
        verdict 4 yes "threads went $idle -> $peak with 5 clients (one each) -> $final after they left"
    else
        verdict 4 no "threads went $idle -> $peak with 5 clients -> $final after they left; expected $idle -> $((idle + 5)) -> $idle"
    fi
    stop_all
}

# ---- Step 5: the prethreaded pool and its bounded buffer ----

# served5: the clients among $waiting that have their echo, by number.
served5() {
    for k in $waiting; do
        [ -s "$tmp/P$k.out" ] && printf '%s ' "$k"
    done
}

# sync5: waits (a little) until each line the server logged has reached
# its client, so that looking at the clients' files shows who is served.
sync5() {
    deadline=$(($(now) + 2000))
    while [ "$(echoes_seen)" -lt "$(count "$log" "server received")" ] &&
        [ "$(now)" -lt "$deadline" ]; do
        pause_ms 10
    done
}
echoes_seen() {
    seen=0 j=0
    while [ "$j" -lt "$n" ]; do
        j=$((j + 1))
        [ -s "$tmp/P$j.out" ] && seen=$((seen + 1))
    done
    echo "$seen"
}

step5() {
    workers=2 slots=2 n=6
    header 5 "a prethreaded pool fed by a bounded buffer"
    echo "echoservert_pre $workers $slots: $workers worker threads made at start-up, and a buffer"
    echo "of $slots slots. The main thread (producer) accepts and inserts each"
    echo "connection; a free worker (consumer) removes one and serves it to the"
    echo "end. $n clients arrive: more than the workers and the slots together."
    start_server s5 "$PRETHREADED" 0 "$workers" "$slots" ||
        { verdict 5 no "$PRETHREADED did not start"; return; }
    pause_ms "$SETTLE"
    idle=$(threads "$server")
    [ -n "$idle" ] && at "before any client: $idle threads (main + $workers workers)"
    beat

    waiting=""
    k=0
    while [ "$k" -lt "$n" ]; do
        k=$((k + 1))
        client_open $((k + 2)) "P$k"
        eval "pid_p$k=\$client"
        client_send $((k + 2)) "hello from P$k$nl"
        waiting="$waiting $k"
        pause_ms 50 # one at a time, so they queue in this order
    done
    at "clients P1..P$n connect, each sends a line and stays"
    # Give the server time to take what it will: the accepts, the first
    # echoes. Bounded waits: a server that takes less shows it.
    waitfor "$log" "Connected to" $((workers + slots + 1)) 2000 >/dev/null
    waitfor "$log" "server received" "$workers" 2000 >/dev/null
    pause_ms "$SETTLE"

    wave=0 most=0 first_conns="" thr_seen="" echoed=0 ok=yes
    while [ -n "$waiting" ]; do
        wave=$((wave + 1))
        sync5
        now_served=$(served5)
        count_now=$(echo "$now_served" | wc -w | tr -d ' ')
        conns=$(count "$log" "Connected to")
        nthr=$(threads "$server")
        thr_seen="$thr_seen ${nthr:-?}"
        [ -n "$first_conns" ] || first_conns=$conns
        [ "$count_now" -gt "$most" ] && most=$count_now
        rest=""
        for k in $waiting; do
            case " $now_served" in *" $k "*) ;; *) rest="$rest P$k" ;; esac
        done
        at "served: $(for k in $now_served; do printf 'P%s ' "$k"; done)| waiting:${rest:- none} | accepted so far: $conns | threads: ${nthr:-?}"
        if [ "$wave" = 1 ] && [ "$conns" -eq $((workers + slots + 1)) ]; then
            echo "            $conns accepted: $workers being served, $slots filling the buffer's"
            echo "            slots, 1 held by the main thread, which waits in sbuf_insert"
            echo "            for a free slot; the rest wait in the kernel's listen backlog."
        fi
        if [ "$count_now" -eq 0 ]; then
            at "nobody is being served: stopping here"
            ok=no
            break
        fi
        beat
        echoed=$((echoed + count_now))
        for k in $now_served; do
            client_close $((k + 2))
            eval "wait_exit \"\$pid_p$k\" \"\$LIMIT\""
        done
        at "$(for k in $now_served; do printf 'P%s ' "$k"; done)leave"
        left=""
        for k in $waiting; do
            case " $now_served" in *" $k "*) ;; *) left="$left $k" ;; esac
        done
        waiting=$left
        [ -n "$waiting" ] || break
        # Each worker freed takes the next client: wait for their log lines.
        want=$((echoed + workers))
        [ "$want" -gt "$n" ] && want=$n
        waitfor "$log" "server received" "$want" 2000 >/dev/null
        pause_ms "$SETTLE"
    done
    echo "  The server's log:"
    show "$log"

    steady=yes
    for t in $thr_seen; do
        [ "$t" = "${idle:-?}" ] || steady=no
    done
    if [ "$ok" = yes ] && [ "$most" -eq "$workers" ] &&
        [ "$first_conns" -eq $((workers + slots + 1)) ] && [ "$steady" = yes ]; then
        tc="$idle threads throughout"
        [ -n "$idle" ] || tc="thread count not observable here"
        verdict 5 yes "at most $workers of $n clients served at once, in $wave waves; the buffer filled ($first_conns accepted at first = $workers + $slots + 1); $tc"
    else
        verdict 5 no "served at most $most at once with $workers workers; $first_conns accepted at first (want $((workers + slots + 1))); thread counts:${thr_seen}"
    fi
    stop_all
}

# ---- Step 6: the race ----

# races FILE: R from the last line "races: R of T trials".
races() { awk '/^races:/ { print $2 }' "$1"; }
# wrong FILE: average, over the trials shown, of the threads that saw a
# value other than their own.
wrong() {
    awk '/^trial [0-9]+:/ { t++; if ($4 == "of") w += $3 }
         END { if (t) printf "%d", w / t; else print 0 }' "$1"
}
# crowd FILE: the most threads that saw one same value in a shown trial.
crowd() {
    awk '{ while (match($0, /\(x[0-9]+\)/)) {
               v = substr($0, RSTART + 2, RLENGTH - 3) + 0
               if (v > m) m = v
               $0 = substr($0, RSTART + RLENGTH) } }
         END { print m + 0 }' "$1"
}

step6() {
    header 6 "the race on &i, and its fix"
    ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")
    echo "race creates 100 threads and hands each one &i, the address of main's"
    echo "loop variable; each thread reads i whenever it gets to run. If main has"
    echo "incremented i by then, the thread sees another thread's value. A trial"
    echo "races if any thread saw a value other than its own. This machine has"
    echo "$ncpu processor(s) online."
    beat

    "$RACE" -t "$TRIALS" >"$tmp/race.out" 2>&1
    echo "  \$ ./race -t $TRIALS        (first trials and the count)"
    sed -n '2,5p' "$tmp/race.out" | show
    tail -n 1 "$tmp/race.out" | show
    r=$(races "$tmp/race.out")
    "$RACE" --fixed -t "$TRIALS" >"$tmp/fixed.out" 2>&1
    echo "  \$ ./race --fixed -t $TRIALS   (each thread gets its own copy of i)"
    sed -n '2,3p' "$tmp/fixed.out" | show
    tail -n 1 "$tmp/fixed.out" | show
    f=$(races "$tmp/fixed.out")
    beat

    p=""
    if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
        taskset -c 0 "$RACE" -t "$TRIALS" >"$tmp/pinned.out" 2>&1
        echo "  \$ taskset -c 0 ./race -t $TRIALS   (every thread on core 0)"
        sed -n '2,5p' "$tmp/pinned.out" | show
        tail -n 1 "$tmp/pinned.out" | show
        p=$(races "$tmp/pinned.out")
        para "Free: $r of $TRIALS trials raced; in the trials shown, on average $(wrong "$tmp/race.out") of 100 threads saw a wrong value, and at most $(crowd "$tmp/race.out") threads saw the same one. Pinned: $p of $TRIALS; on average $(wrong "$tmp/pinned.out") wrong, at most $(crowd "$tmp/pinned.out") threads the same value."
        cp=$(crowd "$tmp/pinned.out")
        if [ "${p:-0}" -gt 0 ]; then
            text="Pinned to one core it raced too. On one core nothing runs at the same moment: whether a new thread reads i before main's next i++ is decided by the scheduler alone."
            [ "$cp" -gt 1 ] && text="$text Here it lets main run on after pthread_create: up to $cp threads saw one value, so main got through several i++ before they ran."
            para "$text The lecture's single-core laptop showed no race, presumably because its scheduler ran each new thread first. On several cores no such decision is needed: a new thread starts on another core while main goes on, so the race shows with any scheduler. Either way the outcome depends on timing: that is what makes it a race."
        else
            para "Pinned to one core it did not race: the scheduler ran each new thread before main went on, as on the lecture's single-core laptop. On several cores both run at once, and main's i++ can come first."
        fi
    else
        echo "  Pinning to one core is not available here (no taskset, or it is not"
        echo "  allowed): the pinned run is skipped."
    fi

    pinned="pinned to one core: unavailable"
    [ -n "$p" ] && pinned="pinned to one core: $p of $TRIALS"
    if [ -z "$r" ] || [ -z "$f" ]; then
        verdict 6 no "race did not report its count (\"races: R of T trials\")"
    elif [ "$f" -ne 0 ]; then
        verdict 6 no "race --fixed raced in $f of $TRIALS trials"
    elif [ "$r" -eq 0 ] && [ "$ncpu" != 1 ]; then
        verdict 6 no "race raced in 0 of $TRIALS trials on $ncpu processors; --fixed 0 of $TRIALS"
    else
        verdict 6 yes "race raced in $r of $TRIALS trials, race --fixed in 0 of $TRIALS ($pinned)"
    fi
}

# ---- The tour ----

nl='
'
start=$(now)
echo "The lecture, live: each step starts a real server on a free port on"
echo "loopback, drives real clients, and ends with what it observed."
for s in $steps; do
    case $s in
    1) step1 ;;
    2) step2 ;;
    3) step3 ;;
    4) step4 ;;
    5) step5 ;;
    6) step6 ;;
    esac
done
took=$(($(now) - start))
echo
# shellcheck disable=SC2086 # counting the words is the point
nsteps=$(echo $steps | wc -w | tr -d ' ')
if [ -z "$failed" ]; then
    echo "All $nsteps step(s) agree with the lecture (took $(dur "$took"))."
    exit 0
fi
echo "Step(s)$failed CONTRADICT the lecture (took $(dur "$took"))."
exit 1
