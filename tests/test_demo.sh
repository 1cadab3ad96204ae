#!/bin/sh
# test_demo.sh - make demo's steps, run unattended in its fast mode: every
# step must end with one verdict line that agrees with the lecture, a
# swapped-in wrong server must turn a verdict into a contradiction (the
# verdicts are computed, not printed), no server may outlive the demo,
# every line fits 80 columns, the server's log shows up as it happens and a
# mistyped program is named as missing.
# The steps are the ones demo/demo.sh -l lists (with each title and
# usual length; make demo-list too), and the README must show each of
# them. PAUSE=beat pauses before each reveal; what a summary sums and
# what a count counts are what the audience saw. Prints "PASS demo NAME", "FAIL demo NAME" (with what it
# saw) or "SKIP demo NAME", one line per test, as the C tests do.
# Run from the top of the tree: tests/test_demo.sh (make test does).
tmp=${TMPDIR:-/tmp}/test_demo.$$
nl='
'
failed=0

pass() { echo "PASS demo $1"; }
fail() {
    echo "FAIL demo $1"
    shift
    for line in "$@"; do echo "    $line"; done
    failed=1
}
# The steps' numbers, 1..N, from the demo's own list.
steps=$(sh demo/demo.sh -l 2>/dev/null | awk '/^ *[0-9]+  / { print $1 }')
nsteps=$(echo "$steps" | grep -c .)
skip_all() {
    echo "SKIP demo readme_shows_every_step"
    for t in $steps; do echo "SKIP demo step_${t}_agrees_with_the_lecture"; done
    echo "SKIP demo swapped_server_contradicts_the_lecture"
    echo "SKIP demo every_picture_is_well_formed_titled_and_agrees_with_its_trace"
    echo "SKIP demo iterative_picture_has_two_client_columns_and_echoes_b_after_a_leaves"
    echo "SKIP demo swapped_server_changes_the_picture"
    echo "SKIP demo loops_step_contradicts_a_server_without_loops"
    echo "SKIP demo prefork_step_contradicts_a_pool_of_threads"
    echo "SKIP demo deadlock_step_contradicts_a_program_that_never_deadlocks"
    echo "SKIP demo livelock_step_contradicts_a_program_that_never_livelocks"
    echo "SKIP demo starvation_step_contradicts_a_program_that_never_starves"
    echo "SKIP demo livelock_and_starvation_steps_fit_80_columns"
    echo "SKIP demo DEMO_EVENTS_and_DEMO_SELECT_swap_the_event_server"
    echo "SKIP demo leaves_no_server_running"
    echo "SKIP demo every_line_fits_80_columns"
    echo "SKIP demo shows_the_server_log_as_it_happens"
    echo "SKIP demo a_mistyped_program_is_named_as_missing"
    echo "SKIP demo a_bad_step_or_pause_is_named"
    echo "SKIP demo a_pause_without_a_terminal_runs_through"
    echo "SKIP demo lists_each_step_with_its_title_and_length"
    echo "SKIP demo pauses_come_before_each_reveal"
    echo "SKIP demo race_summary_sums_the_trial_shown"
    echo "SKIP demo more_log_lines_are_counted_by_kind"
    echo "SKIP demo keys_pressed_while_it_waits_print_no_blank_line"
    echo "    $1"
    exit 0
}

# The checkers (make check-asan etc.) change what the demo counts: threads,
# the race it shows on purpose.
[ -z "${TEST_SANITIZER:-}${TEST_VALGRIND:-}" ] ||
    skip_all "the demo shows the plain build; a checker changes its thread counts and flags its race"
if [ ! -x demo/demotool ] || [ ! -f demo/demo.sh ]; then
    skip_all "no demo/demotool here: make test builds it"
fi

# The README's table of steps has a row for each step, numbered in order,
# and its excerpt counts them all ("Step 1 of N").
rows=$(sed -n '/^## See the lecture live/,/^## /s/^| \([0-9][0-9]*\) |.*/\1/p' README.md | tr '\n' ' ' | sed 's/ $//')
want=$(echo "$steps" | tr '\n' ' ' | sed 's/ $//')
of=$(sed -n 's/^==== Step 1 of \([0-9]*\):.*/\1/p' README.md)
[ "$nsteps" -ge 1 ] || fail demo_lists_its_steps "demo/demo.sh -l listed no step"
if [ "$rows" != "$want" ] || [ "$of" != "$nsteps" ]; then
    fail readme_shows_every_step "README's demo table numbers its rows '$rows', want '$want';" \
        "its excerpt says \"Step 1 of ${of:-?}\", want $nsteps"
