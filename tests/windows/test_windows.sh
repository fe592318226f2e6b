#!/usr/bin/env bash
# test_windows.sh - lab 04 across the API boundary: the WinSock build (under
# Wine) talks to the Linux build, on loopback, in both directions.
#
# usage: tests/windows/test_windows.sh LINUX_DIR WINDOWS_DIR OUT_DIR PREFIX TRACE_CHART
#   LINUX_DIR    holds tcp_server and tcp_client (the Linux build)
#   WINDOWS_DIR  holds tcp_server.exe and tcp_client.exe (make windows)
#   OUT_DIR      receives every run's traces (JSON Lines) and output
#   TRACE_CHART  the trace_chart program, which reads the traces (-w)
#   PREFIX       the test's own Wine prefix (an absolute path; made when missing)
#
# For each mode (echo, halfclose, oob, abort, and poll: the one-process
# server of step 6, WSAPoll() on Windows) it runs the conversation three
# times: Linux <-> Linux (the reference), Windows client -> Linux server and
# Linux client -> Windows server. Each side traces to its own file, and the
# test compares, for each role, what the trace says went over the wire: the
# bytes sent and received, urgent bytes, whether recv() saw the end of the
# stream (0) and whether a call failed with a reset (ECONNRESET /
# WSAECONNRESET). A cross run must match the reference, and within each run
# one side must receive exactly what the other sent. Then a connect to a
# port where nothing listens must fail with WSAECONNREFUSED under Wine.
#
# Wine's first start (wineboot, several seconds) happens before any test, in
# its own prefix under build/, and Wine's own messages (WINEDEBUG=-all) never
# reach the results. Every run is bounded in time; ports come from the kernel.
set -uo pipefail

usage="usage: test_windows.sh LINUX_DIR WINDOWS_DIR OUT_DIR PREFIX TRACE_CHART"
linux=${1:?$usage}
windows=${2:?$usage}
out=${3:?$usage}
prefix=${4:?$usage}
trace_chart=${5:?$usage}
LIMIT=${TEST_WINDOWS_LIMIT:-30} # seconds for one run, Wine included

fail() {
    echo "test-windows: FAIL: $*" >&2
    failures=$((failures + 1))
}

if ! command -v wine >/dev/null 2>&1; then
    echo "test-windows: not run: install wine (make deps DEPS_FOR=windows)" >&2
    exit 1
fi
for f in "$linux/tcp_server" "$linux/tcp_client" "$windows/tcp_server.exe" "$windows/tcp_client.exe"; do
    [ -x "$f" ] || { echo "test-windows: not run: $f is missing (make windows programs)" >&2; exit 1; }
done

# ---- setup: a private Wine prefix, started once --------------------------------
rm -rf "$out"
mkdir -p "$out"
# Our own prefix, never the user's: `wineserver -k` at the end stops every
# Windows program of the prefix it is given.
export WINEPREFIX=$prefix
export WINEDEBUG=-all         # Wine's own diagnostics are not the programs' output
export WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono or Gecko installer on first start
export NO_COLOR=1 IPC_TRACE=off
# Wine keeps temporary folders of its own (wine-XXXXXX) in $TMPDIR: give it one
# under our output, so nothing of it is left in the caller's temporary folder.
export TMPDIR="$(cd "$out" && pwd)/tmp"
mkdir -p "$TMPDIR"
start=$(date +%s%N)
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    mkdir -p "$WINEPREFIX"
    timeout 120 wineboot --init >"$out/wineboot.log" 2>&1 || {
        echo "test-windows: wineboot failed (see $out/wineboot.log)" >&2
        exit 1
    }
fi
# One wineserver for the whole run (started now, stopped at the end): each
# program then starts in a fraction of a second.
wineserver -p >/dev/null 2>&1
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$out/tmp"' EXIT
timeout 60 wine cmd /c exit >/dev/null 2>&1
echo "test-windows: Wine ready in $((($(date +%s%N) - start) / 1000000)) ms (setup, not timed by the tests)"

failures=0
MESSAGE="hello from the other API"

