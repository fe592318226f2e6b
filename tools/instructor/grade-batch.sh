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
# Writes, each file 0600 in 0700 folders (results are the grader's alone):
#   OUT_DIR/grades.csv        one row per student: points per lab and its
#                             maximum, total and its maximum, leaks, timeouts,
#                             notes (RFC 4180; see README, "Grade on one machine")
#   OUT_DIR/grades.json       the same, as JSON
#   OUT_DIR/grades-canvas.csv the labs' points in Canvas's own gradebook layout
#   OUT_DIR/student/NAME.txt  the report to forward to the student: public
#                             tests in full, hidden tests only as a count and
#                             points, until PUBLISH=1 (environment) is given
#   OUT_DIR/instructor/NAME.txt, NAME.json, NAME.log   everything: every test
#                             in full, results.json, the grading's own output
# An earlier run's results in OUT_DIR are removed first.
# GRADE_BATCH_TEMPLATE=DIR (environment): a pristine kit already made by
# kit-copy.sh --hidden and built by make grade-prepare (for every lab, or for
# LAB), copied instead of made again: the kit's own tests run several
# batches and build the kit for them once. It is still brought up to date.
set -uo pipefail
umask 077

usage="usage: grade-batch.sh SUBMISSIONS_DIR OUT_DIR [JOBS] [TIME_LIMIT_S] [LAB]"
submissions=${1:?$usage}
out=${2:?$usage}
jobs=${3:-2}
limit=${4:-600}
lab=${5:-}
publish=${PUBLISH:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/student" "$out/instructor" "$out/reports" "$out"/grades.csv "$out"/grades-canvas.csv "$out"/grades.json
mkdir -p "$out/student" "$out/instructor"
chmod 700 "$out" "$out/student" "$out/instructor"
submissions=$(cd "$submissions" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-batch-XXXXXX")
chmod 711 "$work" # the tests' uids pass through to their binaries; nobody lists it
trap 'rm -rf "$work"' EXIT

# ---- the pristine kit, built once -----------------------------------------
echo "grade-batch: preparing the pristine kit"
if [ -n "${GRADE_BATCH_TEMPLATE:-}" ]; then
    # cp -a keeps the times, so make sees the build as up to date.
    cp -a "$GRADE_BATCH_TEMPLATE" "$work/template" || { echo "grade-batch: cannot copy $GRADE_BATCH_TEMPLATE" >&2; exit 1; }
else
    "$top/tools/instructor/kit-copy.sh" "$work/template" --hidden
fi
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

# The labs graded, and each one's maximum, from the pristine tables.
mapfile -t labs < <(ls "$work/points" | sed -n 's/^test_\(.*\)\.tsv$/\1/p')
# (Not "lab": that names the one lab to grade, LAB.)
declare -A lab_max=()
max_total=0
for each in "${labs[@]}"; do
    lab_max[$each]=$(cat "$work/points/test_$each.tsv" "$work/points/hidden_$each.tsv" 2>/dev/null |
        awk -F'\t' '{ s += $2 } END { print s + 0 }')
    max_total=$((max_total + lab_max[$each]))
done
textsafe="$work/template/build/plain/tests/grader/textsafe"

# verdict_sum FIELD DIR LAB [hidden|public]: the sum of one numeric field of
# the judge's verdicts (3 score, 4 max; verdict.h) for a lab, public and hidden tests.
verdict_sum() {
    local files=("$2/out/parts/$3.verdicts" "$2/out/parts/hidden_$3.verdicts")
    [ "${4:-}" = public ] && files=("$2/out/parts/$3.verdicts")
    [ "${4:-}" = hidden ] && files=("$2/out/parts/hidden_$3.verdicts")
    cat "${files[@]}" 2>/dev/null | awk -F'\t' -v f="$1" '{ s += $f } END { print s + 0 }'
}

# replace_text: standard input with every $FROM replaced by $TO (plain text, not patterns).
replace_text() {
    awk '{ out = ""; while ((i = index($0, ENVIRON["FROM"])) > 0) {
               out = out substr($0, 1, i - 1) ENVIRON["TO"]; $0 = substr($0, i + length(ENVIRON["FROM"])) }
           print out $0 }'
}

