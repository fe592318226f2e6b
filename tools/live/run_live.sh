#!/usr/bin/env bash
# run_live.sh - the demo, drawn live in the browser. `make live` and
# `make demo LIVE=1` call it (tools/live/live.mk).
#
# usage: tools/live/run_live.sh BUILD [PROGRAM [ARGS...]]
#   BUILD     the build folder, e.g. build/plain
#   PROGRAM   one lab program to run instead of the tour (tools/demo.sh), by
#             its name (tcp_demo, us_demo, ...): the reference's when the kit
#             has it, the student's otherwise (IMPL=labs|solutions picks)
#
# Starts the live server (loopback only) and prints its address: open it in
# the room's browser. Then runs the programs with IPC_TRACE_LIVE set, so the
# page draws each call as it starts and ends. With IPC_STEP=1 the programs
# pause at each narrated step (on a terminal): Enter there, or Space in the
# page, goes on. When the run ends the page stays until Enter (or Ctrl-C).
# Everything lives in a private temporary folder, removed on every path;
# only the server this script started is stopped, by its pid.
#
# Environment: LIVE_PORT (default 0: the kernel picks), IMPL, IPC_STEP.
set -euo pipefail

build=${1:?usage: tools/live/run_live.sh BUILD [PROGRAM [ARGS...]]}
shift
server=$build/tools/live/live
if [ ! -x "$server" ]; then
    echo "live: $server is not built (run it through 'make live')" >&2
    exit 1
fi
# shellcheck source=tools/work-dir.sh
. "$(dirname "$0")/../work-dir.sh"
make_work_dir live

mkfifo -m 600 "$work/keys" # step mode: a key pressed in the page
"$server" -p "${LIVE_PORT:-0}" -d tools/live/page -k "$work/keys" "$work/run.jsonl" >"$work/address" &
server_pid=$!
for _ in $(seq 50); do
    [ -s "$work/address" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [ ! -s "$work/address" ]; then
    echo "live: the server did not start" >&2
    exit 1
fi
echo "== $(cat "$work/address")  <- open this in the room's browser =="
if [ -t 0 ]; then
    read -r -p "live: press Enter to start the run once the page is open " _
fi

export IPC_TRACE_LIVE=$work/run.jsonl IPC_STEP_KEYS=$work/keys
status=0
if [ $# -eq 0 ]; then
    tools/demo.sh "$build" || status=$?
else
    impl=${IMPL:-}
    if [ -z "$impl" ]; then
        if [ -d solutions ]; then impl=solutions; else impl=labs; fi
    fi
    program=$(find "$build/$impl" -maxdepth 2 -type f -name "$1" -perm -u+x | head -n 1)
    if [ -z "$program" ]; then
        echo "live: no program $1 in $build/$impl" >&2
        exit 1
    fi
    shift
    "$program" "$@" || status=$?
fi
echo "live: the run is over (exit $status); the page stays while this runs"
if [ -t 0 ]; then
    read -r -p "live: press Enter to stop the server " _
fi
exit "$status"
