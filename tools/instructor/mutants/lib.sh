# lib.sh - shared by mutants/run.sh and alternatives/run.sh (tools/instructor/): grade a
# variant of the reference solutions in a private copy of the kit.
#
# The copy lives under build/ (never next to the sources), keeps its own
# build folder between variants so that only the changed file recompiles,
# and is refreshed from the kit at the start of every run.

# kit_copy ROOT WORK [--built]: copies the kit's sources (not build/ or .git)
# into WORK. Files get the current time (tar -m), so every object is rebuilt.
# --built: the sources keep their times and WORK's build starts as a copy of
# the kit's own (plain and ThreadSanitizer, as make test's build step left
# it), so make compiles only what is missing or older than its sources: the
# files a variant puts in (cp gives them the current time). Never hard links:
# a compiler writing an object in place would change the kit's own.
kit_copy() {
    local root=$1 work=$2 built=${3:-} variant part
    mkdir -p "$work"
    rm -rf "$work/build/plain/solutions" "$work/common" "$work/labs" "$work/solutions" "$work/tests" "$work/tools"
    if [ "$built" != --built ]; then
        tar -C "$root" --exclude=./build --exclude=./.git --exclude=./slides -cf - . | tar -C "$work" -xmf -
        return
    fi
    tar -C "$root" --exclude=./build --exclude=./.git --exclude=./slides -cf - . | tar -C "$work" -xf -
    rm -rf "$work/build"
    for variant in plain san-thread; do
        for part in common labs solutions tests hidden; do
            [ -d "$root/build/$variant/$part" ] || continue
            mkdir -p "$work/build/$variant"
            cp -a "$root/build/$variant/$part" "$work/build/$variant/"
        done
    done
}

# grade_lab WORK LAB LOG SECONDS: grades lab LAB of WORK's solutions (hidden
# tests included), output to LOG. Prints one word: PASS (every point), FAIL
# (points lost), TIMEOUT (the grade ran past SECONDS), BUILD (did not compile).
grade_lab() {
    local work=$1 lab=$2 log=$3 seconds=$4
    # The lab's programs too: some tests run them (make grade may not build them).
    make -C "$work" --no-print-directory DEPS_DONE=1 programs >"$log" 2>&1
    timeout -k 5 "$seconds" make -C "$work" --no-print-directory DEPS_DONE=1 grade LAB="$lab" \
        IMPL=solutions HIDDEN=1 GRADE_DIR=build/variant-grade >>"$log" 2>&1
    local rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        echo TIMEOUT
    elif grep -q '^grade.sh: lab .* did not compile' "$log"; then
        echo BUILD # make grade scores such a lab 0; a mutant that does not compile is not killed
    elif grep -Eq '^TOTAL \(solutions\): ([0-9]+)/\1 points' "$log"; then
        echo PASS
    elif grep -q '^TOTAL (solutions)' "$log"; then
        echo FAIL
    else
        echo BUILD
    fi
}

# failed_tests LOG: the names of the tests a grade log shows as failed, one line.
failed_tests() {
    grep -E '^  FAIL ' "$1" | awk '{print $3}' | tr '\n' ' '
}
