#!/usr/bin/env bash
# test-stages.sh - run the parts of `make test` side by side, JOBS at a time.
#
# usage: tools/test-stages.sh JOBS LOG_DIR STAGE...
#
# Each STAGE is a make target (test-judge, test-tsan, ...), run as
# `make DEPS_DONE=1 STAGE` with its whole output in LOG_DIR/STAGE.log, so
# parallel stages never interleave their lines. Stages are started in the
# order given (put the longest first: the run ends when the last one does).
#
# Many parts mostly wait (a server's timeout, a client that says nothing, a
# grader's time limit), so JOBS may exceed the number of cores; every part
# is written to pass on a loaded machine, and this is where it proves it.
#
# Prints a line when a stage starts and ends (with its time), every minute
# the stages still running, and for a failed stage the end of its log.
# Ctrl-C stops every stage (each runs in a process group of its own).
# Exits 0 when every stage passed, 1 otherwise.
set -uo pipefail

jobs=${1:?usage: test-stages.sh JOBS LOG_DIR STAGE...}
logs=${2:?usage: test-stages.sh JOBS LOG_DIR STAGE...}
shift 2
[ $# -gt 0 ] || { echo "usage: test-stages.sh JOBS LOG_DIR STAGE..." >&2; exit 2; }
mkdir -p "$logs"
# `wait -n -p` (which job ended?) came with bash 5.1; older shells run the parts one at a time.
if ((BASH_VERSINFO[0] < 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] < 1))); then
    echo "test-stages: bash $BASH_VERSION cannot tell which part ended (5.1 can): one part at a time"
    jobs=1
fi

declare -A pid_of=() started=() result=()
ticker=
order=("$@")
failed=0

stop_all() {
    local stage
    for stage in "${!pid_of[@]}"; do
        kill -TERM -- "-${pid_of[$stage]}" 2>/dev/null
    done
    [ -n "$ticker" ] && kill "$ticker" 2>/dev/null
    echo "test-stages: interrupted; stopped: ${!pid_of[*]}" >&2
    exit 130
}
trap stop_all INT TERM
# However this script ends, no stage outlives it.
trap 'for p in "${pid_of[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done; [ -n "$ticker" ] && kill "$ticker" 2>/dev/null' EXIT

start() { # start STAGE: in a process group of its own (setsid), so it can be stopped whole
    local stage=$1
    # `times` (a shell builtin) gives the CPU time the stage used, children included.
    setsid bash -c 'make --no-print-directory DEPS_DONE=1 "$1"; status=$?; times >"$2"; exit $status' \
        stage "$stage" "$logs/$stage.cpu" >"$logs/$stage.log" 2>&1 </dev/null &
    pid_of[$stage]=$!
    started[$stage]=$SECONDS
    echo "  start $stage"
}

cpu_seconds() { # cpu_seconds FILE: user + system time of the children, from `times`
    awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } }
         END { printf "%.0f", s }' "$1" 2>/dev/null
}

finish() { # finish PID STATUS: report the stage that ended
    local pid=$1 status=$2 stage seconds cpu
    for stage in "${!pid_of[@]}"; do
        [ "${pid_of[$stage]}" = "$pid" ] || continue
        unset "pid_of[$stage]"
        seconds=$((SECONDS - started[$stage]))
        cpu=$(cpu_seconds "$logs/$stage.cpu")
        if [ "$status" -eq 0 ]; then
            result[$stage]="ok     $(printf '%4d' "$seconds") s   CPU ${cpu:-?} s"
            echo "  ok    $stage ($seconds s)"
        else
            result[$stage]="FAILED $(printf '%4d' "$seconds") s   CPU ${cpu:-?} s, exit $status"
            failed=$((failed + 1))
            echo "  FAIL  $stage ($seconds s, exit $status): the end of $logs/$stage.log:"
            tail -40 "$logs/$stage.log" | sed 's/^/        /'
        fi
    done
}

report_running() {
    local running="" stage
    for stage in "${!pid_of[@]}"; do
        running+=" $stage ($((SECONDS - started[$stage])) s)"
    done
    echo "  ... still running:$running"
}
trap report_running USR1
# A ticker asks for that report every minute (wait returns early on a signal).
(while sleep 60; do kill -USR1 $$ 2>/dev/null || exit 0; done) &
ticker=$!

wait_for_one() {
    local ended="" status pid
    if [ "$jobs" -eq 1 ]; then
        pid=${pid_of[*]}
        wait "$pid"
        status=$?
        kill -0 "$pid" 2>/dev/null || ended=$pid # still there: the ticker's signal
    else
        wait -n -p ended "${pid_of[@]}"
        status=$?
    fi
    [ -n "${ended:-}" ] && finish "$ended" "$status" # else: the ticker's signal
}

begin=$SECONDS
for next in "${order[@]}"; do
    while [ "${#pid_of[@]}" -ge "$jobs" ]; do
        wait_for_one
    done
    start "$next"
done
while [ "${#pid_of[@]}" -gt 0 ]; do
    wait_for_one
done
kill "$ticker" 2>/dev/null

echo
echo "== test stages ($jobs at a time, $((SECONDS - begin)) s in all; logs in $logs/) =="
total_cpu=0
for next in "${order[@]}"; do
    printf '  %-20s %s\n' "$next" "${result[$next]:-not run}"
    total_cpu=$((total_cpu + $(cpu_seconds "$logs/$next.cpu" || echo 0)))
done
echo "  CPU time of all parts: $total_cpu s, on $(nproc) cores"
[ "$failed" -eq 0 ]
