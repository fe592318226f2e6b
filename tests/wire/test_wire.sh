#!/usr/bin/env bash
# test_wire.sh - `make test-wire`: what lab 04's calls put on the wire, and
# that a run of `make wire` leaves nothing behind on any path.
#
# usage: tests/wire/test_wire.sh BUILD      (BUILD: e.g. build/plain)
#
# Without root: the unit tests (tools/wire/test_wire_units.c), the committed
# captures pass wire_view -k and five broken copies of them are caught.
# As root (network namespaces and packet sockets need it), also:
#   1. each mode: wire_view -k checks the segments TCP must send (handshake,
#      FIN and ACK per shutdown/close, one URG with the right urgent pointer,
#      RST and no FIN for abort, every segment after the call that caused
#      it); this script checks a few of them again on the raw capture, with
#      awk, as a second opinion;
#   2. DELAY=50ms: the same checks, and each segment arrives >= 50 ms after
#      it left;
#   3. LOSS=5%, seeds 1 to 6: every retransmission and every lost segment
#      that happened is marked, and nothing else; whether any happened is
#      reported, never required;
#   4. two runs at once do not meet;
#   5. after a failing run (a client that exits 3) and after Ctrl-C, and
#      after every run above: no namespace, no veth, no process of the run
#      is left (each run's processes carry IPCKIT_WIRE_RUN in their
#      environment, so even one in a deleted namespace is found).
# Without root: the calls-only view is checked, then the test fails with
# "not run: needs root", never passes silently.
# shellcheck disable=SC2016 # the awk programs' $N are awk's fields, not the shell's
set -uo pipefail

build=${1:?usage: $0 BUILD}
run=tools/wire/run_wire.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-wire-test-XXXXXX")
failures=0
# Kept when something failed, to look at; removed otherwise.
trap 'if [ "$failures" -eq 0 ]; then rm -rf "$work"; else echo "test-wire: the runs are kept in $work"; fi' EXIT
trap 'failures=0; exit 130' INT # stopped: nothing to look at, remove it all
trap 'failures=0; exit 143' TERM

pass() { echo "  ok    $*"; }
fail() {
    echo "  FAIL  $*"
    failures=$((failures + 1))
}

# Nothing of run $1 (the pid of its run_wire.sh) may be left.
check_clean() { # check_clean PID WHAT
    local tag=ipckit-wire-$1 left=""
    if ip netns list 2>/dev/null | grep -q "^$tag-"; then
        left+=" namespaces($(ip netns list | grep "^$tag-" | cut -d' ' -f1 | tr '\n' ' '))"
    fi
    if ip -o link show 2>/dev/null | grep -q "$tag"; then
        left+=" links"
    fi
    local pid
    # shellcheck disable=SC2013 # /proc/PID/environ paths have no spaces
    for pid in $(grep -l -a -x "IPCKIT_WIRE_RUN=$tag" --null-data /proc/[0-9]*/environ 2>/dev/null |
        cut -d/ -f3); do
        left+=" process $pid ($(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null))"
    done
    if [ -n "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name "$tag-*" 2>/dev/null)" ]; then
        left+=" files"
    fi
    if [ -z "$left" ]; then
        pass "$2: nothing left behind"
    else
        fail "$2: left behind:$left"
    fi
}

# Runs MODE with the given environment into $work/NAME; prints the run's pid.
wire_run() { # wire_run NAME MODE [VAR=value...]
    local name=$1 mode=$2
    shift 2
    mkdir -p "$work/$name"
    env "$@" WIRE_CHECK=1 "$run" "$build" "$mode" "$work/$name" >"$work/$name/out" 2>&1 &
    local pid=$!
    wait "$pid"
    echo $? >"$work/$name/status"
    echo "$pid" >"$work/$name/pid"
}

# The raw capture, read with awk: the flags of the segments that came in
# (left their sender), one "SENDER FLAGS LEN URP SEQ" line each, in order.
departures() {
    awk -F'\t' '!/^#/ && $3 == "in" { print ($2 == "rc" ? "client" : "server"), $10, $13, $12, $8 }' \
        "$1/capture.wire"
}

