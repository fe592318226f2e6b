# file: tcp_teardown.c
# bug: tcp_abort() closes without SO_LINGER {1, 0} (FIN, not RST)
s/struct linger linger = {.l_onoff = 1, .l_linger = 0};/struct linger linger = {.l_onoff = 0, .l_linger = 0};/
