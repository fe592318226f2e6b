#!/usr/bin/env bash
# grade.sh - grade labs with the judge and merge its reports into
#   OUT/results.json  (Gradescope's format: score, tests[])
#   OUT/junit.xml     (for CI systems)
# and print the total. Called by `make grade`; run it by hand only to debug.
#
# usage: tools/grade.sh --build DIR --impl labs|solutions --out DIR [options]
#
#   --lab NN          grade one lab (NN, NN-name; default: every lab)
#   --only TEST       grade one test of that lab
#   --hidden          also run the instructor's hidden tests (built with
#                     HIDDEN=1), reported with visibility after_published
#   --points-dir DIR  DIR/test_NN-name.tsv (and hidden_NN-name.tsv): each lab's
#                     test table from the pristine kit; grade by these, and
#                     score 0 for every test of a lab that did not compile
#   --build-log FILE  the build's output (its errors explain a lab that did not compile)
#   --notes FILE      text for the top-level "output" of results.json
#   --limit SECONDS   the whole grading ends within this time; each lab gets a
#                     share of what is left, so no lab can use up the others'
#   --memory-mb N     memory limit per test (default 1024; 0 = none)
#   --tsan-build DIR  the ThreadSanitizer build: a lab whose tests/NN-name/TSAN
#                     lists tests grades them again under ThreadSanitizer, and
#                     a data race costs that test its points
#   --plain-build DIR the same code built without sanitizers (default: --build),
#                     for the integrity check (sanitizers add constructors)
#   --lock-down       (as root, on a throwaway kit copy) make the kit readable by
#                     root only: the tests' uid may pass through its folders and
#                     run its binaries, but not read sources, hidden tests or results
#   --san LIST        the sanitizers of --build (SAN=), so the jailed build uses them
#   --no-build        grade the binaries as they are (they were built in a jail already)
#   --expect pass     every lab must pass every test (the reference solutions)
#   --expect skeleton every test must fail cleanly, saying "not implemented yet"
#
# Before a lab is graded, tests/grader/integrity.sh checks the student's
# object files; a violation scores the lab 0 and names it. A lab whose judge
# did not finish (killed, crashed) still lists every test, as failed.
# Exit status: 0 when the expectation holds (or, without --expect, when
# every test passed); 1 otherwise; 2 on a usage error; 3 when the judge broke.
set -uo pipefail

san= no_build= tsan_build= lock_down= plain_build= build= impl=labs out=build/grade lab= expect= hidden= only= points_dir= build_log= notes= limit= memory_mb=1024
while [ $# -gt 0 ]; do
    case "$1" in
    --build) build=$2; shift 2 ;;
    --plain-build) plain_build=$2; shift 2 ;;
    --impl) impl=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --lab) lab=$2; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --hidden) hidden=1; shift ;;
    --only) only=$2; shift 2 ;;
    --points-dir) points_dir=$2; shift 2 ;;
    --build-log) build_log=$2; shift 2 ;;
    --notes) notes=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --memory-mb) memory_mb=$2; shift 2 ;;
    --tsan-build) tsan_build=$2; shift 2 ;;
    --san) san=$2; shift 2 ;;
    --no-build) no_build=1; shift ;;
    --lock-down) lock_down=1; shift ;;
    -h | --help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "grade.sh: unknown argument '$1' (try -h)" >&2; exit 2 ;;
    esac