else
    pass readme_shows_every_step
fi

# verdicts FILE: each verdict of the demo's output FILE on one line: the
# demo folds a long one, its later lines indented by four spaces.
verdicts() {
    awk '/^observed \(step [0-9]+\): / { if (v != "") print v; v = $0; next }
         v != "" && /^    [^ ]/ { sub(/^ +/, ""); v = v " " $0; next }
         v != "" { print v; v = "" }
         END { if (v != "") print v }' "$1"
}

trap 'rm -rf "$tmp".* "$tmp"-pics "$tmp"-swap-pics "$tmp"-started' EXIT
# Unattended: no pause, whatever the caller's environment says. Each
# step's trace and picture go to $tmp-pics (checked below).
unset PAUSE STEP PICTURES
sh demo/demo.sh -f --pictures "$tmp-pics" </dev/null >"$tmp.out" 2>&1
status=$?
verdicts "$tmp.out" >"$tmp.verdicts"

# Each step's verdict: exactly one, and it agrees.
for t in $steps; do
    name=step_${t}_agrees_with_the_lecture
    lines=$(grep -c "^observed (step $t): " "$tmp.verdicts")
    line=$(grep "^observed (step $t): " "$tmp.verdicts")
    if [ "$lines" -ne 1 ]; then
        fail "$name" "want one \"observed (step $t): \" line, got $lines; the demo said:"
        sed 's/^/    | /' "$tmp.out"
    else
        case $line in
        *" [agrees with the lecture]") pass "$name" ;;
        *) fail "$name" "$line" ;;
        esac
    fi
done
if [ "$status" -ne 0 ] && ! grep -q CONTRADICTS "$tmp.out"; then
    fail demo_exit_status "the demo exited with status $status, with no step contradicting"
fi

# swapped OUT VAR PROG STEP: runs the step named STEP with VAR=PROG, output
# in $tmp.OUT; true if its verdict turned to a contradiction and the demo
# exited 1, else false with the reason in $why. The step's number comes
# from the demo's list.
swapped() {
    n=$(sh demo/demo.sh -l | awk -v s="$4" '$2 == s { print $1 }')
    # shellcheck disable=SC2086 # swap_flags: words or none
    env "$2=$3" sh demo/demo.sh -f ${swap_flags:-} "${n:-0}" </dev/null >"$tmp.$1" 2>&1
    swap_status=$?
    line=$(verdicts "$tmp.$1" | grep "^observed (step ${n:-0}): ")
    case $swap_status:$line in
    1:*" [CONTRADICTS the lecture]") return 0 ;;
    esac
    why="$3 run as step $4 ($2): status $swap_status, want 1; verdict: ${line:-none}"
    return 1
}

# A server that is not iterative, shown as one: step 1 must notice, and
# its picture must show it (checked below).
swap_flags="--pictures $tmp-swap-pics"
if swapped swap DEMO_ITERATIVE ./echoservert iterative; then
    pass swapped_server_contradicts_the_lecture
else
    fail swapped_server_contradicts_the_lecture "$why"
fi
swap_flags=

# The pictures (--pictures): each step's, well-formed, with its title,
# its columns and echo arrows those of its trace (tests/picturecheck.c
# reads ids and titles, not geometry). Step 1's has two client columns,
# and B's echo arrow comes after A leaves; with a server that is not
# iterative, B's echo comes while A is still there.
check=tests/bin/picturecheck
if [ ! -x "$check" ]; then
    echo "SKIP demo every_picture_is_well_formed_titled_and_agrees_with_its_trace (no $check: make test builds it)"
else
    bad=""
    for t in $steps; do
        out=$("$check" svg "$tmp-pics/step$t.svg" "$tmp-pics/step$t.json" "$t") ||
            bad="$bad step $t:$nl$out$nl"
    done
    if [ -n "$bad" ]; then
        fail every_picture_is_well_formed_titled_and_agrees_with_its_trace "$bad"
    else
        pass every_picture_is_well_formed_titled_and_agrees_with_its_trace
    fi
    name=iterative_picture_has_two_client_columns_and_echoes_b_after_a_leaves
    cols=$(grep -c '<g id="client-' "$tmp-pics/step1.svg" 2>/dev/null)
    if ! order=$("$check" before "$tmp-pics/step1.svg" leave-A echo-B-1) || [ "$cols" != 2 ]; then
        fail "$name" "$cols client columns (want 2); B's echo should come after A leaves:" "$order"
    else
        pass "$name"
    fi
    if ! order=$("$check" before "$tmp-swap-pics/step1.svg" echo-B-1 leave-A); then
        fail swapped_server_changes_the_picture "with echoservert, B's echo should come before A leaves:" "$order"
    else
        pass swapped_server_changes_the_picture
    fi