# run_pair NAME MODE SERVER CLIENT: one conversation; the server's and the
# client's traces go to NAME-server.jsonl and NAME-client.jsonl.
run_pair() {
    local name=$1 mode=$2 server=$3 client=$4
    local srv_out="$out/$name-server.out" port line
    rm -f "$out/$name-"*.jsonl
    # The server prints "port N" (CR LF from a Windows program) once it listens.
    IPC_TRACE_FILE="$out/$name-server.jsonl" timeout "$LIMIT" $server -m "$mode" -t 5000 \
        >"$srv_out" 2>"$out/$name-server.err" &
    local srv_pid=$!
    port=
    for _ in $(seq 1 $((LIMIT * 10))); do
        line=$(head -n 1 "$srv_out" 2>/dev/null | tr -d '\r')
        if [ -n "$line" ]; then
            port=${line#port }
            break
        fi
        kill -0 "$srv_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        fail "$name: the server never printed its port (see $out/$name-server.err)"
        kill "$srv_pid" 2>/dev/null
        wait "$srv_pid" 2>/dev/null
        return 1
    fi
    IPC_TRACE_FILE="$out/$name-client.jsonl" timeout "$LIMIT" $client -m "$mode" -t 5000 \
        127.0.0.1 "$port" "$MESSAGE" >"$out/$name-client.out" 2>"$out/$name-client.err"
    local crc=$?
    wait "$srv_pid"
    local src=$?
    echo "$port" >"$out/$name.port"
    [ "$crc" -eq 0 ] || fail "$name: the client exited with $crc (see $out/$name-client.err)"
    [ "$src" -eq 0 ] || fail "$name: the server exited with $src (see $out/$name-server.err)"
    return 0
}

# What a trace says went over the wire, one line, read by the kit's one
# trace reader (trace_chart -w; common/trace_read.h):
#   sent=N received=N urgent_sent=N urgent_received=N eof=yes|no reset=yes|no
wire_summary() { "$trace_chart" -w "$1"; }

# The value of KEY in a wire summary file.
wire() { tr ' ' '\n' <"$2" | sed -n "s/^$1=//p"; }

# The client's output, without Windows' CR LF, and with the oob reply's two
# parts joined: a Windows server cannot find the urgent mark once it has read
# the urgent byte (SIOCATMARK then says "nothing urgent waiting"), so it
# reports every byte as after the mark, and it has no SIGURG to count. The
# bytes themselves must be the same.
normalized_output() {
    tr -d '\r' <"$1" |
        sed -e 's/^reply: before the mark "\(.*\)", urgent byte \(.*\) (.*), after the mark "\(.*\)"$/reply: "\1\3", urgent byte \2/'
}

check_run() { # check_run NAME REFERENCE MODE
    local name=$1 ref=$2 mode=$3 role key
    for role in server client; do
        local f="$out/$name-$role.jsonl"
        if [ ! -s "$f" ]; then
            fail "$name: no $role trace ($f)"
            return
        fi
        wire_summary "$f" >"$out/$name-$role.wire"
    done
    [ "$name" = "$ref" ] && return
    for role in server client; do
        for key in sent received urgent_sent urgent_received eof reset; do
            # The oob reply's text differs on a Windows server (see normalized_output).
            case "$mode:$role-$key" in
            oob:server-sent | oob:client-received) continue ;;
            esac
            local got want
            got=$(wire "$key" "$out/$name-$role.wire") want=$(wire "$key" "$out/$ref-$role.wire")
            [ "$got" = "$want" ] || fail "$name: the $role's trace says $key=$got, Linux <-> Linux says $key=$want"
        done
    done
    # Within the run, one side receives exactly what the other sent (the
    # abort's RST discards what the server had not read: not compared there).
    if [ "$mode" != abort ]; then
        local cs sr ss cr
        cs=$(wire sent "$out/$name-client.wire") sr=$(wire received "$out/$name-server.wire")
        ss=$(wire sent "$out/$name-server.wire") cr=$(wire received "$out/$name-client.wire")
        [ "$cs" = "$sr" ] || fail "$name: the client sent $cs bytes, the server received $sr"
        [ "$ss" = "$cr" ] || fail "$name: the server sent $ss bytes, the client received $cr"
    fi
    if ! cmp -s <(normalized_output "$out/$name-client.out") <(normalized_output "$out/$ref-client.out"); then
        fail "$name: the client printed something else than with Linux on both sides:
$(diff <(normalized_output "$out/$ref-client.out") <(normalized_output "$out/$name-client.out"))"
    fi
}

for mode in echo halfclose oob abort poll; do
    t0=$(date +%s%N)
    run_pair "$mode-linux" "$mode" "$linux/tcp_server" "$linux/tcp_client"
    check_run "$mode-linux" "$mode-linux" "$mode"
    run_pair "$mode-winclient" "$mode" "$linux/tcp_server" "wine $windows/tcp_client.exe"
    check_run "$mode-winclient" "$mode-linux" "$mode"
    run_pair "$mode-winserver" "$mode" "wine $windows/tcp_server.exe" "$linux/tcp_client"
    check_run "$mode-winserver" "$mode-linux" "$mode"
    echo "test-windows: $mode: $(cat "$out/$mode-linux-client.wire" 2>/dev/null) ($((($(date +%s%N) - t0) / 1000000)) ms)"
done

# ---- a refused connect names the WinSock error ----------------------------------
# The echo reference's server has exited: nothing listens on its port now.
port=$(cat "$out/echo-linux.port" 2>/dev/null || echo 1)
timeout "$LIMIT" wine "$windows/tcp_client.exe" -t 5000 127.0.0.1 "$port" >/dev/null 2>"$out/refused.err"
rc=$?
tr -d '\r' <"$out/refused.err" >"$out/refused.txt"
if [ "$rc" -ne 1 ]; then
    fail "refused: tcp_client.exe exited with $rc, not 1 (see $out/refused.err)"
elif ! grep -q 'WSAECONNREFUSED' "$out/refused.txt"; then
    fail "refused: no WSAECONNREFUSED in the error message:
$(cat "$out/refused.txt")"
else
    echo "test-windows: refused connect: $(grep -m1 WSAECONNREFUSED "$out/refused.txt")"
fi

if [ "$failures" -ne 0 ]; then
    echo "test-windows: $failures failure(s); traces and outputs are in $out" >&2
    exit 1
fi
echo "test-windows: all passed: 5 modes (echo, halfclose, oob, abort, poll), both directions, traces compared (in $out)"
