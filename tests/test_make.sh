#!/bin/sh
# test_make.sh - plain `make` builds every program and helper that a
# command in the README runs directly: each ./PROG, tests/bin/PROG,
# demo/PROG and bench/PROG named in README.md or docs/*.md, or in a script a README
# command runs (demo/demo.sh, bench/ab.sh), that make has a rule for must
# be built by `make all`. The tests' own binaries (tests/bin/test_*) may
# stay with make test. A dry run (make -n -B) shows what make would
# build, so the tree is left as it is.
# Prints "PASS make NAME" or "FAIL make NAME" (with what is missing).
# Run from the top of the tree: tests/test_make.sh (make test does).
name=make_builds_what_the_readme_runs

if [ -n "${TEST_SANITIZER:-}" ]; then
    # The checkers' copy of the tree has no README; what make builds is
    # the same there.
    echo "SKIP make $name"
    echo "    a checker's build copy has no README; the plain run checks this"
    exit 0
fi

# make -n -B: every command the target needs, as if nothing were built.
# Without the caller's MAKEFLAGS (make test's own -j, -s and jobserver).
dry() { MAKEFLAGS='' MAKELEVEL='' make -n -B "$@" 2>/dev/null; }

all=$(dry all)
missing=""
# The paths named in the README and in the scripts its commands run.
for t in $(grep -o -h -E '(\./|tests/bin/|demo/|bench/)[a-z_]+[a-z0-9_./]*' \
    README.md docs/*.md demo/demo.sh bench/ab.sh | sed 's|^\./||; s|\.*$||' | sort -u); do
    case $t in
    tests/bin/test_*) continue ;; # the tests' own binaries
    esac
    printf '%s\n' "$all" | grep -q -- "-o $t\$" && continue
    # Not built by make all: a fault if make builds it at all (a rule
    # whose command writes -o PATH), not if it is a script or a source.
    dry "$t" | grep -q -- "-o $t\$" && missing="$missing $t"
done

if [ -z "$all" ]; then
    echo "FAIL make $name"
    echo "    make -n -B all printed nothing"
    exit 1
elif [ -n "$missing" ]; then
    echo "FAIL make $name"
    echo "    the README runs these, but plain make does not build them:$missing"
    exit 1
fi
echo "PASS make $name"
