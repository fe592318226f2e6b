#!/usr/bin/env bash
# grade.sh - run each lab's grader binary and merge their reports into
#   OUT/results.json  (Gradescope's format: score, tests[])
#   OUT/junit.xml     (for CI systems)
# and print the total. Called by `make grade`; run it by hand only to debug.
#
# usage: tools/grade.sh --build DIR --impl labs|solutions --out DIR
#                       [--lab NN] [--expect pass|skeleton] [--hidden]
#
# --expect pass      every lab must pass every test (the reference solutions)
# --expect skeleton  every test must fail cleanly, saying "not implemented yet"
#                    (proves the skeletons are skeletons and the grader survives them)
# Exit status: 0 when the expectation holds (or, without --expect, when
# every test passed); 1 otherwise; 3 when a grader itself broke.
set -uo pipefail

build= impl=labs out=build/grade lab= expect= hidden=
while [ $# -gt 0 ]; do
    case "$1" in
    --build) build=$2; shift 2 ;;
    --impl) impl=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --lab) lab=$2; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --hidden) hidden=--hidden; shift ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "grade.sh: unknown argument '$1' (try -h)" >&2; exit 2 ;;
    esac
done
[ -n "$build" ] || { echo "grade.sh: --build DIR is required" >&2; exit 2; }
mkdir -p "$out" && out=$(cd "$out" && pwd)  # the graders change directory

mkdir -p "$out/parts"
rm -f "$out"/parts/*.json "$out"/parts/*.xml "$out/results.json" "$out/junit.xml"

status=0
ran_any=
for bin in "$build/$impl"/${lab}*/test_*; do
    [ -x "$bin" ] || continue
    ran_any=1
    name=$(basename "$(dirname "$bin")")
    "$bin" --impl "$impl" $hidden --json "$out/parts/$name.json" --junit "$out/parts/$name.xml"
    rc=$?
    case "$rc" in
    0) [ "$expect" = skeleton ] && { echo "grade.sh: lab $name: the skeleton passed every test; its tests cannot fail?" >&2; status=1; } ;;
    1) [ "$expect" = pass ] && { echo "grade.sh: lab $name: the reference solution failed tests" >&2; status=1; }
       [ -z "$expect" ] && status=1 ;;
    *) echo "grade.sh: lab $name: the grader itself failed (exit $rc)" >&2; status=3 ;;
    esac
    if [ "$expect" = skeleton ] && [ -f "$out/parts/$name.json" ]; then
        # Every test of an untouched skeleton must fail with the clear message.
        unclear=$(grep -v '"status": "passed"' "$out/parts/$name.json" | grep -vc 'not implemented yet')
        passed=$(grep -c '"status": "passed"' "$out/parts/$name.json")
        if [ "$unclear" -ne 0 ] || [ "$passed" -ne 0 ]; then
            echo "grade.sh: lab $name: $unclear skeleton test(s) failed without saying 'not implemented yet', $passed passed" >&2
            status=1
        fi
    fi
done
if [ -z "$ran_any" ]; then
    echo "grade.sh: no grader binaries under $build/$impl (lab '${lab:-all}')" >&2
    exit 3
fi

# ---- merge the parts -----------------------------------------------------
read -r score max < <(cat "$out"/parts/*.json 2>/dev/null |
    awk -F'"score": |, "max_score": |, "status"' '{ s += $2; m += $3 } END { printf "%d %d\n", s, m }')
{
    printf '{\n  "score": %d,\n  "max_score": %d,\n  "visibility": "visible",\n  "stdout_visibility": "visible",\n  "tests": [\n' "$score" "$max"
    # Each part holds one test object per line, comma-separated inside the
    # part; join the parts with commas too.
    first=1
    for part in "$out"/parts/*.json; do
        [ -s "$part" ] || continue
        [ $first -eq 1 ] || printf '    ,\n'
        sed 's/^/    /' "$part"
        first=0
    done
    printf '  ]\n}\n'
} >"$out/results.json.tmp" && mv "$out/results.json.tmp" "$out/results.json"
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<testsuites name="ipc-kit">'
    cat "$out"/parts/*.xml 2>/dev/null
    echo '</testsuites>'
} >"$out/junit.xml"

if [ "$max" -gt 0 ]; then
    percent=$((100 * score / max))
else
    percent=0
fi
echo
echo "TOTAL ($impl): $score/$max points ($percent%)  ->  $out/results.json, $out/junit.xml"
exit $status
