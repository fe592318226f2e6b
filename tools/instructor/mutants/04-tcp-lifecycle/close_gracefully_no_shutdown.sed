# file: tcp_teardown.c
# bug: tcp_close_gracefully() closes without shutdown()
s/    if (tcp_shutdown_write(fd) == -1)/    if (0)/
