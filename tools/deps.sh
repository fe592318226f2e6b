#!/usr/bin/env bash
# deps.sh - check that the tools ipc-kit needs are installed; as root,
# install what is missing with apt-get, otherwise print the exact command.
#
# usage: tools/deps.sh [build|test|bench|slides]   (default: build)
#   build   gcc, make, pkg-config, Check      (make demo, make grade)
#   test    build + clang-format, cppcheck, zip, unzip, iproute2, nc, socat,
#           npm, gnuplot                       (make test)
#   bench   build + gnuplot                    (make bench)
#   slides  npm                                (make deps-slides, make slides)
#   instructor  build + zip, unzip, iproute2   (dist-student, gradescope, grade-batch)
#   wire    build + iproute2 (ip netns, tc netem)   (make wire, make test-wire)
set -euo pipefail

purpose=${1:-build}
missing=()

need_cmd() { # need_cmd COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}

need_cmd gcc gcc
need_cmd make make
need_cmd pkg-config pkg-config
if ! pkg-config --exists check 2>/dev/null; then
    missing+=(check)
fi
case "$purpose" in
build) ;;
test)
    need_cmd clang-format clang-format
    need_cmd cppcheck cppcheck
    need_cmd zip zip
    need_cmd unzip unzip
    need_cmd ip iproute2
    need_cmd tc iproute2 # make test-wire: netem delay and loss
    need_cmd nc netcat-openbsd # lab 04 talks to standard client tools
    need_cmd socat socat
    need_cmd npm npm # the slides are built with Marp CLI (slides/package-lock.json)
    need_cmd gnuplot gnuplot-nox
    ;;
instructor)
    need_cmd zip zip
    need_cmd unzip unzip
    need_cmd ip iproute2
    ;;
wire)
    need_cmd ip iproute2 # ip netns, veth and tc (netem) for make wire
    need_cmd tc iproute2
    ;;
bench) need_cmd gnuplot gnuplot-nox ;;
slides) need_cmd npm npm ;;
*)
    echo "deps.sh: unknown purpose '$purpose' (use build, test, bench, slides, instructor or wire)" >&2
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
