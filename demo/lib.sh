# demo/lib.sh - what every step of the demo uses (sourced by demo/demo.sh):
# the pace, processes recorded by PID, a server, clients fed through FIFOs,
# timelines and the verdict line, the server's log shown live, lines fitted
# to 80 columns, and the pauses. Servers are started and stopped by
# bench/servers.sh, the helper the benchmark uses too. Only POSIX sh and
# utilities, plus demo/demotool (demotool.c) for what sh cannot do
# portably: a millisecond clock, short sleeps, bounded waits on a log file.
tool=demo/demotool
# shellcheck source=bench/servers.sh
. bench/servers.sh
nl='
'

# demo_pace FAST: the waits, in milliseconds. The full tour leaves time to
# read; fast (FAST not empty) keeps every wait the evidence needs, shorter.
demo_pace() {
    if [ -n "$1" ]; then
        BEAT=0 TICK=0     # a pause to read; a pause between two events
        HOLD=700          # how long a client keeps a server busy
        SETTLE=150        # time for the kernel to pass a few bytes along
        TRIALS=10         # race trials per run
    else
        BEAT=4500 TICK=1000 HOLD=6000 SETTLE=300 TRIALS=50
    fi
    LIMIT=5000            # the most any wait for an expected event may take
}

# needs PROG...: programs a step runs; demo_check says which are missing.
needed=""
needs() { needed="$needed $*"; }
demo_check() {
    for prog in $needed ./echoclient "$tool"; do
        [ -x "$prog" ] && [ -f "$prog" ] && continue
        if [ -f "${prog#./}.c" ] && [ ! -e "$prog" ]; then
            echo "demo: $prog is not built: run make demo (or make) first" >&2
        elif [ ! -e "$prog" ]; then
            echo "demo: $prog: no such file (a DEMO_... variable names it?)" >&2
        else
            echo "demo: $prog is not an executable file" >&2
        fi
        exit 2
    done
}

# ---- Processes: every one is recorded, and stopped by its PID ----

pids="" sleeper=""
# demo_setup: the private directory, and the traps that stop everything.
demo_setup() {
    tmp=${TMPDIR:-/tmp}/echodemo.$$
    mkdir -m 700 "$tmp" || exit 2
    TMP=$tmp ME=demo # for bench/servers.sh
    quiet_keys
    trap 'stop_all; rm -rf "$tmp"; keys_back' EXIT
    trap 'echo; echo "demo: interrupted; stopping what it started"; exit 130' INT
    trap 'exit 143' TERM
    # Output cut short (make demo | head): stop, and clean up on the way out.
    trap 'exit 141' PIPE
}

# Stops the server (and its children), every other process this script
# started, and closes the clients' input. Bounded: SIGKILL after 2 s.
stop_all() {
    exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
    for pid in $pids $sleeper; do kill "$pid" 2>/dev/null; done
    stop_server
    # shellcheck disable=SC2086 # one word per PID
    poll_until 2000 none_alive $pids
    for pid in $pids $sleeper; do
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    pids=""
}
none_alive() {
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 1; done
    return 0
}

# spawn OUT CMD ARGS...: starts CMD in the background, stdin from $spawn_in
# (default /dev/null), stdout and stderr to OUT. The child gets none of the
# descriptors this shell holds for its clients: an inherited copy would
# keep a client's input open after we close ours. Sets $spawned.
spawn_in=/dev/null
spawn() {
    spawn_out=$1
    shift
    "$@" <"$spawn_in" >"$spawn_out" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    spawned=$!
    pids="$pids $spawned"
    spawn_in=/dev/null
}

now() { "$tool" now; }
# pause_ms MS: sleeps in the background and waits for it: a signal (kill,
# Ctrl-C) interrupts wait at once, where a foreground sleep would delay it.
pause_ms() {
    "$tool" sleep "$1" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    sleeper=$!
    wait "$sleeper"
    sleeper=""
}
server_nap() { pause_ms 100; } # bench/servers.sh's wait, without sleep 0.1
# beat: a pause to say what just happened, after the server's news. With
# PAUSE=beat (demo_pauses), it lasts until the instructor presses Enter,
# read from the terminal, and the step's next wait starts only then.
beat() {
    log_news
    mark_pause beat
    if [ "$PAUSE_AT" = beat ]; then
        wait_enter "            (Enter) "
    elif [ "$BEAT" -gt 0 ]; then
        pause_ms "$BEAT"
    fi
    return 0
}
tick() { [ "$TICK" -gt 0 ] && pause_ms "$TICK"; }
# hold: the pause just before a reveal, whose outcome the audience could
# guess first: an awaited echo (reveal), a process table (show_ps), a
# program's count (show_run), the verdict. With PAUSE=beat it waits for
# Enter; unattended it is a tick. What it reveals was measured before it,
# so the times shown are the events' own, not the pause's.
hold() {
    mark_pause hold
    if [ "$PAUSE_AT" = beat ]; then
        wait_enter "            (Enter) "
    else
        tick
    fi
    return 0
}

