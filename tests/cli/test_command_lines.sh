#!/usr/bin/env bash
# test_command_lines.sh - every program of the kit answers its command line alike.
#
# usage: tests/cli/test_command_lines.sh BUILD
#
# For each program of every lab (BUILD/solutions/NN-*/, or BUILD/labs/ in the
# student kit), trace_chart, make wire's tools and make live's server, checks that
#   - --help and -h print the usage to stdout and exit 0;
#   - the help ends with an "Example:" or "Examples:" heading and one or two
#     example command lines;
#   - an unknown long option (--bogus) and an unknown short one (-Z) exit 2
#     with a message naming that very option, and no NUL byte;
# and that a bad shared-memory NAME is a usage error (exit 2).
# Prints PASS/FAIL lines; exit status 0 only when all passed.
set -uo pipefail

build=${1:?usage: tests/cli/test_command_lines.sh BUILD}
impl=solutions
[ -d "$build/solutions" ] || impl=labs
passed=0 failed=0
fail() {
    echo "FAIL $*"
    failed=$((failed + 1))
}

programs=()
for f in "$build/$impl"/[0-9][0-9]-*/*; do
    name=$(basename "$f")
    case "$name" in *.o | *.d | test_* | hidden_*) continue ;; esac
    [ -f "$f" ] && [ -x "$f" ] && programs+=("$f")
done
[ -x "$build/tools/trace-chart/trace_chart" ] && programs+=("$build/tools/trace-chart/trace_chart")
for tool in wire_link wire_view; do # make wire's tools, when built
    [ -x "$build/tools/wire/$tool" ] && programs+=("$build/tools/wire/$tool")
done
[ -x "$build/tools/live/live" ] && programs+=("$build/tools/live/live") # make live's server

if [ ${#programs[@]} -eq 0 ]; then
    fail "no programs under $build/$impl: run make programs first"
    exit 1
fi

for p in "${programs[@]}"; do
    name=$(basename "$p")
    bad=0
    for flag in --help -h; do
        out=$("$p" "$flag" 2>/dev/null)
        status=$?
        if [ "$status" -ne 0 ] || [ -z "$out" ]; then
            fail "$name $flag: exit status $status, ${#out} bytes on stdout (expected 0 and the usage)"
            bad=1
        fi
    done
    tail3=$("$p" --help 2>/dev/null | tail -n 3)
    if ! grep -Eq '^Examples?:$' <<<"$tail3" || ! tail -n 1 <<<"$tail3" | grep -q "^  "; then
        fail "$name --help: does not end with 'Example(s):' and one or two example lines:"
        sed 's/^/    /' <<<"$tail3"
        bad=1
    fi
    for flag in --bogus -Z; do
        err=$("$p" "$flag" 2>&1 >/dev/null | tr '\0' '@')
        "$p" "$flag" >/dev/null 2>&1
        status=$?
        if [ "$status" -ne 2 ] || ! grep -q -- "'$flag'" <<<"$err" || grep -q '@' <<<"$err"; then
            fail "$name $flag: exit status $status, said: $(head -n 1 <<<"$err") (expected 2, naming '$flag')"
            bad=1
        fi
    done
    [ "$bad" -eq 0 ] && passed=$((passed + 1))
done

for name in shm_producer shm_consumer; do
    p="$build/$impl/01-shm-ring/$name"
    [ -x "$p" ] || continue
    "$p" 'no-slash/at/all' >/dev/null 2>&1
    status=$?
    if [ "$status" -eq 2 ]; then
        passed=$((passed + 1))
    else
        fail "$name with a bad NAME: exit status $status (expected 2, a usage error)"
    fi
done

echo "command lines: ${#programs[@]} programs, $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
