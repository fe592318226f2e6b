#!/usr/bin/env bash
# grade-batch.sh - grade a whole class on one machine.
#
# usage: tools/instructor/grade-batch.sh SUBMISSIONS_DIR OUT_DIR [JOBS] [TIME_LIMIT_S] [LAB]
#
# Each entry of SUBMISSIONS_DIR is one student: a folder, a .tar.gz/.tgz or
# a .zip, named after the student. Each is graded in its own copy of the
# pristine kit (only the files in the labs' MANIFESTs are taken from it),
# with the hidden tests, JOBS at a time, by the judge (tests/grader/judge.c):
#   - the whole submission ends within TIME_LIMIT_S (default 600 s): each lab
#     gets a share, and a backstop kills whatever is left;
#   - as root, every test runs in namespaces of its own under a uid that
#     this grading run alone holds, with limits on memory and processes, so
#     no submission can reach another, the host, or a second batch run;
#   - the captured output is capped at 1 MB, with a visible marker;
#   - each submission's folder can be entered but not read by other users.
# LAB (NN or NN-name) grades that lab alone: one assignment of the course.
# Writes OUT_DIR/grades.csv (student, points per lab, total, notes) and
# OUT_DIR/reports/STUDENT.txt and STUDENT.json.
set -uo pipefail