done
[ -n "$build" ] || { echo "grade.sh: --build DIR is required" >&2; exit 2; }
plain_build=${plain_build:-$build}
kit=$(pwd -P)
judge="$kit/$plain_build/tests/grader/judge" # always a plain build
[ -x "$judge" ] || { echo "grade.sh: the judge $judge is not built" >&2; exit 3; }
mkdir -p "$out" && out=$(cd "$out" && pwd -P)
# Results are the judge's alone: no test (another uid, as root) may read or write them.
[ "$(id -u)" -eq 0 ] && chmod 700 "$out"
mkdir -p "$out/parts"
rm -f "$out"/parts/* "$out/results.json" "$out/junit.xml"
judge_notes="$out/judge-notes.txt"
: >"$judge_notes"
# The C library's names, read once for every lab's integrity check: made by
# the build beside the judge, else here.
libc_names="$plain_build/tests/grader/libc-names.txt"
if [ ! -s "$libc_names" ]; then
    libc_names="$out/parts/libc-names.txt"
    tests/grader/integrity.sh --print-libc-names >"$libc_names"
fi
names_option=()
[ -s "$libc_names" ] && names_option=(--libc-names "$libc_names")
start=$SECONDS

json_string() { # prints its argument as a JSON string
    printf '%s' "$1" | awk 'BEGIN { ORS = ""; print "\"" }
        { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "");
          gsub(/[\001-\010\013\014\016-\037]/, "?");
          if (NR > 1) print "\\n"; print }
        END { print "\"" }'
}

# zero_part TABLE PART LAB VISIBILITY MESSAGE: every test of TABLE failed, with MESSAGE.
zero_part() {
    local table=$1 part=$2 name=$3 visibility=$4 message=$5 test points
    while IFS=$'\t' read -r test points _; do
        [ -n "$only" ] && [ "$test" != "$only" ] && continue
        printf '{"name": "lab %s: %s", "score": 0, "max_score": %d, "status": "failed", "output": %s, "visibility": "%s"}\n' \
            "$name" "$test" "$points" "$(json_string "$message")" "$visibility"
    done <"$table" | sed '$!s/$/,/' >"$part"
}

# complete_part TABLE PART LAB VISIBILITY MESSAGE: adds a failed entry for each
# test of TABLE that PART lacks (a judge that was killed half-way).
complete_part() {
    local table=$1 part=$2 name=$3 visibility=$4 message=$5 test points missing=0
    touch "$part"
    while IFS=$'\t' read -r test points _; do
        [ -n "$only" ] && [ "$test" != "$only" ] && continue
        grep -qF "\"lab $name: $test\"" "$part" && continue
        [ -s "$part" ] && sed -i '$s/$/,/' "$part"
        printf '{"name": "lab %s: %s", "score": 0, "max_score": %d, "status": "failed", "output": %s, "visibility": "%s"}\n' \
            "$name" "$test" "$points" "$(json_string "$message")" "$visibility" >>"$part"
        missing=$((missing + 1))
    done <"$table"
    return $((missing > 0))
}

# Before anything of the submission runs: where namespaces are refused, file
# permissions are the wall between its build and tests and the kit (a build
# step reads copies its jail made as root, so the kit itself stays locked).
if [ -n "$lock_down" ] && [ "$(id -u)" -eq 0 ]; then
    chmod -R go-rwx "$kit"
    find "$kit" -type d -exec chmod go+x {} +
fi

# ---- building the student's files, in a jail -------------------------------
# Every step that touches the submission runs through `judge --step`: as
# root in a root of its own (jail.h) under the tests' uid, within limits of
# time, memory, processes and file size. The compile step sees the kit's
# sources and headers, never the tests; the link step sees the objects; the
# integrity check sees the student's objects and the names it compares.
step_limit=${GRADE_STEP_LIMIT:-60}
file_mb=${GRADE_FILE_MB:-64}
# jail_step STEP [judge options] -- COMMAND: runs it; its output goes to the
# build log of the lab being built ($name).
jail_step() {
    local step=$1
    shift
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$judge" --step "$step" --limit "$step_limit" \
        --file-mb "$file_mb" --memory-mb "$memory_mb" --notes "$judge_notes" "$@" >>"$out/parts/build-$name.log" 2>&1
}
# build_lab LAB SAN VARIANT_DIR LINK: compiles the lab's student files for one
# variant (and links its binaries when LINK is 1). Returns the step's status.
build_lab() {
    local name=$1 variant_san=$2 variant=$3 link=$4 plan objects bins views=() copies=() o rc
    # The plan of every graded lab, asked of make once per variant.
    if [ -z "${plans[$variant]:-}" ]; then
        plans[$variant]=$(make -s --no-print-directory DEPS_DONE=1 IMPL="$impl" SAN="$variant_san" \
            HIDDEN="$hidden" LAB="$lab" grade-plan)
    fi
    plan=$(echo "${plans[$variant]}" | grep "^$name|")
    objects=$(echo "$plan" | cut -d'|' -f2)
    bins=$(echo "$plan" | cut -d'|' -f3)
    # Under ThreadSanitizer only the threaded tests run again: no programs.
    [ "$variant_san" = thread ] && bins=$(printf '%s\n' $bins | grep '/test_')
    if built_from_pristine "$variant" "$objects" "$bins"; then
        echo "== lab $name ($variant): the files are those the kit was prepared from; its build is used as it is ==" \
            >>"$out/parts/build-$name.log"
        pristine[$name/$variant]=1
        return 0
    fi
    # As root, nothing old may be graded in place of what builds now (an
    # object made outside the jail may hold anything); a user's own build
    # on their own machine is trusted and stays incremental.
    # Objects this run already compiled (lab 01's, for lab 05) are not made twice.
    local todo=""
    for o in $objects; do
        [ -n "${compiled[$o]:-}" ] || todo+=" $o"
    done
    if [ "$(id -u)" -eq 0 ]; then
        for o in $todo $bins; do rm -f "$kit/$o"; done
    fi
    local make_cmd=(/usr/bin/make --no-print-directory -s DEPS_DONE=1 IMPL="$impl" SAN="$variant_san"
        HIDDEN="$hidden" LAB="$name")
    views=(--view "$kit/Makefile" --view "$kit/common" --view "$kit/labs")
    [ -d "$kit/$impl" ] && [ "$impl" != labs ] && views+=(--view "$kit/$impl")
    copies=()
    for o in $todo; do copies+=(--copy-out "$kit/$o"); done
    if [ -n "$todo" ]; then
        echo "== compiling lab $name ($variant) ==" >>"$out/parts/build-$name.log"
        jail_step "compiling your files" "${views[@]}" --scratch "$kit/build:512" "${copies[@]}" \
            --cwd "$kit" -- "${make_cmd[@]}" $todo
        rc=$?
        [ "$rc" -eq 0 ] || return $rc
        for o in $todo; do compiled[$o]=1; done
    fi
    [ "$link" = 1 ] || return 0
    # Linking: the objects of this variant; the student's own are never remade here.
    local lab_dir
    copies=()
    for o in $bins; do copies+=(--copy-out "$kit/$o"); done
    echo "== linking lab $name ($variant) ==" >>"$out/parts/build-$name.log"
    lab_dir=$(dirname "$(echo "$bins" | cut -d' ' -f1)")
    jail_step "linking your files" "${views[@]}" --view "$kit/tests" --view "$kit/build" \
        --scratch "$kit/$lab_dir:512:$kit/$lab_dir" "${copies[@]}" --cwd "$kit" -- \
        "${make_cmd[@]}" $(for o in $objects; do printf -- '-o %s ' "$o"; done) $bins
}
# check_integrity LAB: reads the student's plain objects in a jail (reading an
# object a student crafted is a step that touches the submission); keeps the
# verdict in integrity_status[LAB] (0 clean, 1 violations, else it could not
# run) and the violations in integrity_text[LAB].
declare -A integrity_status=() integrity_text=()
check_integrity() {
    local name=$1 others=() views=() o violations
    others=("$plain_build"/tests/grader/{harness,helpers,channel,json_valid}.o
        "$plain_build/common/libipckit.a" "$plain_build/common/fault.o")
    for o in "$plain_build/$impl/tests/$name"/*.o; do
        case "$(basename "$o")" in hidden_*) ;; *) others+=("$o") ;; esac
    done
    # Paths relative to the kit: the step runs in (a copy of) it.
    local names=()
    case "${names_option[1]:-}" in "$plain_build"/*) names=(--libc-names "${names_option[1]}") ;; esac
    views=(--view "$kit/tests/grader/integrity.sh" --view "$kit/labs/$name" --view "$kit/$plain_build/$impl/$name")
    for o in "${others[@]}" "${names[@]:1}"; do views+=(--view "$kit/$o"); done
    violations=$(env -u MAKEFLAGS "$judge" --step "checking your files" --limit "$step_limit" \
        --memory-mb "$memory_mb" --notes "$judge_notes" "${views[@]}" --cwd "$kit" -- \
        /bin/bash tests/grader/integrity.sh "${names[@]}" . "labs/$name" "$plain_build/$impl/$name" "${others[@]}")
    integrity_status[$name]=$?
    integrity_text[$name]=$violations
}
# built_from_pristine VARIANT OBJECTS BINS: true when the kit's own build
# (make grade-prepare) made every one of them from exactly the student
# sources that are there now: a lab a submission left untouched.
declare -A compiled=() pristine=() plans=()
built_from_pristine() {
    local record="$build_root/$1/$impl/pristine.sha256" o src sum
    [ -s "$record" ] || return 1
    for o in $3; do [ -x "$kit/$o" ] || return 1; done
    for o in $2; do
        [ -f "$kit/$o" ] || return 1
        src=${o#build/*/}
        src=${src%.o}.c
        sum=$(sha256sum "$src" 2>/dev/null | cut -d' ' -f1)
        grep -qxF "$sum  $src" "$record" || return 1
    done
}
build_root=$(dirname "$build")
if [ -z "$no_build" ]; then
    variant=$(basename "$build")
    plans[$variant]=$(make -s --no-print-directory DEPS_DONE=1 IMPL="$impl" SAN="$san" HIDDEN="$hidden" \
        LAB="$lab" grade-plan)
    for name in $(echo "${plans[$variant]}" | cut -d'|' -f1); do
        if ! build_lab "$name" "$san" "$variant" 1; then
            echo "grade.sh: lab $name did not build" >&2
            continue
        fi
        # The integrity check reads plain objects (sanitizers add constructors).
        [ -n "$san" ] && build_lab "$name" "" plain 0
        # The kit's own files need no check; a submission's always get one.
        [ -n "${pristine[$name/plain]:-}" ] || check_integrity "$name"
        if [ -n "$tsan_build" ] && [ -f "tests/$name/TSAN" ]; then
            build_lab "$name" thread san-thread 1 ||
                echo "grade.sh: lab $name: the ThreadSanitizer build failed" >&2
        fi
    done
