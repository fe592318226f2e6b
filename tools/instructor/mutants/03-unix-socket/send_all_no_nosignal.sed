# file: us_frame.c
# bug: us_send_all() sends without MSG_NOSIGNAL (SIGPIPE kills the server)
s/send(fd, p, left, MSG_NOSIGNAL)/send(fd, p, left, 0)/
