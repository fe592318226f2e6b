#!/usr/bin/env bash
# test_batch.sh - grade-batch on a class of ordinary submissions: each
# fixture of make-fixtures.sh (right, wrong, crashing, hanging, leaking,
# editing a test) must get exactly its known score, with the reasons in its
# report. The attacks on the grader are test_judge.sh's.
#
# usage: tools/instructor/tests/test_batch.sh BUILD_DIR
#
# Each fixture is graded on the labs it changes: two batches, at the same time.
#   every lab   correct (labs 01 and 02): every lab's column, and lab 01's
#               ThreadSanitizer run, in a batch
#   LAB 02      the five that change lab 02 alone, and skeleton (an empty
#               submission: nothing); grading the untouched skeletons of the
#               other labs again would prove nothing new (make test's
#               test-skeletons grades every lab's, hidden tests included)
# That is 7 submissions at once (JOBS 2 + 5 on 2 cores: a loaded machine,
# where every score must still be the one it gets alone). As root every
# test is contained; without root the batches still grade, and say so in
# every report. GRADE_BATCH_TEMPLATE (grade-batch.sh) is passed on: under
# test_judge.sh both batches copy its built kit.
# Prints "N passed, M failed"; exits non-zero when any failed.
set -uo pipefail

build=${1:?usage: test_batch.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../../.." && pwd)
source "$top/tools/instructor/tests/lib.sh"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-batch-test-XXXXXX")
chmod 711 "$scratch" # the tests' uids pass through to their binaries
trap 'rm -rf "$scratch"' EXIT

"$top/tools/instructor/tests/make-fixtures.sh" "$top" "$scratch/fixtures"
# The fixtures that change lab 02 alone go to a class of their own.
mkdir -p "$scratch/lab02"
mv "$scratch/fixtures/fails_some.tar.gz" "$scratch/fixtures/crashes.zip" "$scratch/fixtures/hangs" \
    "$scratch/fixtures/leaks" "$scratch/fixtures/edits_test" "$scratch/fixtures/skeleton" "$scratch/lab02/"
echo "== grade-batch of ordinary submissions (every lab: 1, lab 02: 6, all 7 at once) =="
start=$SECONDS
# PUBLISH=1: the students' reports show the hidden tests in full (the
# forwarded form before publication is test_instructor.sh's).
PUBLISH=1 "$top/tools/instructor/grade-batch.sh" "$scratch/fixtures" "$scratch/batch" 1 600 >"$scratch/batch.log" 2>&1 &
every_lab=$!
PUBLISH=1 "$top/tools/instructor/grade-batch.sh" "$scratch/lab02" "$scratch/batch02" 6 600 02 >"$scratch/batch02.log" 2>&1
wait "$every_lab"
echo "  (graded in $((SECONDS - start)) s)"
grep -h '^grade-batch: .*points (' "$scratch/batch.log" "$scratch/batch02.log" | sed 's/^/    /'

grades="$scratch/batch/grades.csv"
grades02="$scratch/batch02/grades.csv"
column_of() { head -1 "$2" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; } # column_of NAME CSV
cell() { # cell STUDENT COLUMN: from the batch that graded STUDENT
    local csv=$grades
    grep -q "^$1," "$csv" || csv=$grades02
    grep "^$1," "$csv" | cut -d, -f"$(column_of "$2" "$csv")"
}
expect_lab() { # expect_lab STUDENT LAB POINTS
    local got
    got=$(cell "$1" "$2")
    [ "$got" = "$3" ] || echo "    $1: lab $2 has '$got' points, expected $3"
    [ "$got" = "$3" ]
}
LAB01_FULL=$(lab_points "$top/$build/labs/01-shm-ring/test_01-shm-ring")
LAB02_FULL=$(lab_points "$top/$build/labs/02-pipe/test_02-pipe" "$top/$build/labs/02-pipe/hidden_02-pipe")

check "every lab has a column and its maximum" test "$(head -1 "$grades")" = \
    "student,$(ls "$top/labs" | grep -E '^[0-9]{2}-' | sed 's/.*/&,& max/' | paste -sd,),total,total max,leaks,timeouts,notes" ||
    head -1 "$grades"
check "LAB 02: lab 02's column alone" \
    test "$(head -1 "$grades02")" = "student,02-pipe,02-pipe max,total,total max,leaks,timeouts,notes"
check "correct: all of lab 02 ($LAB02_FULL)" expect_lab correct 02-pipe "$LAB02_FULL"
check "correct: all of lab 01 ($LAB01_FULL), its ThreadSanitizer run included" expect_lab correct 01-shm-ring "$LAB01_FULL"
check "skeleton: nothing" expect_lab skeleton total 0
check "fails_some: loses the two short-write tests and the EPIPE report (10 points)" \
    expect_lab fails_some 02-pipe $((LAB02_FULL - 10))
check "crashes: scores only the tests that never write (18)" expect_lab crashes 02-pipe 18
check "hangs: loses the two tests that receive from a FIFO (7 points)" expect_lab hangs 02-pipe $((LAB02_FULL - 7))
check "leaks: loses every test that sends to a child (23 points)" expect_lab leaks 02-pipe $((LAB02_FULL - 23))
check "edits_test: graded with the pristine tests" expect_lab edits_test 02-pipe "$LAB02_FULL"
check "edits_test: the edit is reported" sh -c "grep '^edits_test,' '$grades02' | grep -q 'modified protected file tests/02-pipe/test_pipe.c'"
check "leaks: the leaks are counted" test "$(cell leaks leaks)" -gt 0
check "hangs: the timeout is counted" test "$(cell hangs timeouts)" -eq 1
check "correct: no leak, no timeout" test "$(cell correct leaks),$(cell correct timeouts)" = 0,0
both_import() { csv_imports "$grades" && csv_imports "$grades02"; }
check "each total is the sum of its labs, each maximum the tables' (both grades.csv as gradebooks read them)" \
    both_import
check "a report per student to forward, and one for the instructor" \
    test "$(ls "$scratch"/batch*/student/*.txt | wc -l),$(ls "$scratch"/batch*/instructor/*.txt | wc -l)" = 7,7
published() { # every hidden test of lab 02 has its own line in correct's report to forward
    local name missing=0
    while read -r name; do
        grep -q "^  PASS .* $name\$" "$scratch/batch/student/correct.txt" || missing=$((missing + 1))
    done < <("$top/$build/labs/02-pipe/hidden_02-pipe" --list | cut -f1)
    [ "$missing" -eq 0 ] && grep -q '^-- hidden tests --$' "$scratch/batch/student/correct.txt"
}
check "PUBLISH=1: a student's report shows every hidden test" published
check "the console shows each student's points out of the maximum" \
    grep -qE "^grade-batch: correct: [0-9]+/$(cell correct 'total max') points" "$scratch/batch.log"

summary
