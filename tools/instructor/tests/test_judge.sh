#!/usr/bin/env bash
# test_judge.sh - the judge under attack and under load:
#   - submissions that attack the grader (make-adversarial.sh) get exactly
#     their right score on every grading path, the report names what they
#     did, and nothing of theirs is left on the machine;
#   - ordinary submissions, right and wrong, get theirs (test_batch.sh);
#   - all of it AT THE SAME TIME: a stream of `make grade` runs, two
#     grade-batch runs (the attacks, and test_batch.sh's class) and
#     Gradescope, so each result is also proof that parallel graders never
#     disturb each other (each expected score is the one it gets alone).
#
# usage: tools/instructor/tests/test_judge.sh BUILD_DIR
#
# Paths, all for lab 02 (the attacks are in lab 02's files; the other labs'
# code would be the untouched skeleton, and test_batch.sh grades every lab):
#   grade-batch    every attack, 2 at a time, LIMIT 120 s
#   make grade     the five attacks whose outcome depends on the path, on a
#                  locked-down kit copy
#   Gradescope     the same five, in a simulated /autograder
# As root the judge contains each test; without root the containment
# checks cannot hold and are reported as not run.
# Prints "N passed, M failed"; exits non-zero when any failed.
set -uo pipefail

build=${1:?usage: test_judge.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../../.." && pwd)
source "$top/tools/instructor/tests/lib.sh"
json_check="$top/$build/tools/instructor/tests/json_check"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-adversarial-XXXXXX")
chmod 711 "$scratch"
trap '[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$scratch"' EXIT # KEEP_SCRATCH=1 keeps it, to look
if [ "$(id -u)" -ne 0 ]; then
    echo "  FAIL  not run: the containment of submissions needs root (run make test as root)"
    echo
    echo "0 passed, 1 failed"
    exit 1
fi

subs="$scratch/submissions"
"$top/tools/instructor/tests/make-adversarial.sh" "$top" "$subs"
expect="$subs.expect.raw"
mv "$subs.expect" "$expect"
# grade-batch takes every attack. The three paths run the same make grade
# (tests/grader/grade.sh, the judge) on a copy of the kit, so an attack on the
# judge's verdict (exit, waitpid, constructors) or on the build (.incbin of
# an absolute path, a giant object, an endless macro) gets the same verdict
# on each: it is graded once, there. Through make grade and Gradescope too go
# the attacks whose outcome depends on what a path has around the grading:
# where its results are written and copied (writes_results, daemon_rewrites),
# what lies beside it on the host (reads_hidden, walks_host), and which
# descriptors it passes on (forges_records).
path_attacks="writes_results daemon_rewrites reads_hidden forges_records walks_host"
# The attacks on the verdict itself (the call boundary, boundary.h) go
# through every path: each must score the code underneath wherever it is
# graded, with nothing of its text taken for a grader's record.
path_attacks+=" reaches_checker calls_harness fakes_work crafted_output"

lost_points() { # lost_points RESULTS: each test that lost points, and the start of why
    python3 - "$1" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1]))["tests"]:
    if t["score"] < t["max_score"]:
        print("        lost:", t["name"], "|", t["output"][:240].replace("\n", " / "))
PY
}
expect_of() { awk -F'\t' -v n="$1" -v f="$2" '$1 == n { print $f }' "$expect"; }

# A pristine kit with the hidden tests, built once for every lab and shared:
# make grade grades copies of it, both grade-batch runs (the attacks, and
# test_batch.sh's class) copy it instead of building their own
# (GRADE_BATCH_TEMPLATE), and the Gradescope image starts from its build.
template="$scratch/template"
built_template "$top" "$template"
export GRADE_BATCH_TEMPLATE=$template
"$top/tools/instructor/points.sh" "$template" "$scratch/points" 02
# The right scores, from lab 02's test tables: FULL and FULL-FIFO become numbers.
LAB02_FULL=$(awk -F'\t' '{ s += $2 } END { print s }' "$scratch/points/test_02-pipe.tsv" "$scratch/points/hidden_02-pipe.tsv")
LAB02_FIFO=$(awk -F'\t' '$1 ~ /fifo/ { s += $2 } END { print s }' "$scratch/points/test_02-pipe.tsv" "$scratch/points/hidden_02-pipe.tsv")
expect_raw=$expect
expect="$subs.expect"
awk -F'\t' -v full="$LAB02_FULL" -v fifo="$LAB02_FIFO" 'BEGIN { OFS = "\t" }
    { if ($2 == "FULL") $2 = full; else if ($2 == "FULL-FIFO") $2 = full - fifo; print }' "$expect_raw" >"$expect"

