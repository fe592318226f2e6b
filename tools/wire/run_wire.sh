#!/usr/bin/env bash
# run_wire.sh - one run of lab 04's tcp_server and tcp_client on two hosts
# of their own, with every TCP segment between them captured, shown as one
# timeline of calls and segments. `make wire` calls it (tools/wire/wire.mk).
#
# usage: tools/wire/run_wire.sh BUILD MODE [KEEP_DIR]
#   BUILD     the build folder, e.g. build/plain
#   MODE      echo, halfclose, oob, abort or poll
#   KEEP_DIR  also keep client.jsonl, server.jsonl and capture.wire there
# Environment:
#   DELAY=50ms    each frame spends this long on the wire (each way)
#   LOSS=5%       the wire loses this share of the TCP segments (each way)
#   SEED=N        which segments LOSS picks (default: a new one each run,
#                 printed, so that a run can be repeated)
#   WIRE_CHECK=1  check what TCP must send in MODE (wire_view -k); exit 1 on a miss
#   IMPL=labs     run the student's own programs; IMPL=solutions (the
#                 default) the reference
#
# As root, three network namespaces, named after this script's pid so that
# two runs never meet:
#
#   [ client ] eth0 ------ rc [ wire ] rs ------ eth0 [ server ]
#   192.0.2.10        veth        wire_link      veth       192.0.2.20
#
# Two hosts, each with its own TCP/IP stack, joined by two veth cables to a
# third namespace where wire_link passes every frame from one cable to the
# other, DELAY later, losing LOSS of the TCP segments, and records each
# segment as it comes in from its sender and goes out to its receiver. The
# addresses are a documentation range (RFC 5737) that exists only inside
# these namespaces, and the wire has no link to the machine's own network:
# nothing leaves. Everything (processes, namespaces with their veths, files)
# is removed on every path out: success, failure, Ctrl-C.
#
# Without root it says so and runs the same conversation on 127.0.0.1,
# showing the calls only.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 BUILD MODE [KEEP_DIR]" >&2
    exit 2
fi
build=$1 mode=$2 keep=${3:-}
delay=${DELAY:-} loss=${LOSS:-}
case "$mode" in
echo | halfclose | oob | abort | poll) ;;
*)
    echo "wire: unknown MODE '$mode' (use echo, halfclose, oob, abort or poll)" >&2
    exit 2
    ;;
esac
if [ -n "$delay" ] && ! [[ $delay =~ ^[0-9]+(\.[0-9]+)?(us|ms|s)$ ]]; then
    echo "wire: DELAY='$delay' is not a time such as 50ms, 200us or 1s" >&2
    exit 2
fi
if [ -n "$loss" ] && { ! [[ $loss =~ ^[0-9]+%$ ]] || [ "${loss%\%}" -gt 100 ]; }; then
    echo "wire: LOSS='$loss' is not a whole percentage such as 5%" >&2
    exit 2
fi
seed=${SEED:-$((RANDOM * 32768 + RANDOM))}
if ! [[ $seed =~ ^[0-9]+$ ]]; then
    echo "wire: SEED='$seed' is not a number" >&2
    exit 2
fi

impl=${IMPL:-solutions}
case "$impl" in
labs | solutions) ;;
*)
    echo "wire: unknown IMPL '$impl' (use labs or solutions)" >&2
    exit 2
    ;;
esac
programs=$build/$impl/04-tcp-lifecycle
tools=$build/tools/wire
for program in "$programs/tcp_server" "$programs/tcp_client" "$tools/wire_link" \
    "$tools/wire_view"; do
    if [ ! -x "$program" ]; then
        echo "wire: $program is not built (run it through 'make wire')" >&2
        exit 1
    fi
done

tag=ipckit-wire-$$
# Every process of this run carries the tag in its environment, so that a
# test can prove none is left behind (tests/wire/test_wire.sh).
export IPCKIT_WIRE_RUN=$tag
work=$(mktemp -d "${TMPDIR:-/tmp}/$tag-XXXXXX")
namespaces=() # the ones this run created, for cleanup
pids=()       # the processes this run started

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid ns
    for pid in "${pids[@]}"; do # only what this script started, by pid
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    for ns in "${namespaces[@]}"; do
        # Anything still running inside our namespace was started by this run.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null || true
        done
        # Deleting a namespace deletes its veth ends and their qdiscs with it.
        ip netns del "$ns" 2>/dev/null || echo "wire: could not delete namespace $ns" >&2
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits (at most 5 s) for a line matching $2 in file $1; prints it.
wait_for_line() {
    local line
    for _ in $(seq 100); do
        line=$(grep -m 1 -E "$2" "$1" 2>/dev/null || true)
        if [ -n "$line" ]; then
            echo "$line"
            return 0
        fi
        sleep 0.05
    done
    return 1
}

# Ends a run that failed, saying why; a run of the student's own programs
# also says where to look first.
run_failed() { # run_failed WHY
    echo "wire: $1" >&2
    if [ "$impl" = labs ]; then
        echo "wire: these are your programs (IMPL=labs): make grade LAB=04 says what is missing" >&2
    fi
    exit 1
}