usage="usage: grade-batch.sh SUBMISSIONS_DIR OUT_DIR [JOBS] [TIME_LIMIT_S] [LAB]"
submissions=${1:?$usage}
out=${2:?$usage}
jobs=${3:-2}
limit=${4:-600}
lab=${5:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out/reports"
out=$(cd "$out" && pwd)
submissions=$(cd "$submissions" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-batch-XXXXXX")
chmod 711 "$work" # the tests' uids pass through to their binaries; nobody lists it
trap 'rm -rf "$work"' EXIT

# ---- the pristine kit, built once -----------------------------------------
echo "grade-batch: preparing the pristine kit"
"$top/tools/instructor/kit-copy.sh" "$work/template" --hidden
# Everything but the students' own files is compiled here, once.
# One lab (LAB): only it is built and graded, and the CSV has its column alone.
if [ -n "$lab" ]; then
    lab_dir=$(ls -d "$work/template/labs/${lab%%-*}-"* 2>/dev/null | head -1)
    if [ -z "$lab_dir" ] || { [ "$lab" != "${lab%%-*}" ] && [ "$lab" != "$(basename "$lab_dir")" ]; }; then
        echo "grade-batch: there is no lab '$lab'. The labs are:" >&2
        ls "$work/template/labs" | sed 's/^/    /' >&2
        exit 2
    fi
    echo "grade-batch: grading lab $(basename "$lab_dir") only"
fi
if ! make -C "$work/template" --no-print-directory -s -j2 DEPS_DONE=1 HIDDEN=1 LAB="${lab%%-*}" grade-prepare \
    >"$work/template.log" 2>&1 || ! "$top/tools/instructor/points.sh" "$work/template" "$work/points" "$lab"; then
    tail -20 "$work/template.log" >&2
    echo "grade-batch: the pristine kit does not build" >&2
    exit 1
fi

# ---- one submission -------------------------------------------------------
# grade_one INDEX PATH: runs in a background job; writes reports/NAME.*
grade_one() {
    local index=$1 path=$2 name dir
    name=$(basename "$path")
    name=${name%.tar.gz}
    name=${name%.tgz}
    name=${name%.zip}
    dir="$work/$index-$name"
    mkdir -p "$dir/submission"
    case "$path" in
    *.tar.gz | *.tgz) tar -xzf "$path" -C "$dir/submission" 2>/dev/null ;;
    *.zip) unzip -qo "$path" -d "$dir/submission" 2>/dev/null ;;
    *) cp -a "$path/." "$dir/submission/" ;;
    esac
    # An archive that holds one folder: grade what is inside it.
    local inner
    inner=$(find "$dir/submission" -mindepth 1 -maxdepth 1)
    if [ "$(echo "$inner" | wc -l)" -eq 1 ] && [ -d "$inner" ]; then
        dir_sub=$inner
    else
        dir_sub="$dir/submission"
    fi
    cp -a "$work/template" "$dir/kit"
    "$top/tools/instructor/overlay.sh" "$dir_sub" "$dir/kit" "$dir/notes.txt"
    rm -rf "$dir/submission" # only the overlaid MANIFEST files are graded

    # Several submissions share the cores (and one may spin until its
    # timeouts): every time limit of the tests is doubled, so a busy
    # machine never costs a correct submission its points.
    local grade=(env CK_TIMEOUT_MULTIPLIER=2 NO_COLOR=1
        make -C "$dir/kit" --no-print-directory grade DEPS_DONE=1 KEEP_GOING=1 HIDDEN=1 LAB="${lab%%-*}"
        POINTS_DIR="$work/points" GRADE_DIR="$dir/out" GRADE_NOTES="$dir/notes.txt"
        GRADE_LIMIT="$((limit - 15))" GRADE_LOCK_DOWN=1)
    # Sources, results and hidden tests are root's alone; the tests (another
    # uid) may only pass through folders and run the binaries.
    chmod 711 "$dir"
    local start=$SECONDS status
    # The output is capped, but always read to the end: a program that
    # prints without end runs into its tests' timeouts, not into SIGPIPE.
    timeout -k 10 "$limit" "${grade[@]}" 2>&1 |
        { head -c 1000000; if [ -n "$(head -c 1)" ]; then echo; echo "[output cut at 1 MB]"; fi; cat >/dev/null; } >"$dir/report.txt"
    status=${PIPESTATUS[0]}
    case "$status" in
    124) echo "grading was stopped at the time limit of ${limit} s" >>"$dir/notes.txt" ;;
    137) if [ $((SECONDS - start)) -ge "$limit" ]; then
             echo "grading was killed at the time limit of ${limit} s" >>"$dir/notes.txt"
         else
             echo "the grader was killed (by the submission?) after $((SECONDS - start)) s" >>"$dir/notes.txt"
         fi ;;
    esac
    echo "graded in $((SECONDS - start)) s" >>"$dir/notes.txt"
    {
        cat "$dir/report.txt"
        echo
        echo "== notes =="
        cat "$dir/notes.txt"
    } >"$out/reports/$name.txt"
    if [ -s "$dir/out/results.json" ]; then
        cp "$dir/out/results.json" "$out/reports/$name.json"
    fi
    # One CSV line: per-lab points from the parts, then notes.
    local labs_line="" total=0 lab points
    for lab in $(ls "$work/points" | sed -n 's/^test_\(.*\)\.tsv$/\1/p'); do
        points=$(cat "$dir/out/parts/$lab.json" "$dir/out/parts/hidden_$lab.json" 2>/dev/null |
            awk -F'"score": |, "max_score"' '{ s += $2 } END { print s + 0 }')
        labs_line+=",$points"
        total=$((total + points))
    done
    local leaks timeouts extra
    leaks=$(grep -ho 'leak: [^"\\]*' "$dir"/out/parts/*.json 2>/dev/null | wc -l)
    timeouts=$(grep -ho 'timed out after' "$dir"/out/parts/*.json 2>/dev/null | wc -l)
    extra=$(cat "$dir/notes.txt" "$dir/out/judge-notes.txt" 2>/dev/null | grep -v '^graded in' | sort -u | tr '\n' ';' | tr ',' ' ')
    echo "$name$labs_line,$total,leaks=$leaks timeouts=$timeouts ${extra}" >"$dir/row.csv"
    echo "grade-batch: $name: $total points ($((SECONDS - start)) s)"
}

# ---- all of them, JOBS at a time -------------------------------------------
index=0
for path in "$submissions"/*; do
    [ -e "$path" ] || continue
    index=$((index + 1))
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n
    done
    grade_one "$index" "$path" &
done
wait

header="student"
for lab in $(ls "$work/points" | sed -n 's/^test_\(.*\)\.tsv$/\1/p'); do
    header+=",$lab"
done
{
    echo "$header,total,notes"
    cat "$work"/*/row.csv 2>/dev/null | sort
} >"$out/grades.csv"
echo "grade-batch: wrote $out/grades.csv and $out/reports/"
