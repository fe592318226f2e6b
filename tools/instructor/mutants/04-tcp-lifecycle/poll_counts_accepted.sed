# file: tcp_poll_server.c
# bug: tcp_poll_serve() returns as soon as enough clients were accepted
s/while (clients == 0 || ended < clients) {/while (clients == 0 || accepted < clients) {/
