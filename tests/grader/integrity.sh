#!/usr/bin/env bash
# integrity.sh - may these student object files be linked with the tests?
#
# usage: tests/grader/integrity.sh [--libc-names FILE] KIT_ROOT LAB_DIR OBJ_DIR [OTHER_OBJECTS...]
#        tests/grader/integrity.sh --names FILE KIT_ROOT LAB_DIR OBJ_DIR
#        tests/grader/integrity.sh --print-names [--libc-names FILE] OTHER_OBJECTS...
#        tests/grader/integrity.sh --print-libc-names
#   KIT_ROOT       the kit's folder (its path is ignored inside the objects)
#   LAB_DIR        labs/NN-name: its MANIFEST names the student's files
#   OBJ_DIR        where those files were compiled (FILE.c -> OBJ_DIR/FILE.o)
#   OTHER_OBJECTS  the rest of the test program (tests, harness, common
#                  library): a student file must not define their names
#   --names        what --print-names printed for those objects: the grader's
#                  objects change far less often than submissions come, so a
#                  grader reads them once, not once per submission
#   --libc-names   the names the C library and friends define, as printed by
#                  --print-libc-names: a grader checking several labs reads
#                  the libraries once (the longest step here) and passes them
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
#     dlopen()/dlsym() or ptrace(), and no grader function.
# What an object's strings name is no concern here: what the grader keeps
# secret (the hidden tests, results, /autograder) is out of every jail's view.
# Prints one line per violation; exit 0 when clean, 1 when not, 2 on misuse.
set -uo pipefail

usage="usage: integrity.sh [--libc-names FILE | --names FILE] KIT_ROOT LAB_DIR OBJ_DIR [OTHER_OBJECTS...]"
for tool in nm readelf; do
    command -v "$tool" >/dev/null || { echo "integrity: not run: install binutils ($tool is missing)"; exit 2; }
done

libc_names() { # the global names of the libraries every test program links
    for lib in libc.so.6 libm.so.6 libpthread.so.0 librt.so.1 libdl.so.2 libcheck.so libsubunit.so.0; do
        path=$(${CC:-cc} -print-file-name="$lib" 2>/dev/null)
        [ -f "$path" ] && nm -D --defined-only "$path" 2>/dev/null
    done | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' | sort -u
}
if [ "${1:-}" = --print-libc-names ]; then
    libc_names
    exit 0
fi
# other_names LIBC_NAMES_FILE OTHER_OBJECTS...: one line per name the rest of
# the program defines ("taken", libc and friends included), and per name the
# grader itself defines ("grader": the tests, the harness and the Check
# library; the common library is the labs' too, so its names may be called).
other_names() {
    local given=$1 obj lib path
    shift
    {
        if [ -n "$given" ]; then cat "$given"; else libc_names; fi
        [ $# -gt 0 ] && nm -g --defined-only "$@" 2>/dev/null | awk 'NF >= 3 { print $3 }'
    } | sort -u | sed 's/^/taken\t/'
    {
        for obj in "$@"; do
            case "$obj" in *libipckit.a) ;; *) nm -g --defined-only "$obj" 2>/dev/null ;; esac
        done | awk 'NF >= 3 { print $3 }'
        for lib in libcheck.so libsubunit.so.0; do
            path=$(${CC:-cc} -print-file-name="$lib" 2>/dev/null)
            [ -f "$path" ] && nm -D --defined-only "$path" 2>/dev/null | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }'
        done
    } | sort -u | sed 's/^/grader\t/'
}

given_names= names_file=
case "${1:-}" in
--names)
    names_file=${2:?$usage}
    [ -s "$names_file" ] || { echo "integrity: $names_file is empty or missing" >&2; exit 2; }
    shift 2
    ;;
--print-names)
    shift
    if [ "${1:-}" = --libc-names ]; then given_names=${2:?$usage}; shift 2; fi
    other_names "$given_names" "$@"
    exit
    ;;
--libc-names)
    given_names=${2:?$usage}
    [ -s "$given_names" ] || { echo "integrity: $given_names is empty or missing" >&2; exit 2; }
    shift 2
    ;;
