# file: tcp_teardown.c
# bug: tcp_describe_error() prints strerror() without the errno's name
s/return snprintf(buf, size, "%s: %s (%s)\\n  hint: %s", what, errno_name(err), strerror(err),/return snprintf(buf, size, "%s: %s (%s)\\n  hint: %s", what, strerror(err), strerror(err),/
