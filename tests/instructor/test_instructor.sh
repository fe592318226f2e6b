#!/usr/bin/env bash
# test_instructor.sh - end-to-end tests of the instructor tooling:
#   1. the student tarball builds and grades the skeleton, and hides what it must;
#   2. the Gradescope autograder, in a simulated /autograder layout, with a
#      correct, an empty and a broken submission;
#   3. the GitHub Classroom workflow: one step per test, worth its points;
#      three of lab 02's steps and one of every other lab run as written.
# Batch grading, attacks and containment are tested by test_judge.sh.
# Prints "N passed, M failed" at the end; exits non-zero when any failed.
#
# usage: tests/instructor/test_instructor.sh BUILD_DIR
set -uo pipefail

build=${1:?usage: test_instructor.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
json_check="$top/$build/tests/instructor/json_check"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-instructor-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
source "$top/tests/instructor/lib.sh"
logged() { # logged LOG COMMAND...: runs COMMAND with its output in LOG
    local log=$1
    shift
    "$@" >"$log" 2>&1
}

# ---- 1. student tarball -----------------------------------------------------
echo "== dist-student =="
check "the tarball is built and verified" logged "$scratch/dist.log" "$top/tools/instructor/dist-student.sh" "$scratch/dist" \
    --keep "$scratch/verified" ||
    tail -20 "$scratch/dist.log"
mkdir -p "$scratch/unpacked"
tar -xzf "$scratch/dist/ipc-kit-student.tar.gz" -C "$scratch/unpacked"
check "it has no solutions/" test ! -e "$scratch/unpacked/ipc-kit/solutions"
check "it has no hidden tests" test -z "$(find "$scratch/unpacked" -name 'hidden_*')"
check "it has no instructor tools" test ! -e "$scratch/unpacked/ipc-kit/tools/instructor"
check "it has no alternative solutions and no mutants" \
    test ! -e "$scratch/unpacked/ipc-kit/tests/alternatives" -a ! -e "$scratch/unpacked/ipc-kit/tools/mutants"
check "it has the labs, common, public tests, slides, Makefile and README" \
    test -f "$scratch/unpacked/ipc-kit/labs/02-pipe/pipe_lab.c" -a -d "$scratch/unpacked/ipc-kit/common" \
    -a -f "$scratch/unpacked/ipc-kit/tests/02-pipe/test_pipe.c" -a -d "$scratch/unpacked/ipc-kit/slides" \
    -a -f "$scratch/unpacked/ipc-kit/Makefile" -a -f "$scratch/unpacked/ipc-kit/README.md"
check "it has the Classroom workflow" test -f "$scratch/unpacked/ipc-kit/.github/workflows/classroom.yml"

# ---- 2. Gradescope ----------------------------------------------------------
echo "== gradescope =="
check "the autograder zip is built" "$top/tools/instructor/gradescope.sh" "$scratch/autograder.zip" >/dev/null
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
for name in correct empty broken; do
    check "$name submission: run_autograder succeeds" gradescope_run "$name"
    check "$name submission: results.json is valid JSON" "$json_check" "$scratch/gs-$name/results/results.json"
done
check "correct submission: lab 02 scores $LAB02_FULL" test "$(lab_score "$scratch/gs-correct/results/results.json" 02-pipe)" -eq $LAB02_FULL
check "correct submission: hidden tests are after_published" \
    grep -q '"visibility": "after_published"' "$scratch/gs-correct/results/results.json"
check "empty submission: scores 0" test "$(total_score "$scratch/gs-empty/results/results.json")" -eq 0
check "broken submission: scores 0" test "$(total_score "$scratch/gs-broken/results/results.json")" -eq 0
check "broken submission: says it did not compile" grep -q 'did not compile' "$scratch/gs-broken/results/results.json"

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

# ---- 3. GitHub Classroom ----------------------------------------------------
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
