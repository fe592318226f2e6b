#!/usr/bin/env bash
# setup.sh - Gradescope runs this once, as root, when it builds the
# autograder image (Ubuntu). It installs what the kit needs to build and
# grade (the kit's own dependency check, for the tests' tools too), and
# builds the pristine kit once, so each submission only compiles its own files.
set -euo pipefail
cd "$(dirname "$0")"
kit/tools/deps.sh grade
# An autograder for one lab (the file `lab`) builds that lab alone.
make -C kit --no-print-directory -s -j2 DEPS_DONE=1 HIDDEN=1 LAB="$(cat lab 2>/dev/null || true)" grade-prepare
