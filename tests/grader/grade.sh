#!/usr/bin/env bash
# grade.sh - grade labs with the judge and merge its reports into
#   OUT/results.json  (Gradescope's format: score, tests[])
#   OUT/junit.xml     (for CI systems)
#   OUT/parts/        each lab's pieces: its verdicts (one record per test,
#                     verdict.h), and the JSON, JUnit and text table the judge
#                     (or render, after a change to the records) made of them
# and print the total. Called by `make grade`; run it by hand only to debug.
# Every file it writes is private (umask 077): results are the grading
# user's alone, and OUT is 0700. Old results are removed first, so a run
# that stops early never leaves an earlier run's results.json in place.
#
# usage: tests/grader/grade.sh --build DIR --impl labs|solutions --out DIR [options]
#
#   --lab NN          grade one lab (NN, NN-name; default: every lab)
#   --only TEST       grade one test of that lab
#   --hidden          also run the instructor's hidden tests (built with
#                     HIDDEN=1), reported with visibility after_published
#   --points-dir DIR  DIR/test_NN-name.tsv (and hidden_NN-name.tsv): each lab's
#                     test table, read from the tests alone (default
#                     PLAIN_BUILD/IMPL/tables); grade by these, and score 0
#                     for every test of a lab that did not compile
#   --build-log FILE  the build's output: its messages about the student's own
#                     files explain a lab that did not compile
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
# Text a student wrote (compiler messages, findings, notes) is shown through
# textsafe, as the judge shows a test's output: indented, controls visible.
# Exit status: 0 when the expectation holds (or, without --expect, when
# every test passed); 1 otherwise; 2 on a usage error; 3 when the judge broke.
set -uo pipefail
# The judge makes each test's folders for the test's own uid, so it runs with
# umask 022 (its reports are 0600 whatever the umask); all else here is private.
judge_umask=022
umask 077

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
    -h | --help) sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "grade.sh: unknown argument '$1' (try -h)" >&2; exit 2 ;;
    esac
done
[ -n "$build" ] || { echo "grade.sh: --build DIR is required" >&2; exit 2; }
plain_build=${plain_build:-$build}
kit=$(pwd -P)
# Whatever happens next, no result of an earlier run stays to be read as this one's.
mkdir -p "$out" && out=$(cd "$out" && pwd -P)
rm -rf "$out/parts" "$out/results.json" "$out/junit.xml"
# Results are the grader's alone: no test (another uid, as root) and no
# other user may read or write them.
chmod 700 "$out"
judge="$kit/$plain_build/tests/grader/judge" # always a plain build
textsafe="$kit/$plain_build/tests/grader/textsafe"
render="$kit/$plain_build/tests/grader/render"
for tool in "$judge" "$textsafe" "$render"; do
    [ -x "$tool" ] || { echo "grade.sh: $tool is not built (run make grade, which builds it)" >&2; exit 3; }
done
mkdir -p "$out/parts"
judge_notes="$out/judge-notes.txt"
: >"$judge_notes"
start=$SECONDS

shown() { # shown [PREFIX]: standard input, indented and made inert for the terminal
    "$textsafe" term "${1:-  | }"
}

# A lab's results change only as records of its verdict file (verdict.h);
# render then writes its reports from them, with the judge's own renderers.
# render_part TABLE PART LAB: PART (.json) and its .xml and .txt, from its .verdicts.
render_part() {
    local base=${2%.json}
    "$render" --lab "$3" --impl "$impl" --points "$1" --verdicts "$base.verdicts" \
        --json "$base.json" --junit "$base.xml" --text "$base.txt"
}

# failed_record TEST POINTS VISIBILITY MESSAGE [STATUS]: a verdict record, 0 of
# POINTS; STATUS (verdict.h) is failed unless given: grader_error, not_run.
failed_record() {
    printf '%s\t%s\t0\t%d\t%s\t0\t0\t0.000\t%s\t\n' "$1" "${5:-failed}" "$2" "$3" "$(printf '%s' "$4" | "$textsafe" field)"
}

# zero_part TABLE PART LAB VISIBILITY MESSAGE [STATUS]: every test of TABLE
# ended with STATUS (failed unless given), with MESSAGE.
zero_part() {
    local table=$1 part=$2 name=$3 visibility=$4 message=$5 test points
    while IFS=$'\t' read -r test points _; do
        [ -n "$only" ] && [ "$test" != "$only" ] && continue
        failed_record "$test" "$points" "$visibility" "$message" "${6:-failed}"
    done <"$table" >"${part%.json}.verdicts"
    render_part "$table" "$part" "$name"
}

