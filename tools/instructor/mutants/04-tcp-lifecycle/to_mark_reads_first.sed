# file: tcp_data.c
# bug: tcp_recv_to_mark() reads before it checks the mark (takes data past it)
s/int at_mark = sockatmark(fd);/int at_mark = got == 0 ? 0 : sockatmark(fd);/
