# file: us_fdpass.c
# bug: us_send_fd() fails when sendmsg() is interrupted
s/    } while (n == -1 \&\& errno == EINTR);\n    trace_call("sendmsg"/XX/;/n = sendmsg(sock/{n;s/ \&\& errno == EINTR/ \&\& 0/}
