#!/usr/bin/env bash
# grade.sh - run each lab's grader binary and merge their reports into
#   OUT/results.json  (Gradescope's format: score, tests[])
#   OUT/junit.xml     (for CI systems)
# and print the total. Called by `make grade`; run it by hand only to debug.
#
# usage: tools/grade.sh --build DIR --impl labs|solutions --out DIR
#                       [--lab NN] [--only TEST] [--expect pass|skeleton] [--hidden]
#
# --hidden          also run the instructor's hidden tests (built with HIDDEN=1),
#                   reported with visibility after_published
# --only TEST       run one test of the lab (with --lab)
# --points-dir DIR  DIR/test_NN-name.tsv (and hidden_NN-name.tsv) list each
#                   lab's tests (name, points,
#                   timeout; from the test binary's --list); a lab whose test
#                   binary is missing (it did not compile) then scores 0 on
#                   each of its tests, with the compiler's messages from
# --build-log FILE  (the output of the build)
# --notes FILE      text for the top-level "output" of results.json (e.g. the
#                   protected files a submission changed)
# --expect pass      every lab must pass every test (the reference solutions)
# --expect skeleton  every test must fail cleanly, saying "not implemented yet"
#                    (proves the skeletons are skeletons and the grader survives them)
# Exit status: 0 when the expectation holds (or, without --expect, when
# every test passed); 1 otherwise; 3 when a grader itself broke.
set -uo pipefail

build= impl=labs out=build/grade lab= expect= hidden= only=() points_dir= build_log= notes=
while [ $# -gt 0 ]; do
    case "$1" in
    --build) build=$2; shift 2 ;;
    --impl) impl=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --lab) lab=$2; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --hidden) hidden=1; shift ;;
    --only) only=(--only "$2"); shift 2 ;;
    --points-dir) points_dir=$2; shift 2 ;;
    --build-log) build_log=$2; shift 2 ;;
    --notes) notes=$2; shift 2 ;;
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
for bin in "$build/$impl"/${lab}*/test_* "$build/$impl"/${lab}*/hidden_*; do
    [ -x "$bin" ] || continue
    flags=()
    case "$(basename "$bin")" in
    hidden_*)
        [ -n "$hidden" ] || continue
        flags=(--hidden)
        ;;
    esac
    ran_any=1
    name=$(basename "$bin")
    name=${name#test_}
    "$bin" --impl "$impl" "${flags[@]}" "${only[@]}" --json "$out/parts/$name.json" --junit "$out/parts/$name.xml"
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
# Labs that did not compile: every test scores 0, and says why.
json_string() { # prints its argument as a JSON string
    printf '%s' "$1" | awk 'BEGIN { ORS = ""; print "\"" }
        { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "");
          if (NR > 1) print "\\n"; print }
        END { print "\"" }'
}
if [ -n "$points_dir" ]; then
    for list in "$points_dir"/test_${lab}*.tsv "$points_dir"/hidden_${lab}*.tsv; do
        [ -f "$list" ] || continue
        binary=$(basename "$list" .tsv) # test_NN-name or hidden_NN-name
        name=${binary#*_}
        visibility=visible
        case "$binary" in hidden_*)
            [ -n "$hidden" ] || continue
            visibility=after_published
            ;;
        esac
        [ -x "$build/$impl/$name/$binary" ] && continue
        ran_any=1
        status=1
        errors=$( { grep -F "/$name/" "${build_log:-/dev/null}" 2>/dev/null || true; } | grep -E 'error|undefined' | head -20)
        message="your code for lab $name did not compile, so its tests could not run:
${errors:-see the build output}"
        echo "grade.sh: lab $name did not compile; its tests in $binary score 0" >&2
        # One test object per line, commas after all but the last (as the graders write).
        while IFS=$'\t' read -r test points _; do
            printf '{"name": "lab %s: %s", "score": 0, "max_score": %d, "status": "failed", "output": %s, "visibility": "%s"}\n' \
                "$name" "$test" "$points" "$(json_string "$message")" "$visibility"
        done <"$list" | sed '$!s/$/,/' >"$out/parts/${binary#test_}.json"
    done
fi

if [ -z "$ran_any" ]; then
    echo "grade.sh: no grader binaries under $build/$impl (lab '${lab:-all}')" >&2
    exit 3
fi

# ---- merge the parts -----------------------------------------------------
read -r score max < <(cat "$out"/parts/*.json 2>/dev/null |
    awk -F'"score": |, "max_score": |, "status"' '{ s += $2; m += $3 } END { printf "%d %d\n", s, m }')
{
    printf '{\n  "score": %d,\n  "max_score": %d,\n  "visibility": "visible",\n  "stdout_visibility": "visible",\n' "$score" "$max"
    if [ -n "$notes" ] && [ -s "$notes" ]; then
        printf '  "output": %s,\n' "$(json_string "$(cat "$notes")")"
    fi
    printf '  "tests": [\n'
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
