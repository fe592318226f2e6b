#!/usr/bin/env bash
# bench-run-info.sh - say which run a bench folder holds, as DIR/run.json:
# when it ran, on what machine, and the command. `make bench` calls it, so
# that the decks built from that run can say which run they show
# (slides/scripts/bench-data.mjs).
#
# usage: tools/bench-run-info.sh DIR COMMAND...
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 DIR COMMAND..." >&2
    exit 2
fi
dir=$1
shift
# The processor's name (x86's "model name", or the "Hardware"/"CPU part" of
# some ARM boards), how many cores, and the kernel: enough to tell two
# machines apart, nothing that names a person or a host.
cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
machine="$cpu, $(getconf _NPROCESSORS_ONLN) cores, $(uname -s) $(uname -r)"
when=$(date -u '+%Y-%m-%d %H:%M UTC')
# JSON strings: a backslash and a double quote are escaped, nothing else
# can appear in these three.
json() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
printf '{"date": %s, "machine": %s, "command": %s}\n' "$(json "$when")" "$(json "$machine")" \
    "$(json "$*")" >"$dir/run.json"