# Retransmissions and losses counted from the raw capture, independently of
# wire_view: a departure that uses sequence space below what its sender had
# already sent is a retransmission; one with no matching "out" line is lost.
count_marks() { # count_marks DIR -> "RETRANSMISSIONS LOST"
    awk -F'\t' '
        function space(f, len) { return len + (f ~ /S/) + (f ~ /F/) }
        /^#/ { next }
        $3 == "out" { key = $4 " " $8 " " $9 " " $10 " " $13; out[key]++; next }
        {
            s = $4; sp = space($10, $13)
            if (!(s in isn) && $10 ~ /S/) isn[s] = $8
            rel = ($8 - isn[s] + 4294967296) % 4294967296
            if (sp > 0) {
                if ((s in next_seq) && rel < next_seq[s]) re++
                if (!(s in next_seq) || rel + sp > next_seq[s]) next_seq[s] = rel + sp
            }
            key = $4 " " $8 " " $9 " " $10 " " $13; sent[NR] = key
        }
        END {
            for (i in sent) { if (out[sent[i]] > 0) out[sent[i]]--; else lost++ }
            print re + 0, lost + 0
        }' "$1/capture.wire"
}

# ---- 0. the committed captures (no root needed) --------------------------------
# The checks on the runs recorded for the slides, and proof that each check
# can fail: the same captures, broken on purpose, must be caught.
echo "== test-wire: unit tests, and the committed captures (tools/wire/testdata) =="
if "$build/tools/wire/test_wire_units" >"$work/units.out" 2>&1; then
    pass "unit tests: $(grep -o '[0-9]*%: Checks: [0-9]*' "$work/units.out")"
else
    fail "unit tests: $(cat "$work/units.out")"
fi
view=$build/tools/wire/wire_view
data=tools/wire/testdata
for mode in echo halfclose oob abort; do
    d=$data/$mode
    if "$view" -k "$mode" "$d/client.jsonl" "$d/server.jsonl" "$d/capture.wire" >"$work/$mode.committed" 2>&1; then
        pass "$mode (committed): $(grep -c '^ok:' "$work/$mode.committed") checks hold"
    else
        fail "$mode (committed): $(grep '^FAIL' "$work/$mode.committed" | head -n 3)"
    fi
done
# The committed loss run (deck 04 quotes it): its marks match the raw capture.
d=$data/loss
read -r want_re want_lost < <(count_marks "$d")
"$view" "$d/client.jsonl" "$d/server.jsonl" "$d/capture.wire" >"$work/loss.committed" 2>&1
got_re=$(grep -c 'RETRANSMISSION' "$work/loss.committed")
got_lost=$(grep -c 'LOST on the wire' "$work/loss.committed")
if [ "$want_re" -gt 0 ] && [ "$got_re" -eq "$want_re" ] && [ "$got_lost" -eq "$want_lost" ]; then
    pass "loss (committed): $want_lost lost and $want_re retransmitted, each marked"
else
    fail "loss (committed): capture has $want_re retransmissions and $want_lost lost; view marks $got_re and $got_lost"
fi
# broken MODE NAME AWK_PROGRAM WANTED_FAILURE: the capture rewritten by awk must fail so.
broken() {
    local mode=$1 name=$2 program=$3 wanted=$4 d=$data/$1
    awk -F'\t' -v OFS='\t' "$program" "$d/capture.wire" >"$work/broken.wire"
    if "$view" -k "$mode" "$d/client.jsonl" "$d/server.jsonl" "$work/broken.wire" >"$work/broken.out" 2>&1; then
        fail "$name: wire_view -k passed a broken capture"
    elif grep -q "^FAIL: .*$wanted" "$work/broken.out"; then
        pass "$name: caught ($(grep -m 1 "^FAIL: .*$wanted" "$work/broken.out" | cut -c 7-))"
    else
        fail "$name: failed, but not with '$wanted': $(grep '^FAIL' "$work/broken.out" | head -n 2)"
    fi
}
broken abort "abort without its RST" '!($10 ~ /R/)' "the server sent an RST"
broken abort "abort with a FIN instead" '{ if ($10 ~ /R/) $10 = "AF" } 1' "the server sent no FIN"
broken oob "oob with the urgent pointer one off" '{ if ($10 ~ /U/) $12 = $12 + 1 } 1' "urgent pointer"
broken halfclose "halfclose whose server never ACKs the FIN" \
    '$3 == "in" && $2 == "rc" && $10 ~ /F/ { fin = $8 }
     fin != "" && $4 == "192.0.2.20" && $9 == fin + 1 { $9 = sprintf("%.0f", fin) } 1' \
    "ACKs the client's FIN"
broken echo "echo whose SYN left before connect() began" \
    '{ if ($10 == "S") $1 = sprintf("%.0f", $1 - 100000000) } 1' "the SYN at"
if "$view" -s "$work/chart.svg" -c -p halfclose "$data/halfclose/client.jsonl" \
    "$data/halfclose/server.jsonl" "$data/halfclose/capture.wire" &&
    [ "$(tail -n 1 "$work/chart.svg")" = "</svg>" ] && grep -q "FIN,ACK" "$work/chart.svg"; then
    pass "wire_view -s draws the captured segments as a chart"