fi

# The tests' uid may run the binaries the build just made, and nothing else.
if [ -n "$lock_down" ] && [ "$(id -u)" -eq 0 ]; then
    find "$kit/build" -type f -perm -u+x -exec chmod go+x {} + # every variant: plain, TSan
fi

# The labs and binaries to grade: from the pristine tables when given, else
# from the binaries that exist.
declare -a binaries=()
if [ -n "$points_dir" ]; then
    for table in "$points_dir"/test_${lab}*.tsv "$points_dir"/hidden_${lab}*.tsv; do
        [ -f "$table" ] || continue
        base=$(basename "$table" .tsv) # test_NN-name or hidden_NN-name
        binaries+=("$build/$impl/${base#*_}/$base")
    done
else
    for bin in "$build/$impl"/${lab}*/test_* "$build/$impl"/${lab}*/hidden_*; do
        [ -x "$bin" ] && binaries+=("$bin")
    done
fi
[ ${#binaries[@]} -gt 0 ] || { echo "grade.sh: no lab '${lab:-any}' to grade under $build/$impl" >&2; exit 3; }

status=0
count=${#binaries[@]}
for ((i = 0; i < count; i++)); do
    bin=${binaries[$i]}
    base=$(basename "$bin")
    name=${base#*_} # NN-name
    visibility=visible
    flags=()
    case "$base" in hidden_*)
        [ -n "$hidden" ] || continue
        visibility=after_published
        flags=(--hidden)
        ;;
    esac
    part="$out/parts/${base#test_}.json"
    table="$out/parts/${base}.tsv"
    if [ -n "$points_dir" ]; then
        cp "$points_dir/$base.tsv" "$table"
    elif [ -x "$bin" ]; then
        "$bin" --list >"$table" 2>/dev/null
    fi

    # A lab that did not compile: every test 0, with the compiler's words
    # (only lines about the student's own files: never a test's source).
    if [ ! -x "$bin" ]; then
        lab_log="$out/parts/build-$name.log"
        [ -f "$lab_log" ] || lab_log=${build_log:-/dev/null}
        # The compiler's and assembler's words about the student's files, the
        # judge's (a limit), and the linker's, less any line of the link that
        # names a hidden test (its objects are linked in, never shown).
        errors=$(awk '/^== linking / { linking = 1 } /^== compiling / { linking = 0 }
                      !(linking && /hidden_/)' "$lab_log" 2>/dev/null |
            grep -E "^(labs|$impl)/[0-9a-z-]+/[a-z_0-9]+\.c:[0-9]+:[0-9]+: (error|warning)|Error: |[Ff]atal error: |^judge: |undefined reference|multiple definition" |
            head -20)
        echo "grade.sh: lab $name did not compile; its tests score 0" >&2
        zero_part "$table" "$part" "$name" "$visibility" "your code for lab $name did not compile, so its tests could not run:
${errors:-see the build output}"
        status=1
        continue
    fi

    # The student's objects may not reach into the tests (integrity.sh): the
    # check ran in a jail right after the build (check_integrity above).
    [ -n "${integrity_status[$name]:-}" ] || integrity_status[$name]=0
    case "${integrity_status[$name]}" in
    0) ;;
    1)
        echo "grade.sh: lab $name: the integrity check failed; the lab scores 0" >&2
        printf '%s\n' "${integrity_text[$name]}" | sed 's/^/  /' >&2
        zero_part "$table" "$part" "$name" "$visibility" "lab $name scores 0: the integrity check of your object files failed:
${integrity_text[$name]}
Lab files may define the functions of the lab's headers and static helpers, and call the C library; see \"What your files may contain\" in the handout."
        status=1
        continue
        ;;
    *)
        why="grader error: the integrity check of lab $name could not run (exit ${integrity_status[$name]}): ${integrity_text[$name]}; grade again"
        echo "grade.sh: $why" >&2
        echo "$why" >>"$judge_notes"
        zero_part "$table" "$part" "$name" "$visibility" "not graded: $why"
        status=3
        continue
        ;;
    esac

    judge_args=(--bin "$bin" --lab "$name" --impl "$impl" --json "$part" --junit "$out/parts/${base#test_}.xml"
        --memory-mb "$memory_mb" --notes "$judge_notes" "${flags[@]}")
    [ -n "$only" ] && judge_args+=(--only "$only")
    [ -n "$points_dir" ] && judge_args+=(--points "$table")
    if [ -n "$limit" ]; then
        # An even share of the time left, so one hanging lab cannot starve the rest.
        left=$((limit - (SECONDS - start) - 5))
        share=$((left / (count - i)))
        [ "$share" -gt 0 ] || share=1
        judge_args+=(--deadline "$(($(date +%s) + share))")
    fi
    "$judge" "${judge_args[@]}"
    rc=$?
    case "$rc" in
    0) [ "$expect" = skeleton ] && { echo "grade.sh: lab $name: the skeleton passed every test; its tests cannot fail?" >&2; status=1; } ;;
    1) [ "$expect" = pass ] && { echo "grade.sh: lab $name: the reference solution failed tests" >&2; status=1; }
       [ -z "$expect" ] && status=1 ;;
    *) if [ "$rc" -gt 128 ]; then
           why="the judge was killed by signal $((rc - 128)) while grading lab $name (did the submission kill it?)"
       else
           why="the judge failed (exit $rc) while grading lab $name"
       fi
       echo "grade.sh: $why" >&2
       echo "$why" >>"$judge_notes"
       status=3 ;;
    esac
    # Whatever happened, every declared test is in the report.
    if [ -s "$table" ] && ! complete_part "$table" "$part" "$name" "$visibility" \
        "not graded: the judge did not finish this lab (exit $rc); no points"; then
        status=$((status == 0 ? 1 : status))
    fi
    if [ "$expect" = skeleton ] && [ -f "$part" ]; then
        # Every test of an untouched skeleton must fail with the clear message.
        unclear=$(grep -v '"status": "passed"' "$part" | grep -vc 'not implemented yet')
        passed=$(grep -c '"status": "passed"' "$part")
        if [ "$unclear" -ne 0 ] || [ "$passed" -ne 0 ]; then
            echo "grade.sh: lab $name: $unclear skeleton test(s) failed without saying 'not implemented yet', $passed passed" >&2
            status=1
        fi
    fi
