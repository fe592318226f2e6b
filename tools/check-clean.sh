#!/usr/bin/env bash
# check-clean.sh - after `make test`: nothing the kit creates may be left
# behind: no /dev/shm objects, no grader temp directories, no lab processes.
# Prints what it finds, removes it, and fails so the leak gets fixed.
set -uo pipefail

dirty=0
report() {
    echo "check-clean: $*" >&2
    dirty=1
}

for f in /dev/shm/ipckit* /dev/shm/sem.ipckit*; do
    [ -e "$f" ] || continue
    report "left in /dev/shm: $f"
    rm -f "$f"
done
for d in "${TMPDIR:-/tmp}"/ipckit-*; do
    [ -e "$d" ] || continue
    report "temporary directory left behind: $d"
    rm -rf "$d"
done
# Programs and graders of this kit still running after the tests ended: an
# orphan has been re-parented to init (ppid 1).
for pid in $(pgrep -P 1 -f 'build/(plain|san-[a-z-]+)/' 2>/dev/null); do
    report "process still running: $(ps -o pid=,args= -p "$pid")"
    kill -KILL "$pid" 2>/dev/null
done

if [ "$dirty" -ne 0 ]; then
    echo "check-clean: the run above leaked resources (cleaned up now)" >&2
    exit 1
fi
echo "check-clean: no shm objects, temporary directories or processes left behind"
