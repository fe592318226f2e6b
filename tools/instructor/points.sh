#!/usr/bin/env bash
# points.sh - write each lab's test list (name, points, timeout) to OUT_DIR,
# from the test binaries of a pristine kit built with its skeletons.
# The grader uses these to score a lab that does not compile.
#
# usage: tools/instructor/points.sh KIT_DIR OUT_DIR [LAB]
# With LAB (NN), only that lab's tables (and only its binaries are built).
set -euo pipefail

kit=${1:?usage: points.sh KIT_DIR OUT_DIR [LAB]}
out=${2:?usage: points.sh KIT_DIR OUT_DIR [LAB]}
lab=${3:-}
mkdir -p "$out"
if [ -n "$lab" ]; then
    make -C "$kit" --no-print-directory -s -j2 DEPS_DONE=1 HIDDEN=1 LAB="${lab%%-*}" grade-build >/dev/null
else
    make -C "$kit" --no-print-directory -s -j2 DEPS_DONE=1 HIDDEN=1 test-binaries >/dev/null
fi
for bin in "$kit"/build/plain/labs/${lab%%-*}*/test_* "$kit"/build/plain/labs/${lab%%-*}*/hidden_*; do
    [ -x "$bin" ] || continue
    "$bin" --list >"$out/$(basename "$bin").tsv"
done