fi

# A deadlock demo whose locks are always taken in one order, shown as the
# buggy one: the deadlock step must notice that nothing deadlocked.
printf '#!/bin/sh\nexec ./deadlock --fixed "$@"\n' >"$tmp.neverstuck"
chmod +x "$tmp.neverstuck"
if swapped neverstuck.out DEMO_DEADLOCK "$tmp.neverstuck" deadlock; then
    pass deadlock_step_contradicts_a_program_that_never_deadlocks
else
    fail deadlock_step_contradicts_a_program_that_never_deadlocks "$why"
fi

# The fixed livelock and starvation shown as the buggy ones: their steps
# must notice that nothing livelocked, nothing starved.
printf '#!/bin/sh\nexec ./livelock --fixed "$@"\n' >"$tmp.polite"
printf '#!/bin/sh\nexec ./starvation --fixed "$@"\n' >"$tmp.fair"
chmod +x "$tmp.polite" "$tmp.fair"
if swapped polite.out DEMO_LIVELOCK "$tmp.polite" livelock; then
    pass livelock_step_contradicts_a_program_that_never_livelocks
else
    fail livelock_step_contradicts_a_program_that_never_livelocks "$why"
fi
if swapped fair.out DEMO_STARVATION "$tmp.fair" starvation; then
    pass starvation_step_contradicts_a_program_that_never_starves
else
    fail starvation_step_contradicts_a_program_that_never_starves "$why"
fi

# Every line those two steps print fits 80 columns, swapped or not.
wide=$(sed -n '/^==== Step [0-9]* of [0-9]*: livelock:/,$p' "$tmp.out" "$tmp.polite.out" \
    "$tmp.fair.out" | awk 'length($0) > 80 { n++; if (!w) w = $0 } END { if (n) print n ": " w }')
if [ -n "$wide" ]; then
    fail livelock_and_starvation_steps_fit_80_columns "lines over 80 columns: $wide"
else
    pass livelock_and_starvation_steps_fit_80_columns
fi

# A thread pool shown as the preforked one: it has no worker process to
# kill, and the step must say so.
if swapped threadpool.out DEMO_PREFORKED ./echoservert_pre prefork; then
    pass prefork_step_contradicts_a_pool_of_threads
else
    fail prefork_step_contradicts_a_pool_of_threads "$why"
fi

# A pool of threads shown as the per-core loops: no connection is on a
# loop, and the step must say so.
if swapped notloops.out DEMO_LOOPS ./echoservert_pre loops; then
    pass loops_step_contradicts_a_server_without_loops
else
    fail loops_step_contradicts_a_server_without_loops "$why"
fi

# The event step's server is swapped by DEMO_EVENTS, and by its old name
# DEMO_SELECT: a program that is no server at all cannot show the step.
if ! swapped events DEMO_EVENTS ./hello events; then
    fail DEMO_EVENTS_and_DEMO_SELECT_swap_the_event_server "$why"
elif ! swapped select DEMO_SELECT ./hello events; then
    fail DEMO_EVENTS_and_DEMO_SELECT_swap_the_event_server "$why"
else
    pass DEMO_EVENTS_and_DEMO_SELECT_swap_the_event_server
fi

# A typo in a swapped program is named as a missing file, not as a build
# that was not made: make would not help.
DEMO_ITERATIVE=./nonexistent sh demo/demo.sh -f 1 </dev/null >"$tmp.typo" 2>&1
typo_status=$?
if [ "$typo_status" -eq 2 ] && grep -q "nonexistent: no such file" "$tmp.typo" &&
    ! grep -q "make" "$tmp.typo"; then
    pass a_mistyped_program_is_named_as_missing
else
    fail a_mistyped_program_is_named_as_missing "status $typo_status; it said:" "$(cat "$tmp.typo")"
fi

# A mistyped step or pause is named, with status 2; a pause without a
# terminal to read Enter from runs straight through, saying so.
PAUSE=2 sh demo/demo.sh -f 1 </dev/null >"$tmp.badpause" 2>&1
bp=$?
sh demo/demo.sh -f 99 </dev/null >"$tmp.badstep" 2>&1
bs=$?
if [ "$bp" -eq 2 ] && grep -q "not '2'" "$tmp.badpause" &&
    [ "$bs" -eq 2 ] && grep -q "no step '99'" "$tmp.badstep"; then
    pass a_bad_step_or_pause_is_named