# mark_pause KIND: with DEMO_MARK_PAUSES=1, a line "(beat)" or "(hold)"
# where the demo pauses, so tests/test_demo.sh can see where PAUSE=beat
# would wait without a terminal to press Enter on.
mark_pause() { [ "${DEMO_MARK_PAUSES:-}" != 1 ] || echo "            ($1)"; }

# demo_pauses MODE: where the demo waits for Enter: "" (never: it runs
# unattended), step (before each step) or beat (before each step and at
# each beat). A mode needs a terminal; without one the demo says so and
# runs straight through.
PAUSE_AT=""
demo_pauses() {
    PAUSE_AT=$1
    [ -n "$PAUSE_AT" ] || return 0
    # A subshell: a failed redirection of ':' would end this very shell.
    if ! (: </dev/tty) 2>/dev/null; then
        echo "(PAUSE needs a terminal: running straight through)"
        PAUSE_AT=""
    fi
}
# wait_enter PROMPT: shows PROMPT and waits for Enter on the terminal
# (keys pressed before it are dropped: demotool enter); on a terminal the
# prompt is then erased, so the projected text stays clean (output to a
# file or pipe gets the line's end instead). With echo off (quiet_keys)
# the cursor is still on the prompt's line; with it on, one line below.
wait_enter() {
    printf '%s' "$1"
    "$tool" enter </dev/tty || true
    if [ ! -t 1 ]; then
        echo
    elif [ -n "$tty_state" ]; then
        printf '\r\033[K'
    else
        printf '\033[1A\033[K'
    fi
}

# quiet_keys: the terminal stops echoing keys until keys_back (on exit,
# Ctrl-C or kill): Enter pressed while the demo waits would print a blank
# line on the projected screen. Only where the demo's input is a terminal.
tty_state=""
quiet_keys() {
    [ -t 0 ] || return 0
    tty_state=$(stty -g 2>/dev/null) || { tty_state=""; return 0; }
    stty -echo 2>/dev/null
}
keys_back() { [ -z "$tty_state" ] || stty "$tty_state" 2>/dev/null; }

# waitfor FILE TEXT [COUNT [MS]]: prints when TEXT had appeared COUNT
# times in FILE; status 1 if that did not happen within MS.
waitfor() { "$tool" wait "$1" "$2" "${3:-1}" "${4:-$LIMIT}"; }
# count FILE TEXT: lines of FILE holding TEXT.
count() { grep -c -- "$2" "$1" 2>/dev/null || true; }

# poll_until MS CMD ARGS...: runs CMD every 10 ms until it succeeds;
# status 1 if it still fails after MS.
poll_until() {
    deadline=$(($(now) + $1))
    shift
    until "$@"; do
        [ "$(now)" -lt "$deadline" ] || return 1
        pause_ms 10
    done
}
# wait_exit PID MS: waits for PID to end; status 1 if it still runs after MS.
wait_exit() { poll_until "$2" none_alive "$1"; }

# demo_server NAME PROG ARGS...: starts PROG on port 0 with ARGS after it,
# output in $tmp/NAME.log; sets $server (its PID), $port and $log.
demo_server() {
    log=$tmp/$1.log SLOG=$tmp/$1.log prog=$2
    shift 2
    if start_server "$prog" "$@" 2>/dev/null; then
        server=$SPID port=$SPORT live_log=$log log_seen=0
        set -- "$prog" 0 "$@"
        say "Started $* on port $port (pid $server)"
        log_news
        return 0
    fi
    echo "$prog did not say \"listening on port N\" within $LIMIT ms; it said:"
    show "$log"
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
    # Its track in a trace (--pictures): "client NAME".
    spawn "$tmp/$2.out" env ECHO_TRACE_NAME="$2" ./echoclient 127.0.0.1 "$port"
    client=$spawned
    eval "exec $1>\"\$tmp/\$2.in\""
}
# In a subshell: a client that died must not take the demo with it when
# we write to its input (SIGPIPE ends the subshell only).
client_send() { (printf '%s' "$2" >&"$1") 2>/dev/null; }
client_close() { eval "exec $1>&-"; }

# counted WHAT FILE: N of the closing line "WHAT: N of T trials" that
# race, deadlock, livelock and starvation print (empty if it is missing).
counted() {
    sed -n "s/^$1: \([0-9][0-9]*\) of [0-9][0-9]* trials\$/\1/p" "$2"
}

