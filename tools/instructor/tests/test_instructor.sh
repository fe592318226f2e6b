#!/usr/bin/env bash
# test_instructor.sh - end-to-end tests of the instructor tooling:
#   1. the student tarball builds and grades the skeleton, and hides what it must;
#   2. the Gradescope autograder, in a simulated /autograder layout, with a
#      correct, an empty and a broken submission;
#   3. grade-batch (lab 02): the report to forward holds no hidden test's
#      name or hint (PUBLISH=1 is test_batch.sh's), no report names a folder that is gone,
#      grades.csv imports as Canvas and Moodle read it, results are private;
#   4. the GitHub Classroom workflow: one step per test, worth its points;
#      three of lab 02's steps and one of every other lab run as written.
# Batch scores of every lab, attacks and containment: test_batch.sh, test_judge.sh.
# Prints "N passed, M failed" at the end; exits non-zero when any failed.
#
# usage: tools/instructor/tests/test_instructor.sh BUILD_DIR
set -uo pipefail

build=${1:?usage: test_instructor.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../../.." && pwd)
json_check="$top/$build/tools/instructor/tests/json_check"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-instructor-XXXXXX")
trap '[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$scratch"' EXIT # KEEP_SCRATCH=1 keeps it, to look
source "$top/tools/instructor/tests/lib.sh"
logged() { # logged LOG COMMAND...: runs COMMAND with its output in LOG
    local log=$1
    shift
    "$@" >"$log" 2>&1
}

# The student tarball is built and verified (a whole build and grading)
# while Gradescope's containers and the batch run beside it.
"$top/tools/instructor/dist-student.sh" "$scratch/dist" --keep "$scratch/verified" >"$scratch/dist.log" 2>&1 &
dist_pid=$!

# ---- 3. (started now) grade-batch of a class, lab 02, while Gradescope's tests run
"$top/tools/instructor/tests/make-fixtures.sh" "$top" "$scratch/fixtures" >/dev/null
mkdir -p "$scratch/class"
mv "$scratch/fixtures/correct" "$scratch/fixtures/fails_some.tar.gz" "$scratch/fixtures/edits_test" "$scratch/class/"
mkdir "$scratch/class/o'brien, \"jr\"" # a name a CSV must quote
batch="$scratch/batch"
# The batch copies a kit built from make test's own build (building one from
# nothing is setup.sh's, below).
built_template "$top" "$scratch/template" 02 &&
    GRADE_BATCH_TEMPLATE="$scratch/template" "$top/tools/instructor/grade-batch.sh" "$scratch/class" "$batch" 2 300 02 \
        >"$scratch/batch.log" 2>&1 &
batch_pid=$!

# ---- 2. Gradescope ----------------------------------------------------------
echo "== gradescope =="
check "the autograder zip for every lab is built, with every lab's tables" sh -c \
    "'$top/tools/instructor/gradescope.sh' '$scratch/autograder-all.zip' >/dev/null &&
     test \"\$(unzip -l '$scratch/autograder-all.zip' | grep -c 'points/test_')\" -eq $(ls -d "$top"/labs/[0-9][0-9]-* | wc -l)"
# The one-lab zip (LAB=02) is graded: the same scripts, and lab 02 alone to
# build and grade, which keeps make test in its time (the every-lab grading
# path is the same make grade, proven by test_batch.sh).
check "the autograder zip for lab 02 is built" "$top/tools/instructor/gradescope.sh" "$scratch/autograder.zip" 02 >/dev/null
# Gradescope builds its image once (setup.sh), then grades each submission
# in a fresh container made from it: here, a copy of one set-up folder.
mkdir -p "$scratch/gs-image"
unzip -qo "$scratch/autograder.zip" -d "$scratch/gs-image"
check "setup.sh installs and builds the kit" logged "$scratch/gs-setup.log" sh -c "cd '$scratch/gs-image' && ./setup.sh" ||
    tail -20 "$scratch/gs-setup.log"
gradescope_run() { # gradescope_run NAME: grade $scratch/gs-NAME/submission
    local root="$scratch/gs-$1"
    mkdir -p "$root/results"
    cp -a "$scratch/gs-image" "$root/source"
    AUTOGRADER_ROOT="$root" "$root/source/run_autograder" >"$root/run.log" 2>&1
}
mkdir -p "$scratch/gs-correct/submission" "$scratch/gs-empty/submission" "$scratch/gs-broken/submission"
cp "$top/solutions/02-pipe/pipe_lab.c" "$scratch/gs-correct/submission/" # a flat upload
{ cat "$top/labs/02-pipe/pipe_lab.c"; echo "this does not compile"; } >"$scratch/gs-broken/submission/pipe_lab.c"
# Every point of lab 02, hidden tests too, from the autograder's own tables.
LAB02_FULL=$(unzip -p "$scratch/autograder.zip" points/test_02-pipe.tsv points/hidden_02-pipe.tsv |
    awk -F'\t' '{ s += $2 } END { print s }')
# The three containers grade side by side, as Gradescope's would.
declare -A gradescope_pid=()
for name in correct empty broken; do
    gradescope_run "$name" &
    gradescope_pid[$name]=$!
done
for name in correct empty broken; do
    check "$name submission: run_autograder succeeds" wait "${gradescope_pid[$name]}"
    check "$name submission: results.json is valid JSON" "$json_check" "$scratch/gs-$name/results/results.json"
done
check "correct submission: lab 02 scores $LAB02_FULL" test "$(lab_score "$scratch/gs-correct/results/results.json" 02-pipe)" -eq $LAB02_FULL
check "correct submission: hidden tests are after_published" \
    grep -q '"visibility": "after_published"' "$scratch/gs-correct/results/results.json"
check "empty submission: scores 0" test "$(total_score "$scratch/gs-empty/results/results.json")" -eq 0
check "broken submission: scores 0" test "$(total_score "$scratch/gs-broken/results/results.json")" -eq 0
check "broken submission: says it did not compile" grep -q 'did not compile' "$scratch/gs-broken/results/results.json"
check "Gradescope's results are private: results.json 0600 in a 0700 folder" \
    test "$(stat -c %a "$scratch/gs-correct/results" "$scratch/gs-correct/results/results.json" | paste -sd,)" = 700,600

# ---- 1. student tarball -----------------------------------------------------
echo "== dist-student =="
check "the tarball is built and verified" wait "$dist_pid" || tail -20 "$scratch/dist.log"
mkdir -p "$scratch/unpacked"
tar -xzf "$scratch/dist/ipc-kit-student.tar.gz" -C "$scratch/unpacked"
check "it has no solutions/" test ! -e "$scratch/unpacked/ipc-kit/solutions"
# Everything only the instructor has lives in tools/instructor/ (the hidden
# tests, the alternative solutions, the mutants, the tooling and its tests):
# its absence is the whole check, and a stray file of its kinds elsewhere too.
check "it has no instructor tools (tools/instructor/)" test ! -e "$scratch/unpacked/ipc-kit/tools/instructor"
check "it has no hidden tests" test -z "$(find "$scratch/unpacked" -name 'hidden_*')"
check "it has no alternative solutions and no mutants" \
    test -z "$(find "$scratch/unpacked" -name alternatives -o -name mutants -o -name '*.sed')"
check "it has the labs, common, public tests, slides, Makefile and README" \
    test -f "$scratch/unpacked/ipc-kit/labs/02-pipe/pipe_lab.c" -a -d "$scratch/unpacked/ipc-kit/common" \
    -a -f "$scratch/unpacked/ipc-kit/tests/02-pipe/test_pipe.c" -a -d "$scratch/unpacked/ipc-kit/slides" \
    -a -f "$scratch/unpacked/ipc-kit/Makefile" -a -f "$scratch/unpacked/ipc-kit/README.md"
check "it has the Classroom workflow" test -f "$scratch/unpacked/ipc-kit/.github/workflows/classroom.yml"
# The student's README, and every command in it, run in the kit dist-student
# verified (built and graded): make commands as a dry run (the target and its
# options exist; -n still runs the sub-makes that say what would be built),
# make help and the reference's refusal for real, the programs' paths on disk.
student_readme="$scratch/verified/README.md"
check "the student's README is the kit's, without the instructor's parts" \
    cmp -s "$student_readme" <("$top/tools/instructor/student-readme.sh" "$top/README.md")
check "the student's README names no solutions, hidden tests or instructor tooling" \
    sh -c "! grep -nE 'solutions|hidden_|grade-batch|gradescope|tools/instructor|make test|instructor-only' '$student_readme'"
readme_commands() { # the make commands of a README: code-block lines and `...` spans
    { sed -n 's/^\(\([A-Z_]*=[^ ]* \)*make [^#]*\).*/\1/p' "$1"
      grep -o '`\([A-Z_]*=[^ `]* \)*make [^`]*`' "$1" | tr -d '`'; } |
        sed 's/ *$//' | grep -v 'NN\|<\|…\|\*\*\*' | sort -u
}
readme_commands_run() {
    local command bad=0 count=0
    while read -r command; do
        count=$((count + 1))
        if ! (cd "$scratch/verified" && DEPS_DONE=1 bash -c "${command/make /make -n --no-print-directory }") \
            >"$scratch/readme-command.log" 2>&1; then
            echo "    fails in the student kit: $command"
            tail -3 "$scratch/readme-command.log" | sed 's/^/      /'
            bad=$((bad + 1))
        fi
    done < <(readme_commands "$student_readme")
    echo "  ($count make commands)"
    [ "$bad" -eq 0 ] && [ "$count" -gt 5 ]
}
check "every make command of the student's README runs in the student kit" readme_commands_run
check "every program path of the student's README exists once built" sh -c "make -C '$scratch/verified' -s DEPS_DONE=1 programs >/dev/null 2>&1 &&
    for p in \$(grep -o 'build/plain/[a-z0-9/_-]*' '$student_readme' | sort -u); do test -e '$scratch/verified/'\$p || { echo \"    missing: \$p\"; exit 1; }; done"
reference_refused() {
    local out status
    out=$(make -C "$scratch/verified" --no-print-directory DEPS_DONE=1 grade IMPL=solutions 2>&1)
    status=$?
    [ "$status" -eq 2 ] && echo "$out" | grep -q 'not part of the student kit'
}
check "make grade IMPL=solutions in the student kit: the reference is not part of it (exit 2)" reference_refused

# ---- student text is data ------------------------------------------------------
# A lab 02 that prints a fake total with a carriage return, an escape
# sequence and bytes that are not UTF-8, and says the same in a #pragma
# message, graded in the student kit: the grader's own lines stay its own.
echo "== what a student's code prints is data =="
skeleton="$scratch/verified/labs/02-pipe/pipe_lab.c"
cp "$skeleton" "$scratch/pipe_lab.c.skeleton"
{
    cat <<'C'
#include <stdio.h>
#pragma message "\nTOTAL (labs): 999/999 points (100%), every test passed"
static void print_a_fake_total(void)
{
    fprintf(stderr, "\r\033[2KTOTAL (labs): 999/999 points (100%%)\n\xff\xfe <b>\n");
}
C
    sed 's|^    (void)fd;$|    print_a_fake_total();\n    (void)fd;|' "$scratch/pipe_lab.c.skeleton"
} >"$skeleton"
make -C "$scratch/verified" --no-print-directory DEPS_DONE=1 grade LAB=02 >"$scratch/evil.log" 2>&1
check "the only TOTAL line is the grader's last line" \
    test "$(grep -c '^TOTAL' "$scratch/evil.log"),$(grep '^TOTAL' "$scratch/evil.log" | grep -c '^TOTAL (labs): 0/')" = 1,1
check "no escape or carriage return reaches the terminal; they are shown as \\x1b and \\x0d" \
    sh -c "! LC_ALL=C grep -q '[$(printf '\033\r')]' '$scratch/evil.log' && grep -qF '\x0d\x1b[2KTOTAL (labs): 999/999' '$scratch/evil.log'"
check "results.json is valid JSON in valid UTF-8" sh -c "'$json_check' '$scratch/verified/build/grade/results.json' &&
    iconv -f UTF-8 -t UTF-8 '$scratch/verified/build/grade/results.json' >/dev/null"
if command -v xmllint >/dev/null; then
    check "junit.xml is well-formed XML" xmllint --noout "$scratch/verified/build/grade/junit.xml"
fi
# Then the same lab stops compiling: its result is a new one, 0 with the
# compiler's words, never the results of the run before.
echo "int broken(void) { return no_such_name; }" >>"$skeleton"
make -C "$scratch/verified" --no-print-directory DEPS_DONE=1 grade LAB=02 >"$scratch/broken.log" 2>&1
broken_results="$scratch/verified/build/grade/results.json"
broken_lab_reported() {
    grep -q 'did not compile' "$broken_results" && [ "$(lab_score "$broken_results" 02-pipe)" = 0 ] &&
        grep -q '^  *labs/02-pipe/pipe_lab.c:[0-9]*:[0-9]*: error: .no_such_name' "$scratch/broken.log"
}
check "a lab that does not compile: results.json says so, 0 points, the compiler's message shown indented" \
    broken_lab_reported || tail -20 "$scratch/broken.log"
check "a lab that does not compile: junit.xml fails each of its tests" \
    grep -q '<testsuite name="lab-02-pipe" tests="[1-9][0-9]*" failures="[1-9]' "$scratch/verified/build/grade/junit.xml"
cp "$scratch/pipe_lab.c.skeleton" "$skeleton"

# ---- make help --------------------------------------------------------------
help_lists_everything() { # every target declared .PHONY and every option a user sets
    local help target missing=""
    help=$(make -C "$top" --no-print-directory help)
    for target in $(cat "$top/Makefile" "$top"/slides/slides.mk "$top"/labs/04-tcp-lifecycle/win/windows.mk \
        "$top"/tools/wire/wire.mk 2>/dev/null |
        awk '/^\.PHONY:/ { on = 1; sub(/^\.PHONY:/, "") } on { more = /\\$/; sub(/\\$/, ""); print; on = more }') \
        LAB= TEST= SAN= HIDDEN= IMPL= FULL= JOBS= LIMIT= PUBLISH= MUTANT= MODE= DELAY= LOSS= TEST_JOBS= V= \
        IPC_STEP= GRADE_DIR= DEPS_FOR= SUBMISSIONS=; do
        grep -qw -- "${target%=}" <<<"$help" || missing+=" $target"
    done
    [ -z "$missing" ] || echo "    make help does not name:$missing"
    [ -z "$missing" ] && grep -q 'about 3 minutes' <<<"$help"
}
echo "== make help =="
check "make help names every target and option, and how long make test takes" help_lists_everything

refuses_unknown_lab() { # refuses_unknown_lab COMMAND...: exit 2, and the labs are listed
    local out status
    out=$("$@" 2>&1)
    status=$?
    [ "$status" -eq 2 ] && echo "$out" | grep -q "no lab '09'" && echo "$out" | grep -q '02-pipe'
}
mkdir -p "$scratch/no-submissions"
check "gradescope.sh refuses an unknown LAB, listing the labs" \
    refuses_unknown_lab "$top/tools/instructor/gradescope.sh" "$scratch/lab09.zip" 09
check "grade-batch.sh refuses an unknown LAB, listing the labs" \
    refuses_unknown_lab "$top/tools/instructor/grade-batch.sh" "$scratch/no-submissions" "$scratch/batch09" 1 60 09

# ---- 3. grade-batch: what an instructor forwards and imports ----------------
echo "== grade-batch: reports, grades.csv, grades.json (lab 02) =="
hidden_table="$scratch/hidden_02-pipe.tsv"
unzip -p "$scratch/autograder.zip" points/hidden_02-pipe.tsv >"$hidden_table"
wait "$batch_pid"
batch_status=$?
check "grade-batch grades the class" test "$batch_status" -eq 0 || tail -20 "$scratch/batch.log"
mentions_hidden() { # mentions_hidden FILE: does FILE name a hidden test or give its hint?
    cut -f1,4 "$hidden_table" | tr '\t' '\n' | grep -v '^$' | grep -qF -f - "$1"
}
forwardable() { # every student report: no hidden test's name or hint, but its count and points
    local report ok=0
    for report in "$batch"/student/*.txt; do
        if mentions_hidden "$report" || ! grep -q "hidden tests: $(grep -c . "$hidden_table") tests, [0-9]*/[0-9]* points" "$report"; then
            echo "    $report gives a hidden test away, or lacks their count"
            return 1
        fi
        ok=$((ok + 1))
    done
    [ "$ok" -eq 4 ]
}
check "a forwarded report has no hidden test name or hint, only their count and points" forwardable
check "the instructor's report has every hidden test" mentions_hidden "$batch/instructor/fails_some.txt"
# (PUBLISH=1, the hidden tests in full in the students' reports: test_batch.sh.)
check "no report points to a folder that is gone" sh -c "! grep -rlE 'ipckit-batch-|$scratch/class' '$batch'"
check "grades.csv imports into Canvas and Moodle (columns, maxima, no stray spaces)" csv_imports "$batch/grades.csv"
check "grades.csv: every lab with its maximum, the total and its maximum, clean note fields" test "$(head -1 "$batch/grades.csv")" = \
    "student,02-pipe,02-pipe max,total,total max,leaks,timeouts,notes"
check "grades.csv quotes a name with a comma and a quote" grep -qF "\"o'brien, \"\"jr\"\"\",0,$LAB02_FULL,0,$LAB02_FULL," "$batch/grades.csv"
check "grades.csv notes: the edited test, as one field" grep -qx "edits_test,$LAB02_FULL,$LAB02_FULL,$LAB02_FULL,$LAB02_FULL,0,0,modified protected file tests/02-pipe/test_pipe.c (ignored; the pristine copy was used)" "$batch/grades.csv"
canvas_layout() { # Canvas's export layout: its student columns, a row of maxima, a row per student
    local csv="$batch/grades-canvas.csv"
    [ "$(sed -n 1p "$csv")" = "Student,ID,SIS User ID,SIS Login ID,Section,02-pipe" ] &&
        [ "$(sed -n 2p "$csv")" = "Points Possible,,,,,$LAB02_FULL" ] &&
        [ "$(wc -l <"$csv")" -eq 6 ] && grep -qx "correct,,,correct,,$LAB02_FULL" "$csv" &&
        grep -qxF "\"o'brien, \"\"jr\"\"\",,,\"o'brien, \"\"jr\"\"\",,0" "$csv" &&
        ! grep -qE '[[:space:]]$' "$csv"
}
check "grades-canvas.csv is Canvas's layout: SIS Login ID, a Points Possible row of maxima, no total" canvas_layout
check "grades.json is valid JSON with every student" sh -c "'$json_check' '$batch/grades.json' && test \$(grep -c '\"student\": ' '$batch/grades.json') -eq 4"
check "the console shows points out of the maximum" grep -q "^grade-batch: correct: $LAB02_FULL/$LAB02_FULL points" "$scratch/batch.log"
check "every result is private: files 0600, folders 0700" \
    test -z "$(find "$batch" \( -type f ! -perm 600 \) -o \( -type d ! -perm 700 \))"

# ---- 4. GitHub Classroom ----------------------------------------------------
echo "== classroom =="
# The kit dist-student unpacked, built and graded: a student's clone after a first `make grade`.
classroom="$scratch/verified"
workflow="$classroom/.github/workflows/classroom.yml"
check "the workflow is named Autograding Tests" grep -q '^name: Autograding Tests$' "$workflow"
check "the reporter lists every step" test "$(grep -c 'autograding-command-grader@v1' "$workflow")" -eq \
    "$(sed -n 's/^ *runners: //p' "$workflow" | tr ',' '\n' | grep -c .)"
cp "$top/solutions/02-pipe/pipe_lab.c" "$classroom/labs/02-pipe/"
make -C "$classroom" -s -j2 DEPS_DONE=1 all >/dev/null 2>&1
# The steps, as "LAB TEST POINTS", and the labs' public test tables the same way.
awk '/command: / { match($0, /LAB=[0-9]+ TEST=[a-z0-9_]+/); split(substr($0, RSTART, RLENGTH), w, /[= ]/); step = w[2] " " w[4] }
     /max-score: / { print step, $2 }' "$workflow" >"$scratch/steps"
for bin in "$classroom"/build/plain/labs/*/test_*; do
    [ -x "$bin" ] || continue # not the table beside it (test_NN-name.tsv)
    lab=$(basename "$(dirname "$bin")")
    "$bin" --list | awk -F'\t' -v lab="${lab%%-*}" '{ print lab, $1, $2 }'
done >"$scratch/tables"
check "one step per public test, worth its points ($(wc -l <"$scratch/tables") tests)" cmp -s "$scratch/steps" "$scratch/tables"
check "every step runs the same command, but for its lab and test" test "$(sed -n 's/^ *command: //p' "$workflow" |
    sed 's/LAB=[0-9]* TEST=[a-z0-9_]*/LAB=N TEST=T/' | sort -u | wc -l)" -eq 1
# Run as written: the first three steps of lab 02 (the reference, must
# pass) and the first step of each other lab (a skeleton, must fail). The
# commands differ only in LAB and TEST, which the two checks above cover
# for every step.
classroom_steps() {
    local command ok=0 bad=0 lab seen=" "
    while read -r command; do
        lab=$(echo "$command" | sed 's/.*LAB=\([0-9]*\).*/\1/')
        case "$seen" in *" $lab $lab $lab "*) continue ;; *" $lab "*) [ "$lab" = 02 ] || continue ;; esac
        seen+="$lab "
        if (cd "$classroom" && bash -c "$command") >/dev/null 2>&1; then
            case "$command" in *LAB=02*) ok=$((ok + 1)) ;; *) bad=$((bad + 1)) ;; esac
        else
            case "$command" in *LAB=02*) bad=$((bad + 1)) ;; *) ok=$((ok + 1)) ;; esac
        fi
    done < <(sed -n 's/^ *command: //p' "$workflow")
    echo "  ($ok steps as expected, $bad not)"
    [ "$bad" -eq 0 ] && [ "$ok" -gt 0 ]
}
check "lab 02's steps pass for the reference, a skeleton lab's step fails" classroom_steps

summary