else
    fail "wire_view -s did not draw a whole chart"
fi

# ---- without root ------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    echo "== test-wire: not root =="
    out=$("$run" "$build" halfclose 2>&1)
    if grep -q "not root" <<<"$out" && grep -q "shutdown(fd=" <<<"$out"; then
        pass "without root: says so and shows the calls"
    else
        fail "without root: expected 'not root' and the calls, got: $out"
    fi
    echo "test-wire: FAIL: not run: the segment checks need root (network namespaces, packet sockets); run 'sudo make test-wire'"
    exit 1
fi
for tool in ip awk; do
    if ! command -v "$tool" >/dev/null; then
        echo "test-wire: FAIL: not run: install $tool (make deps DEPS_FOR=wire)"
        exit 1
    fi
done

# The path without root, as user nobody: it says so and shows the calls only.
if command -v setpriv >/dev/null; then
    out=$(TMPDIR=/tmp setpriv --reuid=65534 --regid=65534 --clear-groups "$run" "$build" halfclose 2>&1)
    if grep -q "not root" <<<"$out" && grep -q "shutdown(fd=" <<<"$out" && ! grep -q -- "------->" <<<"$out"; then
        pass "as user nobody: says it is not root and shows the calls, no segments"
    else
        fail "as user nobody: expected 'not root' and the calls only, got: $(head -n 5 <<<"$out")"
    fi
fi

# ---- 1. each mode --------------------------------------------------------------
echo "== test-wire: the segments of each mode =="
for mode in echo halfclose oob abort poll; do
    wire_run "$mode" "$mode"
    dir=$work/$mode
    if [ "$(cat "$dir/status")" -eq 0 ] && grep -q "^PASS: 0 checks failed" "$dir/out"; then
        pass "$mode: every segment TCP must send, each after its call ($(grep -c '^ok:' "$dir/out") checks)"
    else
        fail "$mode: wire_view -k failed:"
        grep -E "^FAIL|^wire:" "$dir/out" | sed 's/^/          /'
    fi
    if [ -f "$dir/capture.wire" ]; then
        deps=$(departures "$dir")
        # The handshake, as the first three departures.
        if [ "$(head -n 3 <<<"$deps" | cut -d' ' -f1,2 | tr '\n' ' ')" = \
            "client S server SA client A " ]; then
            pass "$mode: capture starts with SYN, SYN+ACK, ACK (awk)"
        else
            fail "$mode: the capture does not start with the handshake: $(head -n 3 <<<"$deps" | tr '\n' ';')"
        fi
        case $mode in
        abort)
            if grep -q '^server [A]*R' <<<"$deps" && ! grep -q '^server [^ ]*F' <<<"$deps"; then
                pass "abort: an RST from the server and no FIN (awk)"
            else
                fail "abort: expected an RST and no FIN from the server"
            fi
            ;;
        oob)
            # Distinct sequence numbers: a retransmitted copy is the same segment.
            urg=$(grep '^client [^ ]*U' <<<"$deps" | cut -d' ' -f5 | sort -u | wc -l)
            if [ "$urg" -eq 1 ]; then
                pass "oob: one URG segment from the client (awk)"
            else
                fail "oob: expected one URG segment, found $urg"
            fi
            ;;
        *)
            if grep -q '^client [^ ]*F' <<<"$deps" && grep -q '^server [^ ]*F' <<<"$deps"; then
                pass "$mode: a FIN from each side (awk)"
            else
                fail "$mode: expected a FIN from each side"
            fi
            ;;
        esac
    fi
    check_clean "$(cat "$dir/pid")" "$mode"
done

# ---- 2. delay ----------------------------------------------------------------
echo "== test-wire: DELAY=50ms =="
wire_run delay halfclose DELAY=50ms
dir=$work/delay
if [ "$(cat "$dir/status")" -eq 0 ] && grep -q "^PASS: 0 checks failed" "$dir/out"; then
    pass "delay: every check still holds"
else
    fail "delay: wire_view -k failed"
    grep -E "^FAIL|^wire:" "$dir/out" | sed 's/^/          /'
fi
short=$(grep -c 'arrives at the' "$dir/out")
early=$(grep 'arrives at the' "$dir/out" | awk '{ for (i = 1; i <= NF; i++) if ($i == "ms" && $(i-1) + 0 < 49.9) n++ } END { print n + 0 }')
if [ "$short" -gt 0 ] && [ "$early" -eq 0 ]; then
    pass "delay: $short arrivals shown, each at least 50 ms after it left"
else
    fail "delay: $short arrivals shown, $early of them earlier than 50 ms"
