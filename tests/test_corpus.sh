#!/bin/sh
# test_corpus.sh - holds ./echocheck to the servers of tests/corpus/,
# written the way other people write them (C in the textbook's and in
# students' styles, Python, Perl, Node, Java, Rust): each correct one must
# pass every check; each broken one, which has one realistic defect, must
# fail its expected check first, and the root causes must name its one
# cause and nothing else. tests/corpus/corpus.txt lists them.
# Builds what make does not (javac, rustc: into tests/bin/corpus/, only
# when a source is newer than what was built); make check-corpus builds
# the C ones first. A server whose language is not installed is skipped,
# and says why.
# Prints "PASS corpus NAME", "FAIL ..." or "SKIP ...", one per server, then
# "N passed, N failed". Runs CORPUS_JOBS echochecks at once (default 3),
# each bounded (by TEST_TIME_SCALE too).
# Run from the top of the tree: tests/test_corpus.sh [NAME...]
list=tests/corpus/corpus.txt
bin=tests/bin/corpus
scale=${TEST_TIME_SCALE:-1}
jobs=${CORPUS_JOBS:-3}
limit=$((240 * scale)) # seconds one echocheck run may take
tmp=${TMPDIR:-/tmp}/test_corpus.$$
mkdir -p "$tmp" "$bin" || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
: >"$tmp/verdicts"

# The verdict lines go to stdout and to the tally.
verdict() { echo "$1 corpus $2" | tee -a "$tmp/verdicts"; }
detail() { echo "    $1"; }
shown() { sed 's/^/    | /' "$1" | head -n "${2:-80}"; }
have() { command -v "$1" >/dev/null 2>&1; }

if [ ! -x ./echocheck ]; then
    verdict FAIL built
    detail "no ./echocheck: make check-corpus builds it"
    echo "0 passed, 1 failed"
    exit 1
fi

# ---- Building what make does not build ----

# newer SRC OUT: true when OUT is missing or older than SRC (find's
# -newer: test's -nt is not POSIX).
newer() { [ ! -e "$2" ] || [ -n "$(find "$1" -newer "$2")" ]; }

# One javac for every class, when any source changed; the build's time
# and errors are kept for the servers that need it.
build_java() {
    have javac || return 0
    stale=0
    for src in tests/corpus/*.java; do
        newer "$src" "$bin/$(basename "$src" .java).class" && stale=1
    done
    [ $stale -eq 0 ] && return 0
    t0=$(date +%s)
    javac -d "$bin" tests/corpus/*.java >"$tmp/build.java" 2>&1 ||
        echo "javac failed" >"$tmp/broken.java"
    echo "javac: $(($(date +%s) - t0)) s for every class" >>"$tmp/built"
}

build_rust() {
    have rustc || return 0
    for src in tests/corpus/*.rs; do
        out=$bin/$(basename "$src" .rs)
        newer "$src" "$out" || continue
        t0=$(date +%s)
        rustc -O -o "$out" "$src" >>"$tmp/build.rustc" 2>&1 ||
            echo "rustc $src failed" >>"$tmp/broken.rustc"
        echo "rustc -O $src: $(($(date +%s) - t0)) s" >>"$tmp/built"
    done
}

# ---- Running echocheck, a few at a time, each bounded ----

# why_not NEEDS NAME: why the server cannot run here (empty: it can).
why_not() {
    case $1 in
    cc) [ -x "$bin/$2" ] || echo "FAIL: not built: make check-corpus builds it" ;;
    java) { have java && have javac; } || echo "SKIP: java and javac are not both installed" ;;
    *) have "$1" || echo "SKIP: $1 is not installed" ;;
    esac
    [ "$1" = java ] && [ -f "$tmp/broken.java" ] && echo "FAIL: javac failed"
    [ "$1" = rustc ] && grep -q "/$2.rs " "$tmp/broken.rustc" 2>/dev/null &&
        echo "FAIL: rustc failed"
}

# check NAME MODEL COMMAND...: echocheck on it, output in $tmp/NAME; its
# exit status in NAME.status ("timeout" when it ran out of time: it was
# then sent SIGINT, which makes echocheck stop its server and end), its
# seconds in NAME.time.
check() {
    name=$1 model=$2
    shift 2
    t0=$(date +%s)
    ./echocheck -m "$model" -- "$@" >"$tmp/$name" 2>&1 &
    ec=$!
    (
        sleep "$limit" &
        nap=$!
        trap 'kill $nap 2>/dev/null; exit 0' TERM
        wait $nap && { echo timeout >"$tmp/$name.timeout"; kill -INT $ec; }
    ) &
    dog=$!
    wait $ec
    echo $? >"$tmp/$name.status"
    kill $dog 2>/dev/null
    wait $dog
    [ -f "$tmp/$name.timeout" ] && echo timeout >"$tmp/$name.status"
    echo $(($(date +%s) - t0)) >"$tmp/$name.time"
}

# lane I: the servers of every $jobs-th line from the I-th, one after
# another; $jobs lanes run side by side.
lane() {
    n=0
    while read -r name needs kind model fails cause cmd; do
        n=$((n + 1))
        [ $((n % jobs)) -eq "$1" ] || continue
        why=$(why_not "$needs" "$name" | head -n 1)
        [ -n "$why" ] && { echo "$why" >"$tmp/$name.why"; continue; }
        # shellcheck disable=SC2086 # the command is split into its words
        check "$name" "$model" $cmd
    done <"$tmp/list"
}

# ---- The verdicts ----

# The root causes echocheck named: "key: title (checks)" lines under
# "== root causes", before the last line.
causes() { sed -n '/^== root causes$/,$p' "$1" | sed '1d;$d'; }

judge_correct() {
    out=$tmp/$1
    st=$(cat "$out.status")
    fails=$(grep -E '^(FAIL|FLAKY) ' "$out" | sed 's/^[A-Z]* //; s/:.*//' | tr '\n' ' ')
    if [ "$st" = 0 ] && [ -z "$fails" ] && [ -z "$(causes "$out")" ] &&
        tail -n 1 "$out" | grep -q '^[0-9]* passed, 0 failed'; then
        verdict PASS "${1}_passes_every_check"
        detail "$(cat "$out.time") s"
    else
        verdict FAIL "${1}_passes_every_check"
        detail "status $st (want 0); failed: ${fails:-none}; $(cat "$out.time") s"
        shown "$out"
    fi
}

