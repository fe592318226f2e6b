# shellcheck shell=bash
# work-dir.sh - sourced by the scripts that run one server in the background
# beside a private work folder (tools/live/run_live.sh,
# tools/trace-chart/run_demo.sh), so that each cleans up the same way.
#
#   make_work_dir NAME   sets $work to a new private folder under $TMPDIR (or
#                        /tmp), named ipckit-NAME-XXXXXX. On every way out
#                        (the end, an error, Ctrl-C) the server whose pid is
#                        in $server_pid is stopped, and $work is removed.
#
# Set server_pid=$! right after starting the server, and empty it once the
# script has waited for the server itself. Only that pid is ever signalled.

server_pid=
work=

stop_server_and_remove_work() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -n "$work" ]; then rm -rf "$work"; fi
}

make_work_dir() { # make_work_dir NAME
    work=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-$1-XXXXXX") || exit 1
    trap stop_server_and_remove_work EXIT
    trap 'exit 130' INT TERM
}
