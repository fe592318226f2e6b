#!/usr/bin/env bash
# demo.sh - the kit's tour: each lab's reference program, traced, in lab
# order, ending with the quick comparison table. Called by `make demo`.
#
# usage: tools/demo.sh BUILD_DIR
#
# Runs with or without a terminal. IPC_STEP=1 pauses after every traced
# call (on a terminal only); IPC_TRACE=off hides the trace. Exit status is
# 0 only when every step of the tour worked.
set -uo pipefail

build=${1:?usage: tools/demo.sh BUILD_DIR}
sol="$build/solutions"
export IPC_TRACE=${IPC_TRACE:-text}

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    bold=$'\033[1m' reset=$'\033[0m'
else
    bold= reset=
fi

# One line per stop of the tour: lab folder, program, arguments, what it shows.
stops=(
    "01-shm-ring|shm_demo|-n 2000|shared memory: a ring buffer between two processes"
    "02-pipe|pipe_demo||message passing: pipes, EOF, deadlock-free exchange, EPIPE, FIFOs"
    "03-unix-socket|us_demo||message passing: UNIX domain sockets, framing, credentials, fd passing"
    "04-tcp-lifecycle|tcp_demo||message passing: the TCP socket lifecycle, step by step"
)

failed=0
shown=0
for stop in "${stops[@]}"; do
    IFS='|' read -r lab prog args what <<<"$stop"
    bin="$sol/$lab/$prog"
    if [ ! -x "$bin" ]; then
        continue # this lab is not in the kit yet
    fi
    shown=$((shown + 1))
    echo
    echo "${bold}== lab $lab: $what ==${reset}"
    echo "\$ $prog $args"
    # shellcheck disable=SC2086  # args is a word list on purpose
    if ! "$bin" $args; then
        echo "demo: $prog failed (exit status $?)" >&2
        failed=1
    fi
done

if [ -x "$sol/05-compare/bench" ]; then
    echo
    echo "${bold}== lab 05-compare: shared memory vs message passing, measured ==${reset}"
    if ! IPC_TRACE=off "$sol/05-compare/bench" --quick -o build/bench; then
        echo "demo: the comparison failed" >&2
        failed=1
    else
        if command -v gnuplot >/dev/null 2>&1 && gnuplot -e "dir='build/bench'" labs/05-compare/plots.gp; then
            echo "plots: build/bench/throughput.svg, rtt.svg, cpu.svg"
        else
            echo "plots: install gnuplot (make deps DEPS_FOR=bench) or run make bench"
        fi
    fi
fi

if [ "$shown" -eq 0 ]; then
    echo "demo: no lab programs were built under $sol" >&2
    exit 1
fi
echo
[ "$failed" -eq 0 ] && echo "${bold}demo: the tour is complete${reset}"
exit "$failed"
