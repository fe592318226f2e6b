# file: tcp_setup.c
# bug: tcp_connect() fails when poll() is interrupted
/static int finish_connect/,/^}/{s/} while (ready == -1 \&\& errno == EINTR);/} while (0);/}