done

# ---- threaded tests again, under ThreadSanitizer ---------------------------
# replace_entry PART TEST NEW_LINE_FILE: puts the judge's TSan verdict of TEST
# in place of its plain one, keeping the part's commas.
replace_entry() {
    local part=$1 test=$2 entry=$3
    awk -v key="\"lab $name: $test\"" -v file="$entry" '
        BEGIN { getline repl <file; sub(/,$/, "", repl) }
        index($0, key) { comma = /,$/ ? "," : ""; print repl comma; next }
        { print }' "$part" >"$part.new" && mv "$part.new" "$part"
}
for list in tests/*/TSAN; do
    [ -n "$tsan_build" ] && [ -f "$list" ] || continue
    name=$(basename "$(dirname "$list")")
    case "$name" in ${lab}*) ;; *) continue ;; esac
    part="$out/parts/$name.json"
    [ -s "$part" ] || continue
    bin="$kit/$tsan_build/$impl/$name/test_$name"
    while read -r test; do
        case "$test" in '' | '#'*) continue ;; esac
        [ -n "$only" ] && [ "$test" != "$only" ] && continue
        grep -F "\"lab $name: $test\"" "$part" | grep -q '"status": "passed"' || continue # lost already
        entry="$out/parts/tsan-$test.json"
        if [ ! -x "$bin" ]; then
            printf '{"name": "lab %s: %s", "score": 0, "max_score": 0, "status": "failed", "output": %s}\n' "$name" "$test" \
                "$(json_string "not run: the ThreadSanitizer build of lab $name failed, so this threaded test could not be checked for data races (no points)")" >"$entry"
        else
            TSAN_OPTIONS="halt_on_error=1" CK_TIMEOUT_MULTIPLIER=$(( ${CK_TIMEOUT_MULTIPLIER:-1} * 4 )) \
                "$judge" --bin "$bin" --lab "$name" --impl "$impl" --only "$test" --json "$entry" \
                --memory-mb 4096 --notes "$judge_notes" >/dev/null 2>&1
            grep -q '"status": "passed"' "$entry" 2>/dev/null && continue
            sed -i 's/"output": "/"output": "under ThreadSanitizer (a data race in your code costs this test): /' "$entry"
        fi
        # The points stay those of the plain run's table.
        points=$(grep -F "\"lab $name: $test\"" "$part" | sed 's/.*"max_score": \([0-9]*\).*/\1/')
        sed -i "s/\"max_score\": [0-9]*/\"max_score\": $points/" "$entry"
        replace_entry "$part" "$test" "$entry"
        echo "grade.sh: lab $name: $test failed under ThreadSanitizer" >&2
        [ "$expect" = pass ] && status=1
        [ -z "$expect" ] && status=1
    done <"$list"
