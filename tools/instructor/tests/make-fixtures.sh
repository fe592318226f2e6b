#!/usr/bin/env bash
# make-fixtures.sh - build the fixture submissions for the batch-grading test.
#
# usage: tools/instructor/tests/make-fixtures.sh KIT_TOP OUT_DIR
#
# Every fixture is made from the lab 02 reference solution, changed in one
# known way, so the right score of each is known in advance:
#   correct     the reference, as a folder (with lab 01's reference too, so
#               its ThreadSanitizer run is graded in batch as well)
#   skeleton    an empty submission (the pristine skeletons are graded)
#   fails_some  pipe_write_all() without its loop, as a .tar.gz
#   crashes     pipe_write_all() dereferences NULL, as a .zip
#   hangs       pipe_fifo_receive() opens the FIFO read-write (a common
#               trick that never blocks), so it never sees end of file and
#               waits forever for the rest of its buffer
#   leaks       pipe_send_to_child() leaks an fd and a /dev/shm object
#   edits_test  the reference plus a rewritten test file (which must be ignored)
set -euo pipefail

top=${1:?usage: make-fixtures.sh KIT_TOP OUT_DIR}
out=${2:?usage: make-fixtures.sh KIT_TOP OUT_DIR}
reference="$top/solutions/02-pipe/pipe_lab.c"
mkdir -p "$out"

# fixture NAME: a folder with labs/02-pipe/pipe_lab.c copied from the reference
fixture() {
    mkdir -p "$out/$1/labs/02-pipe"
    cp "$reference" "$out/$1/labs/02-pipe/pipe_lab.c"
}
# mutate NAME 'sed expression' [file]: change the fixture's copy, and prove it changed
mutate() {
    local file="$out/$1/labs/02-pipe/pipe_lab.c"
    sed -i "$2" "$file"
    if cmp -s "$file" "$reference"; then
        echo "make-fixtures: the mutation of $1 changed nothing: $2" >&2
        exit 1
    fi
}

fixture correct
mkdir -p "$out/correct/labs/01-shm-ring"
cp "$top"/solutions/01-shm-ring/*.c "$out/correct/labs/01-shm-ring/"
mkdir -p "$out/skeleton"

fixture fails_some
mutate fails_some 's|p += n; /\* a short write|return n; /* (no loop) a short write|'
tar -czf "$out/fails_some.tar.gz" -C "$out" fails_some && rm -rf "$out/fails_some"

fixture crashes
mutate crashes 's|^    const char \*p = buf;$|    const char *p = buf;\n    *(volatile int *)0 = 0;|'
(cd "$out/crashes" && zip -qr ../crashes.zip .) && rm -rf "$out/crashes"

fixture hangs
mutate hangs 's|int fd = open_fifo(path, O_RDONLY); /\* blocks until a writer opens \*/|int fd = open_fifo(path, O_RDWR);|'

fixture leaks
mutate leaks 's|^    close_traced(fds\[0\]); /\* the parent only writes \*/$|    /* forgot to close the read end */|'
mutate leaks 's|^#include "trace.h"$|#include "trace.h"\n#include "names.h"\n#include <sys/mman.h>|'
mutate leaks 's|^    ssize_t sent = write_all_traced(fds\[1\], data, len);$|    char leaked_name[64];\n    names_shm(leaked_name, sizeof leaked_name, "leak");\n    shm_open(leaked_name, O_CREAT \| O_RDWR, 0600);\n    ssize_t sent = write_all_traced(fds[1], data, len);|'

fixture edits_test
mkdir -p "$out/edits_test/tests/02-pipe"
echo "/* every test passes now */" >"$out/edits_test/tests/02-pipe/test_pipe.c"
