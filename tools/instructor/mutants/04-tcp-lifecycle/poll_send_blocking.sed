# file: tcp_poll_server.c
# base: tools/instructor/alternatives/04-tcp-lifecycle/tcp_poll_server.c
# bug: the poll server (echoing at once, in the alternative's design) sends without MSG_DONTWAIT
s/MSG_DONTWAIT | MSG_NOSIGNAL/MSG_NOSIGNAL/