esac
kit=${1:?$usage}
lab_dir=${2:?$usage}
obj_dir=${3:?$usage}
shift 3
kit=$(cd "$kit" && pwd -P)
[ -f "$lab_dir/MANIFEST" ] || { echo "integrity: no $lab_dir/MANIFEST" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-integrity-XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

if [ -n "$names_file" ]; then cp "$names_file" "$work/names"; else other_names "$given_names" "$@" >"$work/names"; fi
awk -F'\t' -v taken="$work/taken" -v grader="$work/grader" \
    '$1 == "taken" { print $2 >taken } $1 == "grader" { print $2 >grader }' "$work/names"
: >>"$work/taken"
: >>"$work/grader"

# The student's objects, each with the file it was compiled from.
objects=()
while read -r file; do
    case "$file" in '' | '#'* | *.h) continue ;; esac
    obj="$obj_dir/${file%.c}.o"
    [ -f "$obj" ] || continue # did not compile: reported by the build
    objects+=("$obj")
    printf '%s\t%s\n' "$obj" "$file"
done <"$lab_dir/MANIFEST" >"$work/sources"
[ ${#objects[@]} -gt 0 ] || exit 0

# One run of each tool over all the objects (nm -A names each line's
# object), read by one awk program: a fork per symbol would cost more than
# the tests themselves when a class is graded.
#   1. global symbols they define (nm: "OBJ: NAME TYPE ...")
#   2. constructor and destructor sections (readelf: "File: OBJ", then sections)
#   3. calls that hook process exit or reach into the grader (nm -u)
# Each fact is one line: KIND<TAB>OBJECT<TAB>WHAT (paths may hold spaces).
nm -P -A -g --defined-only "${objects[@]}" 2>/dev/null | sed 's/^\(.*\.o\): /defined\t\1\t/' >"$work/facts"
nm -P -A -u "${objects[@]}" 2>/dev/null | sed 's/^\(.*\.o\): /undefined\t\1\t/' >>"$work/facts"
readelf -S -W "${objects[@]}" 2>/dev/null |
    awk -v obj="${objects[0]}" '/^File: / { obj = substr($0, 7); next }
         { if (match($0, /\.(init_array|fini_array|preinit_array|ctors|dtors)[.0-9A-Za-z_]*/))
               print "section\t" obj "\t" substr($0, RSTART, RLENGTH)
           else if (match($0, /\] \.(init|fini) /))
               print "section\t" obj "\t" substr($0, RSTART + 2, RLENGTH - 3) }' >>"$work/facts"
awk -F'\t' -v sources="$work/sources" -v taken="$work/taken" -v grader="$work/grader" '
    BEGIN {
        while ((getline line < sources) > 0) { split(line, f, "\t"); file[f[1]] = f[2]; order[++files] = f[2] }
        while ((getline name < taken) > 0) is_taken[name] = 1
        while ((getline name < grader) > 0) is_grader[name] = 1
    }
    # Collected per source file, printed in MANIFEST order.
    function say(text) { if (!(text in said)) { said[text] = 1; found[src] = found[src] text "\n"; count++ } }
    { src = file[$2]; split($3, word, " "); name = word[1]; type = word[2] }
    $1 == "defined" {
        if (type == "U" || type == "w" || type == "v") next
        if (type == "i")
            say(src " defines '\''" name "'\'' as an indirect function (ifunc): its resolver runs before main(); write a plain function")
        else if (name == "main")
            say(src " defines main(): the test program has its own; remove it")
        else if (substr(name, 1, 1) == "_")
            say(src " defines the reserved name '\''" name "'\'' (names starting with _ belong to the C library and the grader); make it static and rename it")
        else if (name in is_taken)
            say(src " defines '\''" name "'\'', which the C library or the grader already defines: yours would replace it for the whole test program (symbol interposition); make it static and rename it")
    }
    $1 == "section" {
        say(src " has a " $3 " section (a constructor or destructor runs code outside the lab'\''s functions); remove __attribute__((constructor/destructor))")
    }
    $1 == "undefined" {
        if (name ~ /^(atexit|on_exit|at_quick_exit|__cxa_atexit|__cxa_thread_atexit.*|pthread_atfork)$/)
            say(src " calls " name "(): code that runs when the test process exits or forks is not allowed in lab code")
        else if (name ~ /^(dlopen|dlmopen|dlsym|dlvsym|ptrace|process_vm_readv|process_vm_writev)$/)
            say(src " calls " name "(): looking into or changing the test program at run time is not allowed")
        else if (name in is_grader || name ~ /^__(wrap|real)_/)
            say(src " refers to the grader'\''s " name ": lab code may use the C library and common/ only")
    }
    END { for (i = 1; i <= files; i++) printf "%s", found[order[i]]; exit count > 0 }
' "$work/facts"