# render_report DIR NAME [instructor]: one student's report, from the parts
# the judge wrote. Without "instructor", hidden tests are a count and points:
# their names, messages and hints are what the instructor has not published.
render_report() {
    local dir=$1 name=$2 full=$3 lab score total=0 hidden_count hidden_max
    echo "ipc-kit grade report: $name$([ -n "$full" ] && echo " (every test, hidden ones included)")"
    for lab in "${labs[@]}"; do
        score=$(verdict_sum 3 "$dir" "$lab")
        total=$((total + score))
        echo
        echo "==== lab $lab: $score/${lab_max[$lab]} points ===="
        if [ -s "$dir/out/parts/$lab.txt" ]; then
            echo "-- public tests --"
            grep -v '^$\|^== lab ' "$dir/out/parts/$lab.txt"
        fi
        [ -f "$work/points/hidden_$lab.tsv" ] || continue
        if [ -n "$full" ] && [ -s "$dir/out/parts/hidden_$lab.txt" ]; then
            echo "-- hidden tests --"
            grep -v '^$\|^== lab ' "$dir/out/parts/hidden_$lab.txt"
        else
            # Their count and maximum from the table: right even when grading was cut short.
            read -r hidden_count hidden_max < <(awk -F'\t' '{ n++; s += $2 } END { print n + 0, s + 0 }' \
                "$work/points/hidden_$lab.tsv")
            echo "-- hidden tests: $hidden_count tests, $(verdict_sum 3 "$dir" "$lab" hidden)/$hidden_max points" \
                "(their names and hints are shown once your instructor publishes them) --"
        fi
    done
    if [ -s "$dir/all-notes.txt" ]; then
        echo
        echo "==== notes ===="
        "$textsafe" term "  " <"$dir/all-notes.txt"
    fi
    echo
    echo "TOTAL: $total/$max_total points"
}