done
rm -f "$out"/parts/tsan-*.json

# ---- merge the parts -----------------------------------------------------
read -r score max < <(cat "$out"/parts/*.json 2>/dev/null |
    awk -F'"score": |, "max_score": |, "status"' '{ s += $2; m += $3 } END { printf "%d %d\n", s, m }')
top_notes=$( { [ -n "$notes" ] && [ -s "$notes" ] && cat "$notes"; sort -u "$judge_notes"; } 2>/dev/null)
{
    # stdout_visibility hidden: the log holds hidden tests' names; students see
    # only the tests' own "output" fields, as each test's visibility allows.
    printf '{\n  "score": %d,\n  "max_score": %d,\n  "visibility": "visible",\n  "stdout_visibility": "hidden",\n' "$score" "$max"
    if [ -n "$top_notes" ]; then
        printf '  "output": %s,\n' "$(json_string "$top_notes")"
    fi
    printf '  "tests": [\n'
    first=1
    for part in "$out"/parts/*.json; do
        [ -s "$part" ] || continue
        [ $first -eq 1 ] || printf '    ,\n'
        sed 's/^/    /' "$part"
        first=0
    done
    printf '  ]\n}\n'
} >"$out/results.json.tmp" && mv "$out/results.json.tmp" "$out/results.json"
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    # The totals of the suites, as the common JUnit schema wants them on the root.
    cat "$out"/parts/*.xml 2>/dev/null | awk -F'"' '/<testsuite / {
            for (i = 1; i < NF; i++) {
                if ($i ~ / tests=$/) t += $(i + 1); if ($i ~ / failures=$/) f += $(i + 1)
                if ($i ~ / time=$/) s += $(i + 1)
            } }
        END { printf "<testsuites name=\"ipc-kit\" tests=\"%d\" failures=\"%d\" errors=\"0\" time=\"%.3f\">\n", t, f, s }'
    cat "$out"/parts/*.xml 2>/dev/null
    echo '</testsuites>'
} >"$out/junit.xml"

percent=0
[ "$max" -gt 0 ] && percent=$((100 * score / max))
echo
echo "TOTAL ($impl): $score/$max points ($percent%)  ->  $out/results.json, $out/junit.xml"
exit $status
