#!/usr/bin/env bash
# check-clean.sh - after `make test`: nothing THIS run made may be left behind.
#
# usage: tools/check-clean.sh RUN_TMPDIR RUN_PREFIX BUILD_ROOT
#   RUN_TMPDIR  the private temporary folder of this run (make test sets
#               TMPDIR to it): it must be empty at the end
#   RUN_PREFIX  the name prefix of this run's IPC objects ($IPC_KIT_PREFIX):
#               no /dev/shm object may carry it
#   BUILD_ROOT  this checkout's build/ folder: no process may still run a
#               program from it
# Other graders and other `make test` runs on the machine are never
# touched and never counted: each has its own folder, prefix and build.
# Prints what it finds, removes it, and fails so the leak gets fixed.
set -uo pipefail

run_tmp=${1:?usage: check-clean.sh RUN_TMPDIR RUN_PREFIX BUILD_ROOT}
prefix=${2:?usage: check-clean.sh RUN_TMPDIR RUN_PREFIX BUILD_ROOT}
build_root=$(cd "${3:?usage: check-clean.sh RUN_TMPDIR RUN_PREFIX BUILD_ROOT}" && pwd -P)

dirty=0
report() {
    echo "check-clean: $*" >&2
    dirty=1
}

for f in /dev/shm/"$prefix"* /dev/shm/sem."$prefix"*; do
    [ -e "$f" ] || continue
    report "left in /dev/shm: $f"
    rm -f "$f"
done
for d in "$run_tmp"/* "$run_tmp"/.[!.]*; do
    [ -e "$d" ] || continue
    report "left in this run's temporary folder: $d"
    rm -rf "$d"
done
# Programs of this checkout still running after the tests ended.
for exe in /proc/[0-9]*/exe; do
    target=$(readlink "$exe" 2>/dev/null) || continue
    case "$target" in "$build_root"/*) ;; *) continue ;; esac
    pid=${exe#/proc/}
    pid=${pid%/exe}
    [ "$pid" = "$$" ] && continue
    report "process still running: $(ps -o pid=,args= -p "$pid")"
    kill -KILL "$pid" 2>/dev/null
done

if [ "$dirty" -ne 0 ]; then
    echo "check-clean: the run above leaked resources (cleaned up now)" >&2
    exit 1
fi
echo "check-clean: this run left no shm objects, temporary files or processes behind"
