#!/usr/bin/env bash
# run_demo.sh - one traced run of lab 04's tcp_server and tcp_client, drawn
# as a sequence chart. `make trace-chart` calls it (slides/slides.mk).
#
# usage: tools/trace-chart/run_demo.sh BUILD MODE OUT.svg [KEEP_DIR]
#   BUILD     the build folder holding the programs, e.g. build/plain
#   MODE      echo, halfclose, abort or oob: both programs' --mode
#   OUT.svg   where the chart goes
#   KEEP_DIR  also keep the two traces there, as MODE-client.jsonl and
#             MODE-server.jsonl (how tools/trace-chart/testdata was made)
#
# Environment: CHART_FLAGS adds trace_chart options (e.g. -c for the
# compact chart the slides use); IMPL=labs draws the student's own
# programs, IMPL=solutions (the default) the reference; IPC_TRACE as usual
# (text by default, so both programs narrate their calls on stderr while
# they run).
#
# The server listens on port 0 and prints "port N"; the client connects
# there. Nothing else on the machine is touched: the traces live in a
# private temporary folder that is removed on every path.
set -euo pipefail

if [ $# -lt 3 ] || [ $# -gt 4 ]; then
    echo "usage: $0 BUILD MODE OUT.svg [KEEP_DIR]" >&2
    exit 2
fi
build=$1 mode=$2 out=$3 keep=${4:-}
case "$mode" in
echo | halfclose | abort | oob) ;;
*)
    echo "trace-chart: unknown MODE '$mode' (use echo, halfclose, abort or oob)" >&2
    exit 2
    ;;
esac
impl=${IMPL:-solutions}
case "$impl" in
labs | solutions) ;;
*)
    echo "trace-chart: unknown IMPL '$impl' (use labs or solutions)" >&2
    exit 2
    ;;
esac
programs=$build/$impl/04-tcp-lifecycle
chart=$build/tools/trace-chart/trace_chart
for program in "$programs/tcp_server" "$programs/tcp_client" "$chart"; do
    if [ ! -x "$program" ]; then
        echo "trace-chart: $program is not built (run it through 'make trace-chart')" >&2
        exit 1
    fi
done

# shellcheck source=tools/work-dir.sh
. "$(dirname "$0")/../work-dir.sh"
make_work_dir trace-chart

echo "== trace-chart: tcp_server and tcp_client ($impl/), --mode $mode =="
IPC_TRACE_FILE=$work/server.jsonl "$programs/tcp_server" -p 0 -n 1 -m "$mode" >"$work/server.out" &
server_pid=$!

# Wait (at most 5 s) for the line "port N" that the server prints once it listens.
port=
for _ in $(seq 50); do
    port=$(sed -n 's/^port \([0-9][0-9]*\)$/\1/p' "$work/server.out")
    [ -n "$port" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "trace-chart: tcp_server did not print its port" >&2
    if [ "$impl" = labs ]; then
        echo "trace-chart: this is your tcp_server (IMPL=labs): make grade LAB=04 says what is missing" >&2
    fi
    exit 1
fi

client_status=0
IPC_TRACE_FILE=$work/client.jsonl "$programs/tcp_client" -m "$mode" 127.0.0.1 "$port" ||
    client_status=$?
server_status=0
wait "$server_pid" || server_status=$?
server_pid=
if [ "$client_status" -ne 0 ] || [ "$server_status" -ne 0 ]; then
    echo "trace-chart: the run failed (client exit $client_status, server exit $server_status)" >&2
    if [ "$impl" = labs ]; then
        echo "trace-chart: these are your programs (IMPL=labs): make grade LAB=04 says what is missing" >&2
    fi
    exit 1
fi

mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2086 # CHART_FLAGS is a list of options
"$chart" ${CHART_FLAGS:-} -t "lab 04, --mode $mode: tcp_client and tcp_server, traced" \
    -o "$out" "$work/client.jsonl" "$work/server.jsonl"
if [ -n "$keep" ]; then
    mkdir -p "$keep"
    cp "$work/client.jsonl" "$keep/$mode-client.jsonl"
    cp "$work/server.jsonl" "$keep/$mode-server.jsonl"
fi
echo "trace-chart: wrote $out (open it in a browser)"