else
    fail a_bad_step_or_pause_is_named "PAUSE=2: status $bp, $(head -n 1 "$tmp.badpause");" \
        "step 99: status $bs, $(head -n 1 "$tmp.badstep")"
fi
if (: </dev/tty) 2>/dev/null; then
    echo "SKIP demo a_pause_without_a_terminal_runs_through"
    echo "    this test has a terminal, where the demo would wait for Enter"
else
    PAUSE=1 sh demo/demo.sh -f 1 </dev/null >"$tmp.noterm" 2>&1
    nt=$?
    if [ "$nt" -eq 0 ] && grep -q "PAUSE needs a terminal" "$tmp.noterm"; then
        pass a_pause_without_a_terminal_runs_through
    else
        fail a_pause_without_a_terminal_runs_through "status $nt; it said:" "$(tail -n 3 "$tmp.noterm")"
    fi
fi

# A projector's terminal is 80 columns wide: a longer line wraps mid-word.
# Every run above counts, the contradicting ones too.
long=$(for f in "$tmp".*; do
    case $f in *.verdicts) continue ;; esac # joined by this test, not the demo's
    awk 'length($0) > 80 { print length($0) " columns: " $0 }' "$f"
done)
if [ -z "$long" ]; then
    pass every_line_fits_80_columns
else
    fail every_line_fits_80_columns "lines over 80 columns (the first 10):"
    printf '%s\n' "$long" | head -n 10 | sed 's/^/    /'
fi