# ---- all at once: make grade, two grade-batch runs and Gradescope -----------
echo "== make grade, two grade-batch runs and Gradescope, all at the same time =="
grade_one() { # grade_one NAME: make grade LAB=02 on a copy of the kit with the submission
    local dir="$scratch/grade/$1"
    mkdir -p "$dir"
    chmod 711 "$scratch/grade" "$dir"
    cp -a "$template" "$dir/kit"
    "$top/tools/instructor/overlay.sh" "$subs/$1" "$dir/kit" "$dir/notes.txt"
    CK_TIMEOUT_MULTIPLIER=2 NO_COLOR=1 timeout -k 5 120 make -C "$dir/kit" --no-print-directory grade LAB=02 \
        DEPS_DONE=1 KEEP_GOING=1 HIDDEN=1 GRADE_LOCK_DOWN=1 POINTS_DIR="$scratch/points" \
        GRADE_DIR="$dir/out" GRADE_NOTES="$dir/notes.txt" GRADE_LIMIT=100 >"$dir/log" 2>&1
}
grade_all() { # the attacks that depend on the path (make grade is what a student runs)
    for name in $path_attacks; do
        grade_one "$name"
    done
    # Then one of them puts the skeleton back (files as old as the kit's):
    # the grade is the skeleton's, never that of the objects the jail
    # compiled from the attack's sources into the same place.
    local kit="$scratch/grade/reads_hidden/kit"
    cp -a "$template/labs/02-pipe/." "$kit/labs/02-pipe/"
    NO_COLOR=1 timeout -k 5 120 make -C "$kit" --no-print-directory grade LAB=02 DEPS_DONE=1 HIDDEN=1 \
        GRADE_LOCK_DOWN=1 POINTS_DIR="$scratch/points" GRADE_DIR="$scratch/grade/reverted" \
        >"$scratch/grade/reverted.log" 2>&1
}
gradescope_image() { # the lab 02 autograder, set up once as Gradescope builds its image
    # The zip's kit is the template's sources: with the template's build in
    # place, setup.sh finds it up to date (setup.sh building a kit from
    # nothing is test_instructor.sh's).
    "$top/tools/instructor/gradescope.sh" "$scratch/autograder.zip" 02 >/dev/null &&
        mkdir -p "$scratch/gs-setup" &&
        unzip -qo "$scratch/autograder.zip" -d "$scratch/gs-setup" &&
        cp -a "$template/build" "$scratch/gs-setup/kit/" &&
        (cd "$scratch/gs-setup" && ./setup.sh >"$scratch/gs-setup.log" 2>&1)
}
gradescope_one() { # gradescope_one NAME: one submission, in a container made from the image
    local root="$scratch/gs/$1"
    mkdir -p "$root/submission" "$root/results"
    cp -a "$scratch/gs-setup" "$root/source"
    cp -a "$subs/$1/." "$root/submission/"
    AUTOGRADER_ROOT="$root" AUTOGRADER_LIMIT=150 "$root/source/run_autograder" >"$root/stdout.txt" 2>&1
}
gradescope_all() { # the attacks that depend on the path, two at a time
    gradescope_image || return
    for name in $path_attacks; do
        while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
        gradescope_one "$name" &
    done
    wait
    date +%s >"$scratch/gs-ended" # when the last grading ended (see "left behind" below)
}
start=$SECONDS
timed() { # timed WHAT LOG COMMAND...: runs it (its output in LOG), then says how long it took
    local what=$1 log=$2 began=$SECONDS
    shift 2
    "$@" >"$log" 2>&1
    echo "  ($what: $((SECONDS - began)) s)"
}
timed "make grade of the attacks that depend on the path, one after another" /dev/null grade_all &
# A build step may run 20 s here (60 s by default): endless_build stops within it.
export GRADE_STEP_LIMIT=20
timed "grade-batch of every attack" "$scratch/batch.log" "$top/tools/instructor/grade-batch.sh" "$subs" "$scratch/batch" 2 120 02 &
timed "Gradescope, the attacks that depend on the path" /dev/null gradescope_all &
timed "grade-batch of ordinary submissions (test_batch.sh)" "$scratch/test_batch.log" "$top/tools/instructor/tests/test_batch.sh" "$build" &
wait
echo "  (all four finished in $((SECONDS - start)) s)"
grep -h '^grade-batch: .*points (' "$scratch/batch.log" | sed 's/^/    /'

