#!/usr/bin/env bash
# run.sh - the mutation check: does every classic bug lose points?
#
# Each file tools/instructor/mutants/NN-name/*.sed is one single-bug variant of the
# reference solution of lab NN. Its header says which student file it
# changes and what the bug is:
#
#     # file: pipe_lab.c
#     # bug: pipe_write_all() ignores short writes (writes once)
#     s/left -= (size_t)n;/left = 0;/
#
# A bug that only some designs can have is written against an alternative
# correct solution (tools/instructor/alternatives/) instead of the reference:
#
#     # base: tools/instructor/alternatives/04-tcp-lifecycle/tcp_poll_server.c
#
# For each one, this script copies the kit to build/mutants/kit, applies the
# sed script to solutions/NN-name/FILE (or to its base), puts the result in
# the copy's solutions/NN-name/FILE, grades the lab with the hidden tests,
# and records the outcome:
#   killed    the grade lost points (the tests caught the bug)
#   SURVIVED  full marks: a bug no test sees
#   BROKEN    the sed script changed nothing, or the variant did not compile
#             (a mutant to fix, not a result)
# A grade that runs past its time limit counts as killed (the grader would
# time the test out too). Prints the kill rate and the survivors; the logs
# are in build/mutants/logs/. Exit status 0 when every mutant was killed.
#
# usage: tools/instructor/mutants/run.sh [LAB...] [-k NAME,...]   (make mutants [LAB=02] [MUTANT=a,b])
set -uo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
here=$root/tools/instructor/mutants
source "$here/lib.sh"
[ -d "$root/solutions" ] || {
    echo "$(basename "$(dirname "$0")"): needs the reference solutions (solutions/), which only the instructor's kit has" >&2
    exit 2
}

labs=() only=
while [ $# -gt 0 ]; do
    case "$1" in
    -k) only=$2; shift 2 ;;
    -h | --help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) labs+=("$1"); shift ;;
    esac
done
[ ${#labs[@]} -gt 0 ] || labs=("")

# MUTANTS_DIR: another folder under build/, to run two sets side by side.
state=$root/${MUTANTS_DIR:-build/mutants}
work=$state/kit
logs=$state/logs
mkdir -p "$logs"
# One run at a time: two runs would overwrite each other's copy of the kit.
exec 9>"$state/lock"
flock -n 9 || { echo "mutants: another run is using $state; wait for it" >&2; exit 2; }
kit_copy "$root" "$work"

total=0 killed=0 broken=0 survivors=()
for lab in "${labs[@]}"; do
    for dir in "$here"/${lab}*/; do
        [ -d "$dir" ] || continue
        labname=$(basename "$dir")
        for mutant in "$dir"*.sed; do
            [ -f "$mutant" ] || continue
            name=$(basename "$mutant" .sed)
            [ -z "$only" ] || [[ ",$only," == *",$name,"* ]] || continue
            file=$(sed -n 's/^# file: *//p' "$mutant" | head -1)
            bug=$(sed -n 's/^# bug: *//p' "$mutant" | head -1)
            base=$(sed -n 's/^# base: *//p' "$mutant" | head -1)
            target=$work/solutions/$labname/$file
            reference=$root/solutions/$labname/$file
            original=$root/${base:-solutions/$labname/$file}
            log=$logs/$labname-$name.log
            if [ ! -f "$original" ] || [ ! -f "$reference" ]; then
                printf '  BROKEN    %-14s %-40s no file %s\n' "$labname" "$name" "${base:-solutions/$labname/$file}"
                broken=$((broken + 1))
                continue
            fi
            sed -f "$mutant" "$original" >"$target"
            if cmp -s "$original" "$target"; then
                printf '  BROKEN    %-14s %-40s the sed script changed nothing\n' "$labname" "$name"
                broken=$((broken + 1))
                cp "$reference" "$target"
                continue
            fi
            limit=180
            case "$labname" in 01-*) limit=400 ;; esac
            start=$SECONDS
            outcome=$(grade_lab "$work" "${labname%%-*}" "$log" "$limit")
            took=$((SECONDS - start))
            cp "$reference" "$target" # the reference again, with a fresh mtime: the next variant rebuilds it
            case "$outcome" in
            BUILD)
                printf '  BROKEN    %-14s %-40s did not compile (see %s)\n' "$labname" "$name" "$log"
                broken=$((broken + 1))
                continue
                ;;
            esac
            total=$((total + 1))
            case "$outcome" in
            PASS)
                survivors+=("$labname/$name: $bug")
                printf '  SURVIVED  %-14s %-40s %3ss  %s\n' "$labname" "$name" "$took" "$bug"
                ;;
            TIMEOUT)
                killed=$((killed + 1))
                printf '  killed    %-14s %-40s %3ss  by the time limit\n' "$labname" "$name" "$took"
                ;;
            *)
                killed=$((killed + 1))
                printf '  killed    %-14s %-40s %3ss  by %s\n' "$labname" "$name" "$took" "$(failed_tests "$log")"
                ;;
            esac
        done
    done
done

echo
if [ "$total" -eq 0 ]; then
    echo "mutants: none ran ($broken broken)"
    exit 1
fi
echo "mutants: $killed of $total killed ($((100 * killed / total)) %), $broken broken"
for s in "${survivors[@]+"${survivors[@]}"}"; do
    echo "  survivor: $s"
done
[ "$killed" -eq "$total" ] && [ "$broken" -eq 0 ]
