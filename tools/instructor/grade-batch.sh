#!/usr/bin/env bash
# grade-batch.sh - grade a whole class on one machine.
#
# usage: tools/instructor/grade-batch.sh SUBMISSIONS_DIR OUT_DIR [JOBS] [TIME_LIMIT_S]
#
# Each entry of SUBMISSIONS_DIR is one student: a folder, a .tar.gz/.tgz or
# a .zip, named after the student. Each is graded in its own copy of the
# pristine kit (only the files in the labs' MANIFESTs are taken from it),
# with the hidden tests, JOBS at a time, and:
#   - a time limit for the whole submission (TIME_LIMIT_S, default 600 s);
#   - a bound on processes (RLIMIT_NPROC), so a fork bomb stays inside;
#   - its output capped at 1 MB, so endless printing cannot fill the disk;
#   - as root: its own user id and its own network namespace (only `lo`),
#     so no submission can signal, read or connect to another.
# Writes OUT_DIR/grades.csv (student, points per lab, total, notes) and
# OUT_DIR/reports/STUDENT.txt and STUDENT.json.
set -uo pipefail

submissions=${1:?usage: grade-batch.sh SUBMISSIONS_DIR OUT_DIR [JOBS] [TIME_LIMIT_S]}
out=${2:?usage: grade-batch.sh SUBMISSIONS_DIR OUT_DIR [JOBS] [TIME_LIMIT_S]}
jobs=${3:-2}
limit=${4:-600}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out/reports"
out=$(cd "$out" && pwd)
submissions=$(cd "$submissions" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-batch-XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

# ---- the pristine kit, built once -----------------------------------------
echo "grade-batch: preparing the pristine kit"
"$top/tools/instructor/kit-copy.sh" "$work/template" --hidden
"$top/tools/instructor/points.sh" "$work/template" "$work/points" || {
    echo "grade-batch: the pristine kit does not build" >&2
    exit 1
}

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

    # Several submissions share the cores (and one may spin until its
    # timeouts): every time limit of the tests is doubled, so a busy
    # machine never costs a correct submission its points.
    local grade=(env CK_TIMEOUT_MULTIPLIER=2
        make -C "$dir/kit" --no-print-directory grade DEPS_DONE=1 KEEP_GOING=1 HIDDEN=1
        NO_COLOR=1 POINTS_DIR="$work/points" GRADE_DIR="$dir/kit/out" GRADE_NOTES="$dir/notes.txt")
    local runner=(prlimit --nproc=512 --)
    if [ "$(id -u)" -eq 0 ]; then
        # Its own uid (so RLIMIT_NPROC counts only its processes, and it can
        # touch nothing of the others) and its own network namespace.
        local uid=$((61000 + index))
        chown -R "$uid:$uid" "$dir/kit"
        runner=(unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh
            prlimit --nproc=512 -- setpriv --reuid="$uid" --regid="$uid" --clear-groups
            env HOME="$dir/kit" TMPDIR=/tmp)
    fi
    local start=$SECONDS status
    # The output is capped, but always read to the end: a program that
    # prints without end runs into its tests' timeouts, not into SIGPIPE.
    timeout -k 10 "$limit" "${runner[@]}" "${grade[@]}" 2>&1 |
        { head -c 1000000; cat >/dev/null; } >"$dir/report.txt"
    status=${PIPESTATUS[0]}
    if [ "$(id -u)" -eq 0 ]; then
        pkill -KILL -U "$((61000 + index))" 2>/dev/null # anything it left running
    fi
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "submission timed out after ${limit} s" >>"$dir/notes.txt"
    fi
    echo "graded in $((SECONDS - start)) s" >>"$dir/notes.txt"
    {
        cat "$dir/report.txt"
        echo
        echo "== notes =="
        cat "$dir/notes.txt"
    } >"$out/reports/$name.txt"
    if [ -s "$dir/kit/out/results.json" ]; then
        cp "$dir/kit/out/results.json" "$out/reports/$name.json"
    fi
    # One CSV line: per-lab points from the parts, then notes.
    local labs_line="" total=0 lab points
    for lab in $(ls "$work/points" | sed -n 's/^test_\(.*\)\.tsv$/\1/p'); do
        points=$(cat "$dir/kit/out/parts/$lab.json" "$dir/kit/out/parts/hidden_$lab.json" 2>/dev/null |
            awk -F'"score": |, "max_score"' '{ s += $2 } END { print s + 0 }')
        labs_line+=",$points"
        total=$((total + points))
    done
    local leaks timeouts extra
    leaks=$(grep -ho 'leak: [^"\\]*' "$dir"/kit/out/parts/*.json 2>/dev/null | wc -l)
    timeouts=$(grep -ho 'timed out after' "$dir"/kit/out/parts/*.json 2>/dev/null | wc -l)
    extra=$(grep -v '^graded in' "$dir/notes.txt" | tr '\n' ';' | tr ',' ' ')
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