# complete_part TABLE PART LAB VISIBILITY MESSAGE: adds a grader_error record
# for each test of TABLE that the verdicts lack (a judge that was killed
# half-way), and renders the part again, so its reports all say the same.
complete_part() {
    local table=$1 part=$2 name=$3 visibility=$4 message=$5 test points missing=0
    local verdicts=${part%.json}.verdicts
    touch "$verdicts"
    while IFS=$'\t' read -r test points _; do
        [ -n "$only" ] && [ "$test" != "$only" ] && continue
        cut -f1 "$verdicts" | grep -qxF -- "$test" && continue
        failed_record "$test" "$points" "$visibility" "$message" grader_error >>"$verdicts"
        missing=$((missing + 1))
    done <"$table"
    render_part "$table" "$part" "$name"
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
# A lab's files compile in far less; a build that needs more is a bomb.
step_memory_mb=${GRADE_STEP_MEMORY_MB:-512}
# jail_step STEP [judge options] -- COMMAND: runs it; its output goes to the
# build log of the lab being built ($name).
jail_step() {
    local step=$1
    shift
    (umask "$judge_umask" && exec env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$judge" --step "$step" --limit "$step_limit" \
        --file-mb "$file_mb" --memory-mb "$step_memory_mb" --notes "$judge_notes" "$@") >>"$out/parts/build-$name.log" 2>&1
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
    # The second pass under ThreadSanitizer (of a plain grading) runs only the
    # threaded tests: no programs. A grading under it (SAN=thread) runs them all.
    [ "$variant_san" = thread ] && [ "$san" != thread ] && bins=$(printf '%s\n' $bins | grep -E '/(test|agent)_')
    if built_from_pristine "$variant" "$objects" "$bins" && up_to_date "$variant_san" "$objects" "$bins"; then
        echo "== lab $name ($variant): the files are those the kit was prepared from; its build is used as it is ==" \
            >>"$out/parts/build-$name.log"
        pristine[$name/$variant]=1
        return 0
    fi
    if built_in_jail_before "$variant" "$objects" "$bins" && up_to_date "$variant_san" "$objects" "$bins"; then
        echo "== lab $name ($variant): a jail built these very files before; its objects and binaries are used as they are ==" \
            >>"$out/parts/build-$name.log"
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
    lab_dir=$(dirname "$(echo $bins | cut -d' ' -f1)") # one line, newlines or spaces
    jail_step "linking your files" "${views[@]}" --view "$kit/tests" --view "$kit/build/$variant" \
        --scratch "$kit/$lab_dir:512:$kit/$lab_dir" "${copies[@]}" --cwd "$kit" -- \
        "${make_cmd[@]}" $(for o in $objects; do printf -- '-o %s ' "$o"; done) $bins || return
    record_jailed_build "$variant" "$objects" "$bins"
}
# check_integrity LAB: reads the student's plain objects in a jail (reading an
# object a student crafted is a step that touches the submission); keeps the
# verdict in integrity_status[LAB] (0 clean, 1 violations, else it could not
# run) and the violations in integrity_text[LAB].
declare -A integrity_status=() integrity_text=()
check_integrity() {
    local name=$1 views=() violations
    # The names the rest of the program and the grader define (libc, the
    # given objects, the agent, the tests), listed by make grade-given from
    # the grader's own objects, so no grading reads those objects again.
    local names="$plain_build/tests/$name/integrity-names.txt"
    if [ ! -s "$names" ]; then
        integrity_status[$name]=3
        integrity_text[$name]="$names is missing (make grade-given makes it)"
        return
    fi
    # Paths relative to the kit: the step runs in (a copy of) it.
    views=(--view "$kit/tests/grader/integrity.sh" --view "$kit/labs/$name" --view "$kit/$plain_build/$impl/$name"
        --view "$kit/$names")
    violations=$(umask "$judge_umask" && env -u MAKEFLAGS "$judge" --step "checking your files" \
        --limit "$step_limit" --memory-mb "$step_memory_mb" --notes "$judge_notes" "${views[@]}" --cwd "$kit" -- \
        /bin/bash tests/grader/integrity.sh --names "$names" . "labs/$name" "$plain_build/$impl/$name")
    integrity_status[$name]=$?
    integrity_text[$name]=$violations
}
# built_from_pristine VARIANT OBJECTS BINS: true when the kit's own build
# (make grade-prepare) made every one of them from exactly the student
# sources that are there now: a lab a submission left untouched. The objects
# must be the very ones it made: a jail that compiled other sources into the
# same place since (a fix graded, then reverted) leaves objects of its own.
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
        grep -qxF "$(sha256sum "$o" | cut -d' ' -f1)  $o" "$record" || return 1
    done
}
# What a jail built, by content: the student's sources, and the objects and
# binaries made from them (sha256). A later grading of the very same sources
# uses them as they are, provided each output still has the recorded content:
# a run of make grade per Classroom step, or again after a fix elsewhere,
# compiles only what changed. Only grade.sh writes this record, after a jail.
jail_record() { echo "$build_root/$1/$impl/jailed.sha256"; }
sources_of() { # the student sources of the objects $1
    local o src
    for o in $1; do
        src=${o#build/*/}
        echo "${src%.o}.c"
    done
}
record_jailed_build() { # VARIANT OBJECTS BINS
    local record files
    record=$(jail_record "$1")
    files="$(sources_of "$2") $2 $3"
    { grep -vF -f <(printf '  %s\n' $files) "$record" 2>/dev/null; sha256sum $files; } >"$record.new" &&
        mv "$record.new" "$record"
}
built_in_jail_before() { # VARIANT OBJECTS BINS
    local record f
    record=$(jail_record "$1")
    [ -s "$record" ] || return 1
    for f in $(sources_of "$2") $2 $3; do
        [ -f "$kit/$f" ] || return 1
        grep -qxF "$(sha256sum "$f" | cut -d' ' -f1)  $f" "$record" || return 1
    done
}
# up_to_date SAN OBJECTS BINS: make itself says (make -q, which runs nothing)
# that the binaries are newer than everything they are linked from, the
# student's objects taken as they are (-o): a test, the grader or a given
# file that make grade-given rebuilt since must be linked in again.
up_to_date() {
    /usr/bin/make -q --no-print-directory DEPS_DONE=1 IMPL="$impl" SAN="$1" HIDDEN="$hidden" \
        $(for o in $2; do printf -- '-o %s ' "$o"; done) $3 >/dev/null 2>&1
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

# The labs and binaries to grade: from the test tables (make grade builds
# them from the tests alone, build/plain/IMPL/tables), never from a binary
# that holds the student's code.
points_dir=${points_dir:-$plain_build/$impl/tables}
declare -a binaries=()
for table in "$points_dir"/test_${lab}*.tsv "$points_dir"/hidden_${lab}*.tsv; do
    [ -f "$table" ] || continue
    base=$(basename "$table" .tsv) # test_NN-name or hidden_NN-name
    binaries+=("$build/$impl/${base#*_}/$base")
done
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
    cp "$points_dir/$base.tsv" "$table"

    # A lab that did not compile: every test 0, with the compiler's words
    # (only lines about the student's own files: never a test's source).
    # Across the call boundary the student's code is in the agent (boundary.h).
    agent="$build/$impl/$name/agent_$name"
    if [ ! -x "$bin" ] || { [ -f "$kit/tests/$name/calls.c" ] && [ ! -x "$agent" ]; }; then
        lab_log="$out/parts/build-$name.log"
        [ -f "$lab_log" ] || lab_log=${build_log:-/dev/null}
        # The compiler's and assembler's words about the student's files, the
        # judge's (a limit), and the linker's, less any line of the link that
        # names a hidden test (its objects are linked in, never shown).
        errors=$(awk '/^== linking / { linking = 1 } /^== compiling / { linking = 0 }
                      !(linking && /hidden_/)' "$lab_log" 2>/dev/null |
            grep -E "^(labs|$impl)/[0-9a-z-]+/[a-z_0-9]+\.c:[0-9]+:[0-9]+: (error|warning)|Error: |[Ff]atal error: |^judge: |undefined reference|multiple definition" |
            head -20)
        echo "grade.sh: lab $name did not compile; its tests score 0 (the compiler's messages below)" >&2
        zero_part "$table" "$part" "$name" "$visibility" "your code for lab $name did not compile, so its tests could not run:
${errors:-nothing about your files: see ${lab_log#"$kit"/}}"
        cat "$out/parts/${base#test_}.txt"
        status=1
        continue
    fi

    # The student's objects may not reach into the tests (integrity.sh): the
    # check ran in a jail right after the build (check_integrity above).
    case "${integrity_status[$name]:-0}" in
    0) ;;
    1)
        echo "grade.sh: lab $name: the integrity check failed; the lab scores 0 (the findings below)" >&2
        zero_part "$table" "$part" "$name" "$visibility" "lab $name scores 0: the integrity check of your object files failed:
${integrity_text[$name]}
Lab files may define the functions of the lab's headers and static helpers, and call the C library; see \"What your files may contain\" in the handout."
        cat "$out/parts/${base#test_}.txt"
        status=1
        continue
        ;;
    *)
        why="grader error: the integrity check of lab $name could not run (exit ${integrity_status[$name]}); grade again"
        echo "grade.sh: $why" >&2
        echo "$why" >>"$judge_notes"
        zero_part "$table" "$part" "$name" "$visibility" "not graded: $why" grader_error
        status=3
        continue
        ;;
    esac

    judge_args=(--bin "$bin" --lab "$name" --impl "$impl" --json "$part" --junit "$out/parts/${base#test_}.xml"
        --text "$out/parts/${base#test_}.txt" --verdicts "$out/parts/${base#test_}.verdicts"
        --memory-mb "$memory_mb" --notes "$judge_notes" "${flags[@]}")
    [ -n "$only" ] && judge_args+=(--only "$only")
    judge_args+=(--points "$table")
    if [ -n "$limit" ]; then
        # An even share of the time left, so one hanging lab cannot starve the rest.
        left=$((limit - (SECONDS - start) - 5))
        share=$((left / (count - i)))
        [ "$share" -gt 0 ] || share=1
        judge_args+=(--deadline "$(($(date +%s) + share))")
    fi
    (umask "$judge_umask" && exec "$judge" "${judge_args[@]}")
    rc=$?
    case "$rc" in
    0) [ "$expect" = skeleton ] && { echo "grade.sh: lab $name: the skeleton passed every test; its tests cannot fail?" >&2; status=1; } ;;
    1) [ "$expect" = pass ] && { echo "grade.sh: lab $name: the reference solution failed tests" >&2; status=1; }
       [ -z "$expect" ] && status=1 ;;
    *) if [ "$rc" -gt 128 ]; then
           why="grader error: the judge was killed by signal $((rc - 128)) while grading lab $name; grade again"
       elif [ "$rc" -eq 3 ]; then
           why="grader error: the judge could not contain, start or finish a test of lab $name (see its report); grade again"
       else
           why="the judge failed (exit $rc) while grading lab $name"
       fi
       echo "grade.sh: $why" >&2
       echo "$why" >>"$judge_notes"
       status=3 ;;
    esac
    # Whatever happened, every declared test is in the report.
    if [ -s "$table" ] && ! complete_part "$table" "$part" "$name" "$visibility" \
        "grader error: the judge did not finish this lab (exit $rc); grade again"; then
        status=3
    fi
    if [ "$expect" = skeleton ] && [ -f "${part%.json}.verdicts" ]; then
        # Every test of an untouched skeleton must fail with the clear message.
        unclear=$(awk -F'\t' '$2 == "failed" && !index($9, "not implemented yet")' "${part%.json}.verdicts" | wc -l)
        passed=$(awk -F'\t' '$2 == "passed"' "${part%.json}.verdicts" | wc -l)
        if [ "$unclear" -ne 0 ] || [ "$passed" -ne 0 ]; then
            echo "grade.sh: lab $name: $unclear skeleton test(s) failed without saying 'not implemented yet', $passed passed" >&2
            status=1
        fi
    fi