# Runs the server in the background (prefix: how to run it) and waits for its port.
start_server() { # start_server ADDR PREFIX...
    local addr=$1
    shift
    IPC_TRACE=off IPC_TRACE_FILE=$work/server.jsonl "$@" "$programs/tcp_server" -a "$addr" -p 0 \
        -n 1 -m "$mode" >"$work/server.out" &
    pids+=($!)
    server_pid=$!
    port=$(wait_for_line "$work/server.out" '^port [0-9]+$') ||
        run_failed "tcp_server did not print its port"
    port=${port#port }
}

run_client() { # run_client ADDR PREFIX...
    local addr=$1 status=0
    shift
    IPC_TRACE=off IPC_TRACE_FILE=$work/client.jsonl "$@" "$programs/tcp_client" -m "$mode" \
        "$addr" "$port" "hello, wire" &
    pids+=($!)
    # In the background, so that Ctrl-C reaches this script's trap at once.
    wait $! || status=$?
    if [ "$status" -ne 0 ]; then
        # The server may wait in accept() for ever: cleanup ends it.
        run_failed "the run failed: tcp_client exited $status"
    fi
    # The server ends by itself once its client is served; give it 10 s.
    for _ in $(seq 200); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    local server_status=0
    if kill -0 "$server_pid" 2>/dev/null; then
        run_failed "the run failed: tcp_server did not finish"
    fi
    wait "$server_pid" || server_status=$?
    if [ "$server_status" -ne 0 ]; then
        run_failed "the run failed: tcp_server exited $server_status"
    fi
}

keep_files() {
    if [ -n "$keep" ]; then
        mkdir -p "$keep"
        cp "$work"/*.jsonl "$keep/"
        if [ -f "$work/capture.wire" ]; then cp "$work/capture.wire" "$keep/"; fi
    fi
}

view_flags=()
if [ "${WIRE_CHECK:-}" = 1 ]; then view_flags+=(-k "$mode"); fi

if [ "$(id -u)" -ne 0 ]; then
    echo "wire: not root, so no network namespaces and no packet capture: the calls only."
    echo "wire: run 'sudo make wire MODE=$mode' to see the segments too."
    if [ -n "$delay$loss" ]; then echo "wire: DELAY and LOSS need root (they happen on the wire); ignored."; fi
    start_server 127.0.0.1
    run_client 127.0.0.1
    keep_files
    "$tools/wire_view" "${view_flags[@]}" "$work/client.jsonl" "$work/server.jsonl"
    exit 0
fi

# ---- two hosts and a wire --------------------------------------------------
ns_c=$tag-client ns_w=$tag-wire ns_s=$tag-server
for ns in "$ns_c" "$ns_w" "$ns_s"; do
    if ! ip netns add "$ns"; then
        echo "wire: cannot make a network namespace here: it needs root with CAP_SYS_ADMIN and" \
            "CAP_NET_ADMIN (a container needs --cap-add SYS_ADMIN --cap-add NET_ADMIN)" >&2
        exit 1
    fi
    namespaces+=("$ns")
    ip -n "$ns" link set lo up
done
# Each veth pair is made inside the host's namespace with its other end in
# the wire's, so neither end ever appears in the machine's own namespace.
ip -n "$ns_c" link add eth0 type veth peer name rc netns "$ns_w"
ip -n "$ns_s" link add eth0 type veth peer name rs netns "$ns_w"
ip -n "$ns_c" addr add 192.0.2.10/24 dev eth0
ip -n "$ns_s" addr add 192.0.2.20/24 dev eth0
for pair in "$ns_c eth0" "$ns_s eth0" "$ns_w rc" "$ns_w rs"; do
    # shellcheck disable=SC2086 # "namespace interface"
    ip -n ${pair% *} link set ${pair#* } up
done
# Each host knows the other's Ethernet address from the start: otherwise the
# first SYN waits for an ARP request and reply to cross the wire (twice the
# DELAY), which is true but not what this view is about.
mac_of() { ip -n "$1" -o link show eth0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'; }
ip -n "$ns_c" neigh replace 192.0.2.20 lladdr "$(mac_of "$ns_s")" dev eth0 nud permanent
ip -n "$ns_s" neigh replace 192.0.2.10 lladdr "$(mac_of "$ns_c")" dev eth0 nud permanent

loss_pct=${loss:-0%}
loss_pct=${loss_pct%\%} # wire_link -l takes the number alone
# DELAY in microseconds, for wire_link -d.
delay_us=$(awk -v d="${delay:-0us}" 'BEGIN {
    v = d + 0; if (d ~ /us$/) f = 1; else if (d ~ /ms$/) f = 1e3; else f = 1e6;
    printf "%d", v * f }')
echo "== wire: tcp_client (192.0.2.10) and tcp_server (192.0.2.20), --mode $mode${delay:+, delay $delay}${loss:+, loss $loss (SEED=$seed)} each way =="
ip netns exec "$ns_w" "$tools/wire_link" -a rc -b rs -d "$delay_us" -l "$loss_pct" -s "$seed" \
    -o "$work/capture.wire" -t 60 >"$work/capture.out" &
pids+=($!)
capture_pid=$!
wait_for_line "$work/capture.out" '^ready$' >/dev/null || {
    echo "wire: wire_link did not start" >&2
    exit 1
}
start_server 192.0.2.20 ip netns exec "$ns_s"
run_client 192.0.2.20 ip netns exec "$ns_c"
# The last segments may still be on the wire: wait two delays and a bit.
settle=$(awk -v us="$delay_us" 'BEGIN { printf "%.3f", 2 * us / 1e6 + 0.2 }')
sleep "$settle"
kill -TERM "$capture_pid"
wait "$capture_pid" || {
    echo "wire: wire_link failed" >&2
    exit 1
}
keep_files
arrivals=()
if [ -n "$delay" ]; then arrivals=(-a); fi
"$tools/wire_view" "${arrivals[@]}" "${view_flags[@]}" "$work/client.jsonl" \
    "$work/server.jsonl" "$work/capture.wire"