# ---- one submission -------------------------------------------------------
# grade_one INDEX PATH: runs in a background job; writes student/NAME.txt, instructor/NAME.*
grade_one() {
    local index=$1 path=$2 name dir
    name=$(basename "$path")
    name=${name%.tar.gz}
    name=${name%.tgz}
    name=${name%.zip}
    dir="$work/$index" # not the name: a path make must read holds no comma, quote or space
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
    # The notes, once each: the overlay's, the batch's and the judge's.
    cat "$dir/notes.txt" "$dir/out/judge-notes.txt" 2>/dev/null | awk '!seen[$0]++' >"$dir/all-notes.txt"
    [ -s "$dir/out/results.json" ] && cp "$dir/out/results.json" "$out/instructor/$name.json"
    # The grading's own output and the build's, for the instructor. They name
    # the work folder, which is gone by then: those paths now lead to the copies.
    cp "$dir/out/build.log" "$out/instructor/$name.build.log" 2>/dev/null
    grep -v '^results: ' "$dir/report.txt" |
        FROM="$dir/out/build.log" TO="$out/instructor/$name.build.log" replace_text |
        FROM="$work/" TO="(the batch's work folder)/" replace_text >"$out/instructor/$name.log"
    render_report "$dir" "$name" instructor >"$out/instructor/$name.txt"
    render_report "$dir" "$name" "${publish:+instructor}" >"$out/student/$name.txt"
    # One row: points per lab from the judge's verdicts, never from its prose.
    local row=${name//[$'\t\n\r']/ } total=0 each points leaks timeouts
    for each in "${labs[@]}"; do
        points=$(verdict_sum 3 "$dir" "$each")
        row+=$'\t'"$points"
        total=$((total + points))
    done
    leaks=$(cat "$dir"/out/parts/*.verdicts 2>/dev/null | awk -F'\t' '{ s += $6 } END { print s + 0 }')
    timeouts=$(cat "$dir"/out/parts/*.verdicts 2>/dev/null | awk -F'\t' '{ s += $7 } END { print s + 0 }')
    printf '%s\t%d\t%d\t%d\n' "$row" "$total" "$leaks" "$timeouts" >"$dir/row.tsv"
    echo "grade-batch: $name: $total/$max_total points ($((SECONDS - start)) s)"
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

# ---- grades.csv and grades.json ------------------------------------------
# csv_field TEXT: one RFC 4180 field: on one line, controls shown as \xNN,
# quoted when it holds a comma, a quote or a space at an end; a leading
# = + - @ gets a ' so that no spreadsheet reads it as a formula.
csv_field() {
    local v
    v=$(printf '%s' "$1" | "$textsafe" term "" | awk 'NR > 1 { printf "; " } { printf "%s", $0 }')
    case "$v" in [=+@-]*) v="'$v" ;; esac
    case "$v" in *[,\"]* | " "* | *" ") v="\"${v//\"/\"\"}\"" ;; esac
    printf '%s' "$v"
}
header="student"
for each in "${labs[@]}"; do
    header+=",$each,$each max"
done
{
    echo "$header,total,total max,leaks,timeouts,notes"
    for row in "$work"/*/row.tsv; do
        [ -f "$row" ] || continue
        IFS=$'\t' read -r -a fields <"$row"
        line=$(csv_field "${fields[0]}")
        for ((i = 0; i < ${#labs[@]}; i++)); do
            line+=",${fields[i + 1]},${lab_max[${labs[i]}]}"
        done
        n=${#labs[@]}
        line+=",${fields[n + 1]},$max_total,${fields[n + 2]},${fields[n + 3]},"
        line+=$(csv_field "$(cat "$(dirname "$row")/all-notes.txt" 2>/dev/null | grep -v '^graded in')")
        echo "$line"
    done | LC_ALL=C sort
} >"$out/grades.csv"
# grades.json by the judge's own renderer, from the same rows (render --grades):
# every name and note is data in it, never its syntax.
grades_args=(--grades "$out/grades.json" --max "$max_total")
for each in "${labs[@]}"; do
    grades_args+=(--lab "$each" "${lab_max[$each]}")
done
for row in "$work"/*/row.tsv; do
    [ -f "$row" ] || continue
    grades_args+=(--row "$row" "$(dirname "$row")/all-notes.txt")
done
"$(dirname "$textsafe")/render" "${grades_args[@]}"
# Canvas's own gradebook layout (what its export writes and its import
# reads): the student columns it knows, one column per lab, and a second
# row "Points Possible" with each lab's maximum, which Canvas uses for the
# assignments it creates. Students are matched by SIS Login ID: name each
# submission after it. No total and no notes: Canvas would make them
# assignments.
{
    line="Student,ID,SIS User ID,SIS Login ID,Section"
    for each in "${labs[@]}"; do line+=",$each"; done
    echo "$line"
    line="Points Possible,,,,"
    for each in "${labs[@]}"; do line+=",${lab_max[$each]}"; done
    echo "$line"
    for row in "$work"/*/row.tsv; do
        [ -f "$row" ] || continue
        IFS=$'\t' read -r -a fields <"$row"
        name=$(csv_field "${fields[0]}")
        line="$name,,,$name,"
        for ((i = 0; i < ${#labs[@]}; i++)); do line+=",${fields[i + 1]}"; done
        echo "$line"
    done | LC_ALL=C sort
} >"$out/grades-canvas.csv"
echo "grade-batch: wrote $out/grades.csv, grades-canvas.csv, grades.json, student/ (to forward$([ -n "$publish" ] && echo ", hidden tests published")) and instructor/"
