#!/usr/bin/env bash
# check_links.sh - the handout's links into the code still point at the
# right lines.
#
# usage: tests/windows/check_links.sh HANDOUT.md
#
# A link such as [`define SD_SEND`](../../common/sock_compat.h#L51) names the
# code it points at: line 51 of that file must contain "define SD_SEND".
# Code moves when it is edited; this says which link to update, and where
# the text went.
set -euo pipefail
handout=${1:?usage: check_links.sh HANDOUT.md}
dir=$(dirname "$handout")
bad=0 count=0
while IFS=$'\t' read -r snippet target line; do
    count=$((count + 1))
    file="$dir/$target"
    if [ ! -f "$file" ]; then
        echo "check-links: $handout links to $target, which does not exist" >&2
        bad=$((bad + 1))
        continue
    fi
    if ! sed -n "${line}p" "$file" | grep -qF -- "$snippet"; then
        now=$(grep -nF -- "$snippet" "$file" | head -n 1 | cut -d: -f1)
        echo "check-links: $target line $line no longer holds \"$snippet\"${now:+ (it is on line $now now)}" >&2
        bad=$((bad + 1))
    fi
done < <(grep -o '\[`[^`]*`\]([^)#]*#L[0-9]*)' "$handout" |
    sed 's/^\[`\(.*\)`\](\([^)#]*\)#L\([0-9]*\))$/\1\t\2\t\3/')
if [ "$count" -eq 0 ]; then
    echo "check-links: no links into the code found in $handout" >&2
    exit 1
fi
if [ "$bad" -ne 0 ]; then
    exit 1
fi
echo "check-links: $count links from $handout into the code point at their lines"