# show_run OUT LAST SHOWN CMD...: runs CMD (to its end) into $tmp/OUT and
# shows, under "$ SHOWN", after a hold, its lines 2..LAST (kept in
# $tmp/OUT.shown, for a summary of what was shown) and its last line (the
# count).
show_run() {
    file=$tmp/$1 last=$2 shown=$3
    shift 3
    echo "  \$ $shown"
    spawn "$file" "$@" # recorded: stopped by its PID on Ctrl-C or kill
    wait "$spawned"
    hold
    sed -n "2,${last}p" "$file" >"$file.shown"
    show "$file.shown"
    tail -n 1 "$file" | show
}

# ---- Reporting ----

# about NAME SECONDS TITLE: step NAME's title (its header's) and how long
# it usually takes unattended, at full pace (demo/demo.sh -l lists both).
about() { eval "about_secs_$1=\$2 about_title_$1=\$3"; }
about_secs() { eval "echo \"\${about_secs_$1:-?}\""; }
about_title() { eval "echo \"\${about_title_$1:-}\""; }

# header: the step's first line, its title (about); its clock starts
# here. The driver sets $step (this step's number), $step_id (its name)
# and $nsteps (how many the tour has).
header() {
    echo
    title="==== Step $step of $nsteps: $(about_title "$step_id") ===="
    [ ${#title} -le "$WIDTH" ] || title="==== Step $step of $nsteps: $(about_title "$step_id")"
    say "$title" "     "
    t0=$(now) live_log="" log_seen=0
}
# at TEXT: a timeline line, seconds since the step began, then the
# server's news (its log lines since the last look): what it said about
# the event TEXT tells of, or since.
at() { at_then "$(now)" "$1"; }
# reveal WHEN TEXT: a hold, then the timeline line of an event that
# happened at WHEN (a now time, measured before the hold).
reveal() {
    hold
    at_then "$1" "$2"
}
# at_then WHEN TEXT: the timeline line of an event at WHEN.
at_then() {
    at_ms=$(($1 - t0))
    say "$(printf '  %3d.%02d s  %s' $((at_ms / 1000)) $((at_ms % 1000 / 10)) "$2")" \
        "            "
    narrate "$(printf '%d.%02d s: %s' $((at_ms / 1000)) $((at_ms % 1000 / 10)) "$2")"
    log_news
}
# dur MS: "12 ms" or "3.01 s".
dur() {
    if [ "$1" -lt 1000 ] && [ "$1" -gt -1000 ]; then
        echo "$1 ms"
        return
    fi
    v=$1 sign=
    [ "$v" -lt 0 ] && sign=- v=$((-v))
    printf '%s%d.%02d s\n' "$sign" $((v / 1000)) $((v % 1000 / 10))
}
# show [FILE]: FILE (or stdin), each line under "    | ", folded to fit.
# Showing the server's whole log counts as having shown its news.
show() {
    [ $# -gt 0 ] && [ "$1" = "$live_log" ] && log_seen=$(wc -l <"$1" | tr -d ' ')
    cat "$@" | fit "    | " "    |     "
}
# show_ps PIDS: the process table of PIDS (separated by commas), by ps;
# where there is no ps, a line says so (the verdicts do not need it).
# A hold first: the audience can guess what the table will hold.
show_ps() {
    hold
    if command -v ps >/dev/null 2>&1; then
        ps -o pid,ppid,stat,args -p "$1" | show
    else
        echo "    (no ps here to show the process table)"
    fi
}
# para TEXT: a paragraph of narration, folded to the terminal's usual width.
para() { printf '%s\n' "$1" | fold -s -w 74 | sed 's/ *$//; s/^/  /'; }

# ---- Fitting the projector: 80 columns, folded between words ----

WIDTH=80
# fit FIRST REST: each line of stdin after FIRST, folded at spaces to fit
# WIDTH columns, its continuation lines after REST. A line that fits is
# left as it is; a word longer than a line is cut. The unit separator
# (\037, $keep) is a space where no fold may fall: shown as a space.
keep=$(printf '\037')
fit() {
    awk -v first="$1" -v rest="$2" -v width="$WIDTH" -v keep="$keep" '
    {
        s = first $0; plen = length(first)
        while (length(s) > width) {
            cut = 0
            for (i = width + 1; i > plen + 1; i--)
                if (substr(s, i, 1) == " ") { cut = i; break }
            if (cut == 0) { head = substr(s, 1, width); tail = substr(s, width + 1) }
            else { head = substr(s, 1, cut - 1); tail = substr(s, cut + 1) }
            sub(/ +$/, "", head); sub(/^ +/, "", tail)
            gsub(keep, " ", head); print head
            s = rest tail; plen = length(rest)
        }
        gsub(keep, " ", s); print s
    }'
}
# say TEXT [REST]: TEXT fitted, its continuation lines after REST
# (default: two spaces).
say() { printf '%s\n' "$1" | fit "" "${2:-  }"; }

# ---- The server's log, live: its news at each event of the timeline ----

LOG_NEWS=3 # the most of its lines shown at once; the rest are counted,
           # by their first two words ("Connected to", "server received")
live_log="" log_seen=0
# log_news: the lines the server (demo_server) logged since the last look,
# whole lines only, each under "| " and cut to WIDTH: the server's own
# words, as they come, under the narration.
log_news() {
    [ -n "$live_log" ] && [ -f "$live_log" ] || return 0
    log_lines=$(wc -l <"$live_log" | tr -d ' ')
    [ "$log_lines" -gt "$log_seen" ] || return 0
    sed -n "$((log_seen + 1)),${log_lines}p" "$live_log" |
        awk -v most="$LOG_NEWS" -v width="$WIDTH" -v n=$((log_lines - log_seen)) '
        NR <= most { print substr("            | " $0, 1, width); next }
        { key = $1 " " $2; if (!(key in seen)) order[++kinds] = key; seen[key]++ }
        END {
            if (n <= most) exit
            more = sprintf("(%d more log line%s:", n - most, n - most > 1 ? "s" : "")
            for (k = 1; k <= kinds; k++)
                more = more sprintf(" %d \"%s\"%s", seen[order[k]], order[k],
                                    k < kinds ? "," : ")")
            print substr("            | " more, 1, width)
        }'
    log_seen=$log_lines
}

# verdict yes|no TEXT: the step's last line, from what it observed.
failed=""
verdict() {
    tag="[agrees with the lecture]"
    if [ "$1" != yes ]; then
        tag="[CONTRADICTS the lecture]"
        failed="$failed $step"
    fi
    log_news
    hold
    # The tag is kept on one line ($keep: a space no fold falls on).
    say "observed (step $step): $2 $(echo "$tag" | tr ' ' "$keep")" "    "
    verdict_line="observed (step $step): $2 $tag"
}

# ---- Pictures (--pictures DIR): each step's trace, drawn ----

draw=demo/drawstep
# demo_pictures DIR: where the pictures go ("": none), in $pictures (the
# driver's option); a relative DIR is taken from where the demo was
# started ($here).
demo_pictures() {
    pictures=$1
    [ -n "$pictures" ] || return 0
    case $pictures in /*) ;; *) pictures=$here/$pictures ;; esac
    mkdir -p "$pictures" 2>/dev/null && [ -w "$pictures" ] ||
        { echo "demo: cannot write pictures into $pictures" >&2; exit 2; }
    [ -x "$draw" ] || { echo "demo: $draw is not built: run make demo first" >&2; exit 2; }
}
# picture_begin: every program the step starts traces into
# DIR/stepN.json (ECHO_TRACE, trace.h); its timeline is kept for the
# picture's narration.
picture_begin() {
    [ -n "$pictures" ] || return 0
    trace=$pictures/step$step.json
    rm -f "$trace" "$pictures/step$step.svg"
    # A step's picture needs its first seconds, not a benchmark's millions
    # of lines: the cap keeps the file small enough to read quickly.
    ECHO_TRACE=$trace ECHO_TRACE_MAX=4000000
    export ECHO_TRACE ECHO_TRACE_MAX
    # The narration begins with what the step's file says it shows.
    sed -n '/^#/!q; s/^# \{0,1\}//; s/^demo\/step_[a-z]*\.sh - step: //; p' \
        "demo/step_$step_id.sh" >"$tmp/narration"
    verdict_line=""
}
narrate() { [ -z "$pictures" ] || printf '%s\n' "$1" >>"$tmp/narration"; }
# picture_end: the step's picture, DIR/stepN.svg, drawn from its trace,
# its caption the verdict.
picture_end() {
    [ -n "$pictures" ] || return 0
    unset ECHO_TRACE ECHO_TRACE_MAX
    if "$draw" --kind "$step_id" --title "Step $step: $(about_title "$step_id")" \
        --caption "$verdict_line" --narration "$tmp/narration" \
        "$trace" "$pictures/step$step.svg" 2>"$tmp/draw.err"; then
        say "  (picture: $pictures/step$step.svg; trace: $trace)"
    else
        echo "  demo: no picture for step $step:"
        show "$tmp/draw.err"
    fi
}
