# file: tcp_data.c
# bug: tcp_recv_to_mark() reads without asking sockatmark()
s/        if (at_mark == 1)\n            break;//;/if (at_mark == 1)/{N;d}
