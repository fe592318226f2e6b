#!/usr/bin/env bash
# overlay.sh - put a student's lab files on top of a pristine kit copy.
#
# usage: tools/instructor/overlay.sh SUBMISSION_DIR KIT_DIR NOTES_FILE
#
# Only the files named in each lab's manifest (labs/NN-name/MANIFEST in the
# pristine KIT_DIR) are taken from the submission. They are looked for at
# labs/NN-name/FILE, then NN-name/FILE, then FILE at the top of the
# submission (Gradescope uploads are often flat). Every other file of the
# submission that also exists in the kit but differs from it is reported as
# a modified protected file: it is ignored, the pristine copy is used.
# Symbolic links, and files reached through them, are never taken.
# NOTES_FILE receives one line per finding.
set -euo pipefail

submission=${1:?usage: overlay.sh SUBMISSION_DIR KIT_DIR NOTES_FILE}
kit=${2:?usage: overlay.sh SUBMISSION_DIR KIT_DIR NOTES_FILE}
notes=${3:?usage: overlay.sh SUBMISSION_DIR KIT_DIR NOTES_FILE}
: >"$notes"
submission_real=$(realpath "$submission")

declare -A editable=()
for manifest in "$kit"/labs/*/MANIFEST; do
    [ -f "$manifest" ] || continue
    lab=$(basename "$(dirname "$manifest")")
    while read -r file; do
        case "$file" in '' | '#'*) continue ;; esac
        editable["labs/$lab/$file"]=1
        found=
        for candidate in "$submission/labs/$lab/$file" "$submission/$lab/$file" "$submission/$file"; do
            [ -e "$candidate" ] || [ -L "$candidate" ] || continue
            # Only a regular file that really lies inside the submission: a symbolic
            # link (to a hidden test, to /etc/shadow...) would be copied as root.
            case "$(realpath -m "$candidate")" in
            "$submission_real"/*) ;;
            *) echo "ignored ${candidate#"$submission"/}: it leads outside the submission (a symbolic link?)" >>"$notes"; continue ;;
            esac
            if [ -L "$candidate" ] || [ ! -f "$candidate" ]; then
                echo "ignored ${candidate#"$submission"/}: not a regular file (a symbolic link?)" >>"$notes"
                continue
            fi
            found=$candidate
            break
        done
        if [ -n "$found" ]; then
            cp "$found" "$kit/labs/$lab/$file"
        fi
    done <"$manifest"
done

# Protected files: anything else the submission changed.
(cd "$submission" && find . -type f -not -path './.git/*' -printf '%P\n') | sort | while read -r rel; do
    [ -n "${editable[$rel]:-}" ] && continue
    if [ -f "$kit/$rel" ] && ! cmp -s "$submission/$rel" "$kit/$rel"; then
        echo "modified protected file $rel (ignored; the pristine copy was used)" >>"$notes"
    fi
done