# judge_broken NAME CHECKS CAUSE: status 1; the first FAIL is one of
# CHECKS (split by commas) and is judged, not "not judged"; CAUSE is the
# only root cause, and names that check.
judge_broken() {
    out=$tmp/$1 key=$3
    st=$(cat "$out.status")
    first=$(grep -E '^(FAIL|FLAKY) ' "$out" | head -n 1)
    check=$(echo "$first" | sed 's/^[A-Z]* //; s/:.*//')
    others=$(causes "$out" | sed 's/:.*//' | grep -v -x -F "$key" | tr '\n' ' ')
    label="${1}_fails_$(echo "$2" | sed 's/,.*//')_for_${key}"
    why=""
    case ",$2," in
    *",$check,"*) ;;
    *) why="the first failure is not of $2: ${first:-none}" ;;
    esac
    case $first in *": not judged"*) why="the first failure was not judged: $first" ;; esac
    [ "$st" = 1 ] || why="${why:+$why; }status $st (want 1)"
    causes "$out" | grep -F "$key: " | grep -q -F "$check" ||
        why="${why:+$why; }no root cause '$key' naming ${check:-its check}"
    [ -z "$others" ] || why="${why:+$why; }other root causes: $others"
    if [ -z "$why" ]; then
        verdict PASS "$label"
        detail "$check failed first; $(cat "$out.time") s"
    else
        verdict FAIL "$label"
        detail "$why; $(cat "$out.time") s"
        shown "$out"
    fi
}

# ---- The run ----

# The lines of the list to run: all, or the names given.
servers() {
    grep -v '^#' "$list" | grep -v '^ *$' | while read -r name rest; do
        if [ $# -eq 0 ]; then echo "$name $rest"; else
            for n in "$@"; do [ "$n" = "$name" ] && echo "$name $rest"; done
        fi
    done
}

build_java
build_rust
[ -f "$tmp/built" ] && sed 's/^/built: /' "$tmp/built"
servers "$@" >"$tmp/list"
i=0
while [ $i -lt "$jobs" ]; do
    lane $i &
    i=$((i + 1))
done
wait

while read -r name needs kind model fails cause cmd; do
    if [ -f "$tmp/$name.why" ]; then
        why=$(cat "$tmp/$name.why")
        verdict "${why%%:*}" "$name ($needs: ${why#*: })"
        case $why in FAIL*) [ -s "$tmp/build.$needs" ] && shown "$tmp/build.$needs" 20 ;; esac
    elif [ "$kind" = correct ]; then
        judge_correct "$name"
    else
        judge_broken "$name" "$fails" "$cause"
    fi
done <"$tmp/list"

passed=$(grep -c '^PASS ' "$tmp/verdicts")
failed=$(grep -c '^FAIL ' "$tmp/verdicts")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