# The server's log is shown as it comes, under the timeline, not only in
# the summary at the end: step 1's second connection (B's, accepted only
# once A left) shows up before the summary ("The server's log:").
news=$(awk '/^==== Step 1 of/ { on = 1 } on && /^  The server.s log:/ { exit }
            on && /^            \| Connected to/ { n++ } END { print n + 0 }' "$tmp.out")
if [ "$news" -eq 2 ]; then
    pass shows_the_server_log_as_it_happens
else
    fail shows_the_server_log_as_it_happens \
        "step 1 showed $news \"| Connected to\" lines before its summary, want 2"
fi

# The list: a line per step, "N NAME SECS s TITLE", whose title is the
# one the step's header shows; make demo-list prints the same list, and
# the README sends the reader there, not to `make demo -l` (make's -l).
listed=$(sh demo/demo.sh -l)
bad=$(printf '%s\n' "$listed" | awk '/^ *[0-9]+  / && !/^ *[0-9]+  [a-z]+ +[0-9]+ s  ./' | head -n 1)
for t in $steps; do
    title=$(printf '%s\n' "$listed" | awk -v t="$t" '$1 == t { sub(/^ *[0-9]+  [a-z]+ +[0-9]+ s  /, ""); print }')
    grep -q -F "==== Step $t of $nsteps: $title" "$tmp.out" ||
        bad="${bad:+$bad; }step $t listed as '$title', not its header"
done
make_list=$(MAKEFLAGS= MAKELEVEL= make -s demo-list 2>&1)
[ "$make_list" = "$listed" ] || bad="${bad:+$bad; }make demo-list printed: $(echo "$make_list" | head -n 2)"
grep -q 'make demo -l' README.md && bad="${bad:+$bad; }README still says 'make demo -l'"
if [ -z "$bad" ]; then
    pass lists_each_step_with_its_title_and_length
else
    fail lists_each_step_with_its_title_and_length "$bad"
fi

# PAUSE=beat waits before each reveal, never just after it: an awaited
# echo, the count a program prints, a verdict. DEMO_MARK_PAUSES=1 marks
# where the demo pauses, as no terminal is here to press Enter on.
DEMO_MARK_PAUSES=1 sh demo/demo.sh -f 1 8 </dev/null >"$tmp.marks" 2>&1
unpaused=$(awk '
    /^ +\((hold|beat)\)$/ { paused = 1; next }
    /A gets its echo back$/ || /B gets its echo/ || /^observed \(step/ ||
    (/^    \| / && prev ~ /^  \$ /) {
        if (!paused) { n++; if (!first) first = $0 }
    }
    { paused = 0; prev = $0 }
    END { if (n) print n " reveal(s) with no pause just before, the first: " first }' "$tmp.marks")
# Step 8: a beat between race and race --fixed, for the audience to guess.
between=$(awk '/^  \$ \.\/race -t/ { on = 1; next } on && /^  \$ \.\/race --fixed/ { exit }
               on && /^ +\(beat\)$/ { n++ } END { print n + 0 }' "$tmp.marks")
if [ -z "$unpaused" ] && [ "$between" -ge 1 ]; then
    pass pauses_come_before_each_reveal
else
    fail pauses_come_before_each_reveal "${unpaused:-each reveal paused};" \
        "beats between race and race --fixed: $between, want 1"
fi

# Step 8 sums what it showed: "in the trial shown, N of 100" is the N of
# the trial 1 line under "$ ./race -t".
shown=$(awk '/^  \$ \.\/race -t/ { on = 1; next } on && /\| trial 1: / { print $4; exit }' "$tmp.marks")
summed=$(tr '\n' ' ' <"$tmp.marks" | sed -n 's/.*Free: .*in the trial shown, \([0-9]*\) of 100.*Pinned.*/\1/p')
if [ -n "$shown" ] && [ "$shown" = "$summed" ]; then
    pass race_summary_sums_the_trial_shown
else
    fail race_summary_sums_the_trial_shown "trial 1 shown: ${shown:-none}; summary: ${summed:-none}"
fi

# "(N more log lines: A "Connected to", B "server received")": the
# kinds add up to N (step 4's crowd logs more than it shows).
more=$(grep -h 'more log lines*:' "$tmp.out")
wrong=$(printf '%s\n' "$more" | awk '
    /\)$/ { total = $2; sub(/^\(/, "", total); sum = 0
             for (i = 6; i <= NF; i++) if ($i ~ /^[0-9]+$/) sum += $i
             if (sum != total) print }')
if [ -n "$more" ] && [ -z "$wrong" ]; then
    pass more_log_lines_are_counted_by_kind
else
    fail more_log_lines_are_counted_by_kind "lines: ${more:-none}; wrong sums: ${wrong:-none}"
fi

# On a terminal (tmux's, where tmux is installed), PAUSE=beat: Enter at
# each prompt, and Enter pressed while the demo waits between prompts too.
# Those must print nothing: the screen ends as an unattended run's does,
# with one blank line from the step's title to the summary, and
# the terminal echoes keys again once the demo is over.
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP demo keys_pressed_while_it_waits_print_no_blank_line"
    echo "    no tmux here to give the demo a terminal"
else
    tm="tmux -L test_demo.$$ -f /dev/null"
    $tm new-session -d -x 80 -y 60 "PAUSE=beat sh demo/demo.sh -f 1; stty -a | grep -q ' -echo ' && echo 'ECHO OFF'; echo DEMO-ENDED; sleep 60"
    prompts=0 extra=0 i=0
    while [ $i -lt 150 ]; do # 30 s at most
        i=$((i + 1))
        sleep 0.2
        last=$($tm capture-pane -p | grep -v '^$' | tail -n 1)
        case $last in
        *DEMO-ENDED*) break ;;
        *Enter*) $tm send-keys Enter; prompts=$((prompts + 1)) ;;
        *) $tm send-keys Enter; extra=$((extra + 1)) ;;
        esac
    done
    $tm capture-pane -p -S - >"$tmp.tty"
    $tm kill-server
    blanks=$(sed -n '/^==== Step/,/^All /p' "$tmp.tty" | grep -c '^$')
    if grep -q DEMO-ENDED "$tmp.tty" && [ "$blanks" -eq 1 ] && [ "$prompts" -ge 6 ] &&
        ! grep -q 'ECHO OFF' "$tmp.tty"; then
        pass keys_pressed_while_it_waits_print_no_blank_line
    else
        fail keys_pressed_while_it_waits_print_no_blank_line \
            "$prompts Enter at prompts, $extra between: $blanks blank line(s) in the step, want 1; the screen:" \
            "$(sed 's/^/| /' "$tmp.tty")"
    fi
fi

# Every server the demo started (it prints each one's command and pid) is
# gone. A pid still in use counts only if it still runs that program: with
# thousands of processes started by the tests beside this one, a pid comes
# round again within a minute (32768 of them, here).
left=""
sed -n 's/^Started \([^ ]*\) .*(pid \([0-9]*\))$/\2 \1/p' "$tmp".* >"$tmp-started"
while read -r pid prog; do
    args=$(ps -o args= -p "$pid" 2>/dev/null) || continue
    run=${args%% *}
    [ "${run##*/}" = "${prog##*/}" ] && left="$left $pid"
done <"$tmp-started"
started=$(grep -c '^Started ' "$tmp.out")
if [ "$started" -lt 5 ]; then
    fail leaves_no_server_running "the demo reported $started servers started, want 5"
elif [ -n "$left" ]; then
    fail leaves_no_server_running "still running after the demo ended:$left"
    # shellcheck disable=SC2086 # one word per pid
    kill -9 $left 2>/dev/null # reported; not left to outlive the tests
else
    pass leaves_no_server_running
fi
exit "$failed"
