# file: tcp_data.c
# bug: tcp_recv_frame() reports a header cut short as a clean end
s/    if (got < (ssize_t)sizeof header) {/    if (got < (ssize_t)sizeof header) {\n        return 0;\n    }\n    if (0) {/
