# lib.sh - what the instructor-tooling tests share (sourced, not run).
#
#   check DESCRIPTION COMMAND...   one assertion: prints "ok" or "FAIL", counts it
#   summary                        prints "N passed, M failed"; true when none failed
#   lab_score RESULTS_JSON LAB     the sum of that lab's tests' scores in a results.json
#   total_score RESULTS_JSON       its top-level score
#   lab_points BINARY...           every point a lab's test binaries declare (--list)

passed=0
failed=0

check() {
    local what=$1
    shift
    if "$@"; then
        echo "  ok    $what"
        passed=$((passed + 1))
    else
        echo "  FAIL  $what"
        failed=$((failed + 1))
    fi
}

summary() {
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

lab_score() {
    grep "\"name\": \"lab $2: " "$1" 2>/dev/null | awk -F'"score": |, "max_score"' '{ s += $2 } END { print s + 0 }'
}

total_score() {
    sed -n 's/^  "score": \([0-9]*\),$/\1/p' "$1"
}

lab_points() {
    local bin
    for bin in "$@"; do "$bin" --list; done | awk -F'\t' '{ s += $2 } END { print s + 0 }'
}
