#!/usr/bin/env bash
# kit-copy.sh - copy the pristine kit (what students and graders get) to DEST.
#
# usage: tools/instructor/kit-copy.sh DEST [--hidden]
#
# The student kit is this tree minus two folders: solutions/ (the reference)
# and tools/instructor/ (everything only the instructor has: this tooling,
# its tests, the hidden tests, the alternative solutions, the mutants). Left
# out too is what is no part of the kit's content: build output (build/,
# node_modules/), the repository (.git/) and its CI (.ci/, and a .github/
# should it get one: they run make test; the student kit gets a CI of its
# own, dist-student.sh's Classroom workflow).
# --hidden (a grading kit: Gradescope, grade-batch) adds back the hidden
# tests, tools/instructor/hidden/, and nothing else of tools/instructor/.
set -euo pipefail

dest=${1:?usage: kit-copy.sh DEST [--hidden]}
with_hidden=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$dest"
cd "$top"
shopt -s dotglob nullglob
entries=()
for entry in *; do
    case "$entry" in .git | .ci | .github | build | solutions) continue ;; esac
    entries+=("$entry")
done
# tar keeps modes and times. tools/instructor is a path from the top
# (--anchored): no other folder that shares a part of its name is left out.
tar -cf - --exclude=node_modules --anchored --exclude=tools/instructor "${entries[@]}" | tar -xf - -C "$dest"
if [ "$with_hidden" = --hidden ] && [ -d tools/instructor/hidden ]; then
    tar -cf - tools/instructor/hidden | tar -xf - -C "$dest"
fi
