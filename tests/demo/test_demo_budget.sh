#!/usr/bin/env bash
# test_demo_budget.sh - make demo fits a room: under a minute, under 200 lines
# (its build says one line, even on a fresh checkout), in the kit and in the
# student kit.
#
# usage: tests/demo/test_demo_budget.sh BUILD
#
# 1. make demo (no terminal), its build included: exit status 0,
#    fewer than 200 lines, less than 60 s, one story per lab (01 to 04) and
#    the summary, every lab "worked", and a repeated call counted
#    ("... N more like these").
# 2. The same in a copy of the student kit (tools/instructor/kit-copy.sh: no
#    solutions/), built from the untouched skeletons: exit status 0 and every
#    lab reported "not implemented yet", within the same budget.
# Prints PASS/FAIL lines; exit status 0 only when all passed.
set -uo pipefail

build=${1:?usage: tests/demo/test_demo_budget.sh BUILD}
root=$(cd "$(dirname "$0")/../.." && pwd)
MAX_LINES=200
MAX_SECONDS=60
failed=0
fail() {
    echo "FAIL $*"
    failed=1
}

# run_demo DIR BUILD LOG: runs make demo in DIR; sets status and seconds.
run_demo() {
    local start
    start=$(date +%s%N)
    (cd "$1" && NO_COLOR=1 IPC_STEP= make --no-print-directory DEPS_DONE=1 BUILD="$2" demo) >"$3" 2>&1 </dev/null
    status=$?
    local ms=$((($(date +%s%N) - start) / 1000000))
    seconds=$((ms / 1000))
    elapsed="$((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
}

# budget WHAT LOG: the time, line and exit-status checks common to both runs;
# sets measured.
budget() {
    local what=$1 log=$2 lines
    lines=$(wc -l <"$log")
    [ "$status" -eq 0 ] || fail "$what: exit status $status"
    [ "$lines" -lt "$MAX_LINES" ] || fail "$what: $lines lines (budget: under $MAX_LINES)"
    [ "$seconds" -lt "$MAX_SECONDS" ] || fail "$what: $seconds s (budget: under $MAX_SECONDS s)"
    for lab in 01 02 03 04; do
        grep -q "^== lab $lab-" "$log" || fail "$what: no story for lab $lab"
    done
    grep -q '^== summary' "$log" || fail "$what: no summary"
    measured="$lines lines in $elapsed"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-demo-test-XXXXXX")
trap 'rm -rf "$work"' EXIT

before=$failed
run_demo "$root" "$build" "$work/kit.log"
budget "make demo" "$work/kit.log"
worked=$(grep -c '^  lab 0[1-4]-[a-z-]* *worked$' "$work/kit.log")
[ "$worked" -eq 4 ] || fail "make demo: $worked of 4 labs worked"
grep -q -- '-- \.\.\. [0-9]* more like these, not shown' "$work/kit.log" ||
    fail "make demo: no repeated call was counted (IPC_TRACE_REPEAT)"
[ "$failed" -eq "$before" ] && echo "PASS make demo: $measured, every lab worked, repeats counted"
[ "$failed" -eq "$before" ] || sed 's/^/    /' "$work/kit.log" | tail -n 20

before=$failed
kit=$work/student-kit
if ! "$root/tools/instructor/kit-copy.sh" "$kit" >/dev/null 2>&1; then
    fail "student kit: tools/instructor/kit-copy.sh failed"
elif ! (cd "$kit" && make --no-print-directory -s DEPS_DONE=1 programs >"$work/build.log" 2>&1); then
    fail "student kit: the skeletons did not build"
    tail -n 20 "$work/build.log" | sed 's/^/    /'
else
    run_demo "$kit" build/plain "$work/student.log"
    budget "make demo in the student kit" "$work/student.log"
    todo=$(grep -c '^  lab 0[1-4]-[a-z-]* *not implemented yet' "$work/student.log")
    [ "$todo" -eq 4 ] || fail "make demo in the student kit: $todo of 4 labs said 'not implemented yet'"
    [ "$failed" -eq "$before" ] &&
        echo "PASS make demo in the student kit: $measured, each lab's skeleton reported not implemented yet"
    [ "$failed" -eq "$before" ] || sed 's/^/    /' "$work/student.log" | tail -n 20
fi
exit "$failed"