done

# ---- threaded tests again, under ThreadSanitizer ---------------------------
# The run's record of a test that passed plainly but not under ThreadSanitizer
# takes the plain record's place; the points stay the plain table's.
for list in tests/*/TSAN; do
    [ -n "$tsan_build" ] && [ -f "$list" ] || continue
    name=$(basename "$(dirname "$list")")
    case "$name" in ${lab}*) ;; *) continue ;; esac
    part="$out/parts/$name.json"
    verdicts="$out/parts/$name.verdicts"
    table="$out/parts/test_$name.tsv"
    [ -s "$verdicts" ] || continue
    bin="$kit/$tsan_build/$impl/$name/test_$name"
    while read -r test; do
        case "$test" in '' | '#'*) continue ;; esac
        [ -n "$only" ] && [ "$test" != "$only" ] && continue
        awk -F'\t' -v t="$test" '$1 == t && $2 == "passed" { found = 1 } END { exit !found }' "$verdicts" ||
            continue # lost already
        entry="$out/parts/tsan-$test.verdicts"
        if [ ! -x "$bin" ]; then
            failed_record "$test" 0 visible "not run: the ThreadSanitizer build of lab $name failed, so this threaded test could not be checked for data races (no points)" >"$entry"
        else
            (umask "$judge_umask" && TSAN_OPTIONS="halt_on_error=1" CK_TIMEOUT_MULTIPLIER=$((${CK_TIMEOUT_MULTIPLIER:-1} * 4)) \
                exec "$judge" --bin "$bin" --lab "$name" --impl "$impl" --only "$test" --points "$table" \
                --verdicts "$entry" --memory-mb 4096 --notes "$judge_notes") >/dev/null 2>&1
            awk -F'\t' '$2 == "passed" { found = 1 } END { exit !found }' "$entry" 2>/dev/null && continue
            [ -s "$entry" ] || failed_record "$test" 0 visible "grader error: the judge did not finish this test under ThreadSanitizer; grade again" grader_error >"$entry"
        fi
        awk -F'\t' -v OFS='\t' -v t="$test" -v why="under ThreadSanitizer (a data race in your code costs this test): " '
            NR == FNR { if ($1 == t) for (i = 6; i <= 10; i++) tsan[i] = $i; next }
            $1 == t { $2 = "failed"; $3 = 0; for (i = 6; i <= 10; i++) $i = tsan[i]; $9 = why $9 }
            { print }' "$entry" "$verdicts" >"$verdicts.new" && mv "$verdicts.new" "$verdicts"
        render_part "$table" "$part" "$name"
        echo "grade.sh: lab $name: $test failed under ThreadSanitizer" >&2
        [ "$expect" = pass ] && status=1
        [ -z "$expect" ] && status=1
    done <"$list"
done
rm -f "$out"/parts/tsan-*

# ---- merge the parts -----------------------------------------------------
# The totals come from the verdicts; the reports are the parts' own, joined.
read -r score max < <(cat "$out"/parts/*.verdicts 2>/dev/null |
    awk -F'\t' '{ s += $3; m += $4 } END { printf "%d %d\n", s, m }')
top_notes=$( { [ -n "$notes" ] && [ -s "$notes" ] && cat "$notes"; sort -u "$judge_notes"; } 2>/dev/null)
# results.json and junit.xml are written by render from the records alone
# (report.h): no JSON or XML is put together here.
run_parts=()
for verdicts in "$out"/parts/*.verdicts; do
    [ -s "$verdicts" ] || continue
    base=$(basename "$verdicts" .verdicts) # NN-name or hidden_NN-name
    case "$base" in
    hidden_*) run_parts+=(--part "${base#hidden_}" "$out/parts/$base.tsv" "$verdicts") ;;
    *) run_parts+=(--part "$base" "$out/parts/test_$base.tsv" "$verdicts") ;;
    esac
done
printf '%s' "$top_notes" >"$out/parts/run-notes.txt"
if "$render" --results "$out/results.json.tmp" --junit "$out/junit.xml" --notes "$out/parts/run-notes.txt" \
    "${run_parts[@]}"; then
    mv "$out/results.json.tmp" "$out/results.json"
else
    echo "grade.sh: grader error: the reports could not be written (above); grade again" >&2
    status=3
fi

percent=0
[ "$max" -gt 0 ] && percent=$((100 * score / max))
# The last line is the summary: the total, and why the exit status is what it is.
where=${out#"$kit"/}
echo
echo "results: $where/results.json, $where/junit.xml"
# (Not the number: make passes any failure on as its own exit status 2.)
case "$status" in
0) verdict="every test passed" ;;
1) verdict=$([ -n "$expect" ] && echo "not as expected (see above)" || echo "some tests failed") ;;
*) verdict="the grader could not finish (see above)" ;;
esac
[ "$status" -eq 0 ] && [ -n "$expect" ] && verdict="as expected ($expect)"
echo "TOTAL ($impl): $score/$max points ($percent%), $verdict"
exit $status
