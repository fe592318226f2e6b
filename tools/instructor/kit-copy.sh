#!/usr/bin/env bash
# kit-copy.sh - copy the pristine kit (what students and graders get) to DEST.
#
# usage: tools/instructor/kit-copy.sh DEST [--hidden]
#
# Copies Makefile, README.md, .clang-format, .gitignore, common/, labs/,
# tests/, slides/ and tools/. Never copies solutions/, tools/instructor/,
# the alternative solutions (tests/alternatives/) and the mutants
# (tools/mutants/), which hold complete solution code, build output or
# node_modules. Hidden tests (tests/*/hidden_*.c) are copied
# only with --hidden (for grading), never for students.
set -euo pipefail

dest=${1:?usage: kit-copy.sh DEST [--hidden]}
with_hidden=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$dest"
cd "$top"
files=(Makefile README.md .clang-format .gitignore)
for f in "${files[@]}"; do
    [ -e "$f" ] && cp -p "$f" "$dest/"
done
for dir in common labs tests slides tools; do
    [ -d "$dir" ] || continue
    # tar keeps modes and times and lets us leave things out by pattern.
    tar -cf - --exclude='node_modules' --exclude='tools/instructor' \
        --exclude='tests/alternatives' --exclude='tools/mutants' \
        $([ "$with_hidden" = --hidden ] || echo "--exclude=hidden_*") "$dir" | tar -xf - -C "$dest"
done