fi
check_clean "$(cat "$dir/pid")" "delay"

# ---- 3. loss -----------------------------------------------------------------
echo "== test-wire: LOSS=5%, seeds 1 to 6 =="
seen_re=0 seen_lost=0
for seed in 1 2 3 4 5 6; do
    wire_run "loss$seed" echo LOSS=5% SEED=$seed
    dir=$work/loss$seed
    if [ "$(cat "$dir/status")" -ne 0 ]; then
        fail "loss, seed $seed: the run failed: $(grep -E '^FAIL|^wire:' "$dir/out" | head -n 3 | tr '\n' ' ')"
    elif [ -f "$dir/capture.wire" ]; then
        read -r want_re want_lost < <(count_marks "$dir")
        got_re=$(grep -c 'RETRANSMISSION' "$dir/out")
        got_lost=$(grep -c 'LOST on the wire' "$dir/out")
        if [ "$got_re" -eq "$want_re" ] && [ "$got_lost" -eq "$want_lost" ]; then
            pass "loss, seed $seed: $want_lost lost and $want_re retransmitted, each marked"
        else
            fail "loss, seed $seed: capture has $want_re retransmissions and $want_lost lost; view marks $got_re and $got_lost"
        fi
        seen_re=$((seen_re + want_re))
        seen_lost=$((seen_lost + want_lost))
    fi
    check_clean "$(cat "$dir/pid")" "loss, seed $seed"
done
echo "  (in 6 runs: $seen_lost segments lost, $seen_re retransmitted)"

# ---- 4. two at once ----------------------------------------------------------
echo "== test-wire: two runs at once =="
wire_run twin1 echo &
wire_run twin2 halfclose &
wait
for twin in twin1 twin2; do
    if [ "$(cat "$work/$twin/status")" -eq 0 ] && grep -q "^PASS" "$work/$twin/out"; then
        pass "$twin: passed next to the other"
    else
        fail "$twin: failed next to the other: $(grep -E '^FAIL|^wire:' "$work/$twin/out" | head -n 3)"
    fi
    check_clean "$(cat "$work/$twin/pid")" "$twin"
done

# ---- 5. failure and Ctrl-C ---------------------------------------------------
echo "== test-wire: a failing run and Ctrl-C leave nothing =="
# A build whose tcp_client fails at once: the server waits in accept() for
# a client that never comes, the wire is running; all of it must go.
fake=$work/fake-build
mkdir -p "$fake/solutions/04-tcp-lifecycle" "$fake/tools/wire"
ln -s "$PWD/$build/solutions/04-tcp-lifecycle/tcp_server" "$fake/solutions/04-tcp-lifecycle/"
ln -s "$PWD/$build/tools/wire/wire_link" "$PWD/$build/tools/wire/wire_view" "$fake/tools/wire/"
printf '#!/bin/sh\necho "a client that fails" >&2\nexit 3\n' >"$fake/solutions/04-tcp-lifecycle/tcp_client"
chmod +x "$fake/solutions/04-tcp-lifecycle/tcp_client"
"$run" "$fake" echo >"$work/failing.out" 2>&1 &
pid=$!
wait "$pid"
status=$?
if [ "$status" -ne 0 ] && grep -q "tcp_client exited 3" "$work/failing.out"; then
    pass "a failing client: the run fails (exit $status) and says why"
else
    fail "a failing client: expected a failure naming exit 3, got exit $status: $(cat "$work/failing.out")"
fi
check_clean "$pid" "after a failure"

# Ctrl-C: SIGINT to the run's whole process group, as a terminal sends it,
# in the middle of a slow run (each segment 300 ms on the wire).
set -m # the run gets a process group of its own, as a terminal's job does
# env --default-signal: a test started in the background inherits SIGINT
# ignored, and a shell cannot trap a signal ignored when it started.
env --default-signal=INT DELAY=300ms "$run" "$build" halfclose >"$work/ctrl-c.out" 2>&1 &
pid=$!
set +m
for _ in $(seq 100); do # wait until the server is up on its host
    ip netns pids "ipckit-wire-$pid-server" 2>/dev/null | grep -q . && break
    sleep 0.05
done
sleep 0.3
kill -INT -- "-$pid"
wait "$pid"
status=$?
if [ "$status" -eq 130 ]; then
    pass "Ctrl-C: the run stops with status 130"
else
    fail "Ctrl-C: expected status 130, got $status: $(tail -n 3 "$work/ctrl-c.out")"
fi
check_clean "$pid" "after Ctrl-C"

if [ "$failures" -ne 0 ]; then
    echo "test-wire: FAIL: $failures check(s) failed"
    exit 1
fi
echo "test-wire: all checks passed"
