#!/usr/bin/env bash
# integrity.sh - may these student object files be linked with the tests?
#
# usage: tests/grader/integrity.sh KIT_ROOT LAB_DIR OBJ_DIR [OTHER_OBJECTS...]
#   KIT_ROOT       the kit's folder (its path is ignored inside the objects)
#   LAB_DIR        labs/NN-name: its MANIFEST names the student's files
#   OBJ_DIR        where those files were compiled (FILE.c -> OBJ_DIR/FILE.o)
#   OTHER_OBJECTS  the rest of the test program (tests, harness, common
#                  library): a student file must not define their names
#
# A student's code is linked into the same program as the tests, so it could
# replace a function the tests rely on (define exit, waitpid, write, a
# grader function...), run code before or after the tests (constructors,
# atexit) or read the grader's files. Each object must therefore:
#   - define no global symbol that libc, the tests, the harness or the
#     common library also define, no main(), and no reserved name (starting
#     with '_'); the lab's functions and helpers of its own names are fine;
#   - have no constructor or destructor sections (.init_array, .fini_array,
#     .ctors, .dtors, .preinit_array, .init, .fini) and no indirect functions
#     (ifunc: their resolvers also run before main);
#   - call no atexit(), on_exit(), at_quick_exit(), pthread_atfork(),
#     dlopen()/dlsym() or ptrace(), and no grader function;
#   - mention no grader path (tests/, results, hidden tests, /autograder).
# Prints one line per violation; exit 0 when clean, 1 when not, 2 on misuse.
set -uo pipefail

kit=${1:?usage: integrity.sh KIT_ROOT LAB_DIR OBJ_DIR [OTHER_OBJECTS...]}
lab_dir=${2:?usage: integrity.sh KIT_ROOT LAB_DIR OBJ_DIR [OTHER_OBJECTS...]}
obj_dir=${3:?usage: integrity.sh KIT_ROOT LAB_DIR OBJ_DIR [OTHER_OBJECTS...]}
shift 3
kit=$(cd "$kit" && pwd -P)
for tool in nm readelf strings; do
    command -v "$tool" >/dev/null || { echo "integrity: not run: install binutils ($tool is missing)"; exit 2; }
done
[ -f "$lab_dir/MANIFEST" ] || { echo "integrity: no $lab_dir/MANIFEST" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-integrity-XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# Names defined elsewhere in the program: libc and friends, and the given objects.
{
    for lib in libc.so.6 libm.so.6 libpthread.so.0 librt.so.1 libdl.so.2 libcheck.so libsubunit.so.0; do
        path=$(${CC:-cc} -print-file-name="$lib" 2>/dev/null)
        [ -f "$path" ] && nm -D --defined-only "$path" 2>/dev/null
    done
    [ $# -gt 0 ] && nm -g --defined-only "$@" 2>/dev/null
} | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' | sort -u >"$work/taken"

violations=0
violation() {
    echo "$1"
    violations=$((violations + 1))
}

while read -r file; do
    case "$file" in '' | '#'* | *.h) continue ;; esac
    obj="$obj_dir/${file%.c}.o"
    [ -f "$obj" ] || continue # did not compile: reported by the build
    # 1. global symbols it defines
    while read -r name type _; do
        case "$type" in U | w | v) continue ;; esac
        if [ "$type" = i ]; then
            violation "$file defines '$name' as an indirect function (ifunc): its resolver runs before main(); write a plain function"
        elif [ "$name" = main ]; then
            violation "$file defines main(): the test program has its own; remove it"
        elif [ "${name#_}" != "$name" ]; then
            violation "$file defines the reserved name '$name' (names starting with _ belong to the C library and the grader); make it static and rename it"
        elif grep -qxF "$name" "$work/taken"; then
            violation "$file defines '$name', which the C library or the grader already defines: yours would replace it for the whole test program (symbol interposition); make it static and rename it"
        fi
    done < <(nm -P -g --defined-only "$obj" 2>/dev/null)
    # 2. code that runs before or after the tests
    while read -r section; do
        violation "$file has a $section section (a constructor or destructor runs code outside the lab's functions); remove __attribute__((constructor/destructor))"
    done < <(readelf -S -W "$obj" 2>/dev/null |
        grep -oE '\.(init_array|fini_array|preinit_array|ctors|dtors)[.0-9A-Za-z_]*|\] \.(init|fini) ' |
        sed 's/^\] //; s/ $//' | sort -u)
    # 3. calls that hook process exit or reach into the grader
    while read -r name _; do
        case "$name" in
        atexit | on_exit | at_quick_exit | __cxa_atexit | __cxa_thread_atexit* | pthread_atfork)
            violation "$file calls $name(): code that runs when the test process exits or forks is not allowed in lab code" ;;
        dlopen | dlmopen | dlsym | dlvsym | ptrace | process_vm_readv | process_vm_writev)
            violation "$file calls $name(): looking into or changing the test program at run time is not allowed" ;;
        grade_* | harness_* | channel_* | judge_* | audit_* | report_* | fault_* | __wrap_* | __real_* | \
            srunner_* | suite_* | tcase_* | ck_* | _ck_* | tr_* | trace_log_*)
            violation "$file refers to the grader's $name: lab code may use the C library and common/ only" ;;
        esac
    done < <(nm -P -u "$obj" 2>/dev/null)
    # 4. the grader's files, by path (the kit's own folder name does not count)
    while read -r text; do
        violation "$file mentions the grader's path '$text': lab code must not read the tests or the results"
    done < <(strings -a "$obj" 2>/dev/null | sed "s|$kit||g" |
        grep -oE '[^ ]*(tests/|/results|results\.json|junit\.xml|hidden_|/autograder|out/parts)[^ ]*' | sort -u | head -5)
done <"$lab_dir/MANIFEST"

[ "$violations" -eq 0 ]
