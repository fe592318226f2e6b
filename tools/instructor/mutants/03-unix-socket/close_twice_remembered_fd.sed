# file: us_socket.c
# bug: us_listener_close() remembers the last descriptor it closed and closes it again on a second call (a number that may belong to someone else by then)
s/^    if (l->fd >= 0) {$/    static int closed_last = -1;\n    if (l->fd < 0 \&\& closed_last >= 0)\n        close(closed_last);\n    if (l->fd >= 0) {\n        closed_last = l->fd;/