echo "== make grade (lab 02, the attacks that depend on the path) =="
while IFS=$'\t' read -r name points pattern; do
    results="$scratch/grade/$name/out/results.json"
    got=$(lab_score "$results" 02-pipe)
    check "$name: lab 02 scores $points (got $got)" test "$got" = "$points" || lost_points "$results"
    check "$name: the report says '$pattern'" grep -qF -- "$pattern" "$results"
done < <(awk -F'\t' -v names=" $path_attacks " 'index(names, " " $1 " ")' "$expect")

check "a submission put back to the skeleton scores the skeleton's 0 (got $(lab_score "$scratch/grade/reverted/results.json" 02-pipe))" \
    test "$(lab_score "$scratch/grade/reverted/results.json" 02-pipe)" = 0

# Output made to look like the grader's: in the terminal table it is the
# student's, escaped and indented; the reports stay valid.
crafted="$scratch/grade/crafted_output"
check "crafted_output: one TOTAL line at the start of a line, the real one" \
    test "$(grep -c '^TOTAL' "$crafted/log"),$(grep '^TOTAL' "$crafted/log" | grep -c ': 0/')" = 1,1
check "crafted_output: no ESC, CR or BEL byte in the terminal table or the reports" \
    sh -c "! cat '$crafted/log' '$crafted/out/results.json' '$crafted/out/junit.xml' | grep -q \"\$(printf '[\\033\\r\\007]')\""
check "crafted_output: results.json is valid JSON" "$json_check" "$crafted/out/results.json"
check "crafted_output: junit.xml is well-formed XML with no forged test case" \
    python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); sys.exit(any(t.getAttribute("name") == "forged" for t in d.getElementsByTagName("testcase")))' "$crafted/out/junit.xml"
check "no attack on the verdict reached the checker (attached, patched, opened its descriptors)" \
    sh -c "! cat '$scratch'/grade/*/log '$scratch'/batch/reports/* 2>/dev/null |
        grep -qE 'patches_harness: (attached|opened|patched|wrote)|hijacks_channel: opened|calls_harness: [a-z_]+ is here'"

echo "== grade-batch of the attacks (LAB 02, LIMIT 120 s) =="
check "grade-batch graded every submission" \
    test "$(($(wc -l <"$scratch/batch/grades.csv") - 1))" -eq "$(wc -l <"$expect")"
grades="$scratch/batch/grades.csv"
check "grade-batch with LAB 02 has lab 02's column alone" \
    test "$(head -1 "$grades")" = "student,02-pipe,02-pipe max,total,total max,leaks,timeouts,notes"
