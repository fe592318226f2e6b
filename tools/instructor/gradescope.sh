#!/usr/bin/env bash
# gradescope.sh - build the Gradescope autograder zip.
#
# usage: tools/instructor/gradescope.sh OUT_ZIP [LAB]
#
# The zip holds setup.sh and run_autograder at its top (as Gradescope
# expects), overlay.sh, the pristine kit with the hidden tests (kit-copy.sh
# --hidden: the student kit plus tools/instructor/hidden/; never the
# solutions, never the rest of tools/instructor/), and points/, each lab's test list for scoring labs that do
# not compile. With LAB (NN), the autograder grades that lab alone (one
# Gradescope assignment per lab): the zip's file `lab` says which, and
# points/ holds its tables only.
set -euo pipefail

zip_path=${1:?usage: gradescope.sh OUT_ZIP [LAB]}
lab=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$(dirname "$zip_path")"
zip_path=$(cd "$(dirname "$zip_path")" && pwd)/$(basename "$zip_path")
stage=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-gszip-XXXXXX")
trap 'rm -rf "$stage"' EXIT

cp "$top"/tools/instructor/gradescope/{setup.sh,run_autograder} "$stage/"
cp "$top/tools/instructor/overlay.sh" "$stage/"
"$top/tools/instructor/kit-copy.sh" "$stage/kit" --hidden
if [ -n "$lab" ]; then
    if ! ls -d "$stage/kit/labs/${lab%%-*}-"* >/dev/null 2>&1; then
        echo "gradescope: there is no lab '$lab'. The labs are:" >&2
        ls "$stage/kit/labs" | sed 's/^/    /' >&2
        exit 2
    fi
    echo "${lab%%-*}" >"$stage/lab"
fi
# The tables come from the tests, the same in the kit and in its copy: list
# them from the kit's own build (up to date after make), not a new one.
"$top/tools/instructor/points.sh" "$top" "$stage/points" "$lab"
rm -f "$zip_path"
(cd "$stage" && zip -qr "$zip_path" .)
echo "gradescope: wrote $zip_path${lab:+ (lab ${lab%%-*} only)}"
