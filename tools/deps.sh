#!/usr/bin/env bash
# deps.sh - check that the tools ipc-kit needs are installed; as root,
# install what is missing with apt-get, otherwise print the exact command.
#
# usage: tools/deps.sh [build|grade|test|bench|slides|instructor|windows]   (default: build)
#   build   gcc, make, pkg-config, Check, nc, socat   (make demo)
#   grade   build + binutils                   (make grade: the integrity check
#           reads objects with nm/readelf; lab 04 talks to nc and socat)
#   test    grade + clang-format, cppcheck, zip, unzip, iproute2,
#           npm, chromium, gnuplot, tmux, python3, MinGW-w64, wine  (make test)
#   bench   build + gnuplot                    (make bench)
#   slides  npm                                (make deps-slides, make slides)
#   instructor  build + zip, unzip, iproute2   (dist-student, gradescope, grade-batch)
#   windows build + MinGW-w64 and Wine          (make windows, make test-windows)
#   wire    build + iproute2 (ip netns, veth)   (make wire, make test-wire)
#   live    build + libmicrohttpd              (make live, make demo LIVE=1)
set -euo pipefail

purpose=${1:-build}
missing=()

need_cmd() { # need_cmd COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}

# Lab 04 cross-built for Windows (MinGW-w64), run under Wine against the Linux build.
need_windows() {
    need_cmd x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
    need_cmd wine wine
    # Debian's wine64 puts its loader beside the wine launcher, not on PATH.
    if ! command -v wine64 >/dev/null 2>&1 && [ ! -x /usr/lib/wine/wine64 ]; then
        missing+=(wine64)
    fi
}

need_cmd gcc gcc
need_cmd make make
need_cmd pkg-config pkg-config
if ! pkg-config --exists check 2>/dev/null; then
    missing+=(check)
fi
# The live view's server speaks HTTP through libmicrohttpd (tools/live/live.c).
need_live() {
    if ! pkg-config --exists libmicrohttpd 2>/dev/null; then
        missing+=(libmicrohttpd-dev)
    fi
}
need_grade_tools() {
    need_cmd nm binutils
    need_cmd readelf binutils
    need_cmd nc netcat-openbsd # lab 04's grade checks the server against standard client tools
    need_cmd socat socat
}
case "$purpose" in
build)
    need_cmd nc netcat-openbsd # the demo and lab 04's programs talk to standard tools
    need_cmd socat socat
    ;;
grade) need_grade_tools ;;
test)
    need_grade_tools
    need_cmd clang-format clang-format
    need_cmd cppcheck cppcheck
    need_cmd zip zip
    need_cmd unzip unzip
    need_cmd ip iproute2
    need_cmd npm npm # the slides are built with Marp CLI (slides/package-lock.json)
    # A real browser lays the slides out, so make test-slides checks them with no skip.
    need_cmd chromium chromium
    need_cmd gnuplot gnuplot-nox
    need_cmd tmux tmux       # the step-mode test drives a real terminal
    need_cmd python3 python3 # the trace stress and hostile-client tests
    need_windows # make test-windows: lab 04 cross-built and run under Wine
    need_live    # make test-live: the live view, read by headless Chromium
    ;;
instructor)
    need_grade_tools
    need_cmd zip zip
    need_cmd unzip unzip
    need_cmd ip iproute2
    ;;
windows) need_windows ;;
wire) need_cmd ip iproute2 ;; # ip netns and veth cables for make wire
live) need_live ;;
bench) need_cmd gnuplot gnuplot-nox ;;
slides) need_cmd npm npm ;;
*)
    echo "deps.sh: unknown purpose '$purpose' (use build, grade, test, bench, slides, instructor, windows, wire or live)" >&2
    exit 2
    ;;
esac

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

# The same package can be named twice (e.g. pkg-config); install each once.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "ipc-kit: missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "ipc-kit: run this, then try again:"
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ipc-kit: no apt-get here; install these with your package manager: ${missing[*]}" >&2
    exit 1
fi
echo "ipc-kit: installing them with apt-get (running as root)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
