#!/bin/sh
# setup.sh - Gradescope runs this once, as root, when it builds the
# assignment's image (Ubuntu), from the unpacked zip. It installs a C
# compiler and make where they are missing (only then: it needs no
# network where they are present), and builds echocheck and timelimit
# now, so that a broken autograder fails at upload rather than on the
# first student. run_autograder builds them again if they are not there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

missing=""
command -v make >/dev/null 2>&1 || missing="$missing make"
command -v cc >/dev/null 2>&1 || missing="$missing build-essential"
if [ -n "$missing" ]; then
    echo "setup.sh: installing$missing"
    apt-get update
    # shellcheck disable=SC2086 # one argument per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi
make -C "$here" all
