# echocheck_lib.sh - what tests/test_echocheck.sh and tests/test_broken.sh
# share: their PASS/FAIL/SKIP lines, echocheck runs in the background, a
# bounded number at once, each bounded in time, and reading what a run
# said. Sourced from the top of the tree; the sourcing script's name
# names its scratch folder.
. tests/serverlist.sh
scale=${TEST_TIME_SCALE:-1}
tmp=${TMPDIR:-/tmp}/$(basename "$0" .sh).$$
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

# At most $jobs runs at once in each script (ECHOCHECK_JOBS sets it). A
# run mostly waits on its clients' bounded waits (21 s of CPU in 115 s,
# one at a time), so eight share two cores; under a sanitizer each run
# costs several times the CPU: three.
if [ -n "${TEST_SANITIZER:-}" ]; then jobs=3; else jobs=8; fi
jobs=${ECHOCHECK_JOBS:-$jobs} running=""
# A tenth of a second where sleep takes fractions (POSIX promises whole
# seconds only).
nap() { sleep 0.1 2>/dev/null || sleep 1; }
# spawn: waits for a free slot when $jobs runs are going. A run is over
# when its status file is there; any run's end frees a slot (sh has no
# "wait for any child", and a long run waited for first would hold the
# others up). The final "wait" reaps them all.
spawn() {
    while :; do
        left=""
        n=0
        for o in $running; do
            [ -e "$o.status" ] && continue
            left="$left $o"
            n=$((n + 1))
        done
        running=$left
        [ "$n" -lt "$jobs" ] && return
        nap
    done
}
# launch OUT CMD...: CMD in the background, bounded, once a slot is free.
launch() {
    out=$1
    shift
    spawn
    bounded 120 "$out" "$@" &
    running="$running $out"
}
# run_bg OUT ARGS...: ./echocheck ARGS so, its output in $tmp/OUT.
run_bg() {
    out=$1
    shift
    launch "$tmp/$out" ./echocheck $flags "$@"
}

# The checks of a run that said WORD (PASS, FAIL, SKIP): group/name, sorted.
said() { sed -n "s|^$1 \\([a-z-]*/[a-z0-9-]*\\).*|\\1|p" "$2" | sort | tr '\n' ' '; }

# roots OUT: the keys of the root causes a run named, one a line.
roots() { sed -n '/^== root causes$/,/^[0-9]* passed/p' "$1" | sed -n 's/^\([a-z-]*\): .*/\1/p'; }
