#!/usr/bin/env bash
# run.sh - grade alternative correct solutions: each must get full marks.
#
# tools/instructor/alternatives/NN-name[-variant]/ holds some student files of lab NN
# written in another style than the reference (other system calls, other
# loop shapes, another synchronization design within the contract). Each
# folder is overlaid on a private copy of the kit (build/alternatives/kit):
# its files replace those of solutions/NN-name, the rest of the reference
# stays. The lab is then graded, hidden tests included, and must score 100 %.
# A test that fails here is a test that grades a style, not a behaviour.
#
# usage: tools/instructor/alternatives/run.sh [NN...]     (make test-alternatives [LAB=02])
set -uo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
source "$root/tools/instructor/mutants/lib.sh"
[ -d "$root/solutions" ] || {
    echo "$(basename "$(dirname "$0")"): needs the reference solutions (solutions/), which only the instructor's kit has" >&2
    exit 2
}

labs=("$@")
[ ${#labs[@]} -gt 0 ] || labs=("")
work=$root/build/alternatives/kit
logs=$root/build/alternatives/logs
mkdir -p "$logs"
# One run at a time: two runs would overwrite each other's copy of the kit.
exec 9>"$root/build/alternatives/lock"
flock -n 9 || { echo "alternatives: another run is using build/alternatives; wait for it" >&2; exit 2; }
# The kit's own build is the reference's: each alternative then compiles
# only its own lab's files (and grade.sh compiles them again in its jail).
kit_copy "$root" "$work" --built

failed=0 ran=0
for lab in "${labs[@]}"; do
    for dir in "$root"/tools/instructor/alternatives/${lab}*/; do
        [ -d "$dir" ] || continue
        alt=$(basename "$dir")
        num=${alt%%-*}
        labname=$(basename "$root"/labs/"$num"-*)
        # Start from the reference, then lay the alternative's files over it.
        rm -rf "$work/solutions/$labname"
        cp -r "$root/solutions/$labname" "$work/solutions/$labname"
        cp "$dir"*.c "$work/solutions/$labname/"
        log=$logs/$alt.log
        limit=120
        case "$num" in 01) limit=300 ;; esac
        outcome=$(grade_lab "$work" "$num" "$log" "$limit")
        ran=$((ran + 1))
        if [ "$outcome" = PASS ]; then
            echo "  PASS  $alt"
        else
            failed=$((failed + 1))
            echo "  FAIL  $alt ($outcome): $(failed_tests "$log")(log: $log)"
            grep -E -A3 '^  FAIL ' "$log" | sed 's/^/        /'
        fi
    done
    rm -rf "$work/solutions"
    cp -r "$root/solutions" "$work/solutions"
done
echo "alternatives: $((ran - failed)) of $ran got full marks"
[ "$ran" -gt 0 ] && [ "$failed" -eq 0 ]