column_of() { head -1 "$grades" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
while IFS=$'\t' read -r name points pattern; do
    row=$(grep "^$name," "$grades")
    got=$(echo "$row" | cut -d, -f"$(column_of 02-pipe)")
    total=$(echo "$row" | cut -d, -f"$(column_of total)")
    check "$name: lab 02 scores $points, the total too (got $got, total $total)" test "$got" = "$points" -a "$total" = "$points" ||
        lost_points "$scratch/batch/instructor/$name.json"
    check "$name: the report says '$pattern'" grep -qF -- "$pattern" "$scratch/batch/instructor/$name.json"
done <"$expect"
# What a submission could reach is only what its jail shows: walks_host prints
# "LEAKED" for anything outside it, and no line of the hidden tests' source or
# of /etc/shadow may appear anywhere a submission's output goes.
hidden_line=$(grep -m1 'START_TEST' "$top/tools/instructor/hidden/02-pipe/hidden_pipe.c")
check "no byte from outside a submission's view in any report (batch, make grade, Gradescope)" \
    sh -c "! cat '$scratch'/batch/reports/* '$scratch'/grade/*/log '$scratch'/grade/*/out/results.json \
        '$scratch'/gs/*/results/results.json '$scratch'/gs/*/stdout.txt 2>/dev/null |
        grep -qF -e LEAKED -e '$hidden_line' -e 'root:'"
check "every submission's grading stayed within LIMIT + 10 s" \
    sh -c "! grep -h '^grade-batch: .*points (' '$scratch/batch.log' | grep -qE '\\((1[3-9][0-9]|[2-9][0-9][0-9]) s\\)'"

echo "== grade-batch of ordinary submissions (every lab, at the same time) =="
sed -n '/^  ok\|^  FAIL\|^    /p' "$scratch/test_batch.log"
check "test_batch.sh passed" grep -q ' 0 failed$' "$scratch/test_batch.log"

echo "== Gradescope (a lab 02 autograder, the attacks that depend on the path) =="
# A daemon that outlived grading would rewrite results within 5 s of its end:
# wait for what is left of those 5 s (the other paths often took longer).
gs_ended=$(cat "$scratch/gs-ended" 2>/dev/null || date +%s)
left=$((gs_ended + 5 - $(date +%s)))
[ "$left" -gt 0 ] && sleep "$left"
hidden_names=$(cut -f1 "$scratch/points/hidden_02-pipe.tsv")
for name in $path_attacks; do
    results="$scratch/gs/$name/results/results.json"
    points=$(expect_of "$name" 2)
    check "$name: results.json is valid" "$json_check" "$results"
    check "$name: scores $points in all (got $(total_score "$results"))" test "$(total_score "$results")" = "$points"
    check "$name: stdout is hidden and names no hidden test" sh -c "grep -q '\"stdout_visibility\": \"hidden\"' '$results' &&
        ! grep -qF '$(echo "$hidden_names" | head -1)' '$scratch/gs/$name/stdout.txt'"
done
check "the lab 02 autograder graded lab 02 alone" \
    awk '/"name": "lab / && !/"name": "lab 02-pipe: / { bad = 1 } END { exit bad }' "$scratch"/gs/*/results/results.json
check "reads_hidden: no hidden test's source in its results" \
    sh -c "! grep -qF 'hidden_pipe' '$scratch/gs/reads_hidden/results/results.json'"

# ---- nothing of theirs left --------------------------------------------------
echo "== left behind =="
# Other graders may be at work on this machine (make test runs its parts side
# by side): a process of a test uid is fine inside a running judge's tree.
# One left behind has lost its judge: it hangs from init or a reaper.
no_orphaned_test_processes() { # prints any it finds
    ps -eo pid=,ppid=,uid=,comm= | awk '
        { parent[$1] = $2; uid[$1] = $3; name[$1] = $4 }
        END {
            for (p in uid) {
                if (uid[p] < 61000 || uid[p] >= 62000) continue
                judged = 0
                for (a = parent[p]; a > 1 && hops++ < 1000; a = parent[a])
                    if (name[a] == "judge") { judged = 1; break }
                hops = 0
                if (!judged) { print "    left behind: pid " p ", uid " uid[p] ", " name[p]; found = 1 }
            }
            exit found
        }'
}
check "no process of a test uid (61000-61999) outside a running judge" no_orphaned_test_processes
check "no foreign shm objects" sh -c "! ls /dev/shm | grep -q foreign"
check "no foreign files in /tmp" test ! -e /tmp/foreign-file
check "no fake results in the batch folder" sh -c "! grep -rqs '\"name\": \"lab 01-shm-ring: x\"' '$scratch/batch'"

summary
