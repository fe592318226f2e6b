#!/usr/bin/env bash
# dist-student.sh - build the student tarball, and prove it works.
#
# usage: tools/instructor/dist-student.sh OUT_DIR [--keep DIR]
#
# Writes OUT_DIR/ipc-kit-student.tar.gz: the kit as kit-copy.sh copies it
# (the tree without solutions/ and tools/instructor/), plus a GitHub
# Classroom workflow in .github/workflows/ and the student's README.md
# (student-readme.sh: the kit's README without its instructor-only parts).
# Then unpacks it in a temporary directory and runs `make grade`
# there: everything must build, and the untouched skeleton must be graded
# (every test failing with "not implemented yet"). --keep DIR leaves that
# unpacked, built and graded kit in DIR (the kit's tests go on from there).
set -euo pipefail

out=${1:?usage: dist-student.sh OUT_DIR [--keep DIR]}
keep=
[ "${2:-}" = --keep ] && keep=${3:?usage: dist-student.sh OUT_DIR [--keep DIR]}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-dist-XXXXXX")
trap 'rm -rf "$stage"' EXIT

"$top/tools/instructor/kit-copy.sh" "$stage/ipc-kit"
# The student's README: the kit's own, without the instructor's parts.
"$top/tools/instructor/student-readme.sh" "$top/README.md" >"$stage/ipc-kit/README.md"
mkdir -p "$stage/ipc-kit/.github/workflows"
"$top/tools/instructor/classroom.sh" "$top" >"$stage/ipc-kit/.github/workflows/classroom.yml"
tar -czf "$out/ipc-kit-student.tar.gz" -C "$stage" ipc-kit
echo "dist-student: wrote $out/ipc-kit-student.tar.gz"

# Verify: a student unpacks it and grades the skeleton.
check=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-distcheck-XXXXXX")
trap 'rm -rf "$stage" "$check"' EXIT
tar -xzf "$out/ipc-kit-student.tar.gz" -C "$check"
if [ -e "$check/ipc-kit/solutions" ] || [ -e "$check/ipc-kit/tools/instructor" ]; then
    echo "dist-student: the tarball contains solutions/ or tools/instructor/" >&2
    exit 1
fi
if ! make -C "$check/ipc-kit" --no-print-directory -j2 grade GRADE_EXPECT=skeleton >"$check/grade.log" 2>&1; then
    tail -30 "$check/grade.log" >&2
    echo "dist-student: grading the skeleton in the unpacked tarball failed" >&2
    exit 1
fi
grep '^TOTAL' "$check/grade.log"
echo "dist-student: verified: the tarball builds and grades the skeleton"
if [ -n "$keep" ]; then
    rm -rf "$keep"
    mkdir -p "$(dirname "$keep")"
    mv "$check/ipc-kit" "$keep"
fi
