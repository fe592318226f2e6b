# file: us_socket.c
# bug: us_listen() leaves its private directory behind on failure
s/    if (l->dir\[0\] != .\\0.)\n        trace_call("rmdir"/X/;/static void undo_listen/,/^}/{/trace_call("rmdir", rmdir(l->dir)/d;/if (l->dir\[0\] != .\\0.)/d}
