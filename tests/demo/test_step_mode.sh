#!/usr/bin/env bash
# test_step_mode.sh - IPC_STEP=1 make demo, on a real terminal (tmux).
#
# usage: tests/demo/test_step_mode.sh BUILD
#
# Starts tools/demo.sh BUILD with IPC_STEP=1 inside a detached tmux session
# of its own (a private tmux server socket, so no other session is seen or
# touched), then plays the presenter: waits for a prompt, checks it, presses
# Enter, and again, until the demo ends. Checks that
#   - every prompt names the role of the process that waits ("[server 42]");
#   - exactly one prompt waits at a time: the prompts on screen are always
#     the Enters pressed plus one, so no two processes prompt at once;
#   - the demo pauses only at narrated steps: one prompt per narration line
#     ("-- ...", but for the "... N more like these" counts), and under 60
#     presses for the whole tour;
#   - the demo ends with exit status 0, within 90 s.
# Prints PASS or FAIL lines; exit status 0 only when all passed.
# STEP_DEBUG=FILE keeps the terminal's whole text there, to see what it saw.
set -uo pipefail

build=${1:?usage: tests/demo/test_step_mode.sh BUILD}
if ! command -v tmux >/dev/null 2>&1; then
    echo "FAIL step mode: not run: install tmux (make deps DEPS_FOR=test)"
    exit 1
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
sock="ipckit-step-$$"
session=demo
tmux_() { tmux -L "$sock" "$@"; }
cleanup() { tmux_ kill-server >/dev/null 2>&1 || true; }
trap cleanup EXIT

PROMPT='press Enter to go on'
MAX_PRESSES=60
LIMIT_S=90
failed=0
fail() {
    echo "FAIL $*"
    failed=1
}

tmux_ -f /dev/null new-session -d -s "$session" -x 200 -y 50 \
    "cd '$root' && IPC_STEP=1 NO_COLOR=1 tools/demo.sh '$build'; echo DEMO-EXIT=\$?; sleep 30"
tmux_ set-option -t "$session" history-limit 20000 >/dev/null

screen() { tmux_ capture-pane -p -J -S - -t "$session"; }
count() { grep -c -- "$1" <<<"$2" || true; }

presses=0
start=$SECONDS
text=
while :; do
    # Wait until the screen settles: either the demo ended, or prompts wait.
    deadline=$((SECONDS + 10))
    while :; do
        text=$(screen)
        if grep -q 'DEMO-EXIT=' <<<"$text"; then
            break 2
        fi
        prompts=$(count "$PROMPT" "$text")
        if [ "$prompts" -gt "$presses" ]; then
            sleep 0.3 # would a second process prompt now as well?
            text=$(screen)
            prompts=$(count "$PROMPT" "$text")
            break
        fi
        if [ $SECONDS -ge $deadline ]; then
            fail "step mode: no prompt and no end within 10 s after $presses presses"
            screen | tail -n 15 | sed 's/^/    /'
            exit 1
        fi
        sleep 0.05
    done
    if [ "$prompts" -ne $((presses + 1)) ]; then
        fail "step mode: $prompts prompts on screen after $presses presses: two processes prompt at once"
        screen | grep -- "$PROMPT" | tail -n 3 | sed 's/^/    /'
        exit 1
    fi
    last=$(grep -- "$PROMPT" <<<"$text" | tail -n 1)
    if ! grep -Eq "\[[a-z]+ [0-9]+\] $PROMPT" <<<"$last"; then
        fail "step mode: the prompt does not name the waiting process's role: '$last'"
    fi
    tmux_ send-keys -t "$session" Enter
    presses=$((presses + 1))
    if [ "$presses" -gt "$MAX_PRESSES" ] || [ $((SECONDS - start)) -gt "$LIMIT_S" ]; then
        fail "step mode: still running after $presses presses and $((SECONDS - start)) s"
        exit 1
    fi
done

status=$(sed -n 's/.*DEMO-EXIT=\([0-9]*\).*/\1/p' <<<"$text" | tail -n 1)
narrated=$(grep -E '^\[\+[0-9.]+ [a-z]+ [0-9]+\] -- ' <<<"$text" | grep -vc -- '-- \.\.\. ' || true)
roles=$(grep -o -- "\[[a-z]* [0-9]*\] $PROMPT" <<<"$text" | awk '{print $1}' | tr -d '[' | sort -u | tr '\n' ' ')
[ "$status" = 0 ] || fail "step mode: the demo ended with status '$status'"
[ "$presses" -gt 0 ] || fail "step mode: the demo never paused"
if [ "$presses" -ne "$narrated" ]; then
    fail "step mode: $presses pauses for $narrated narrated steps: it must pause at those only"
fi
[ -n "${STEP_DEBUG:-}" ] && printf "%s\n" "$text" >"$STEP_DEBUG"
[ "$failed" -eq 0 ] && echo "PASS step mode: $presses pauses, one per narrated step, one prompt at a time (roles: ${roles% }), demo exit 0 in $((SECONDS - start)) s"
exit "$failed"
