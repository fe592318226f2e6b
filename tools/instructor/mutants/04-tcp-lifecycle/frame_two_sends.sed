# file: tcp_data.c
# bug: tcp_send_frame() sends header and body in two sends
s/    ssize_t sent = tcp_send_all(fd, frame, 4 + len);/    ssize_t sent = tcp_send_all(fd, frame, 4);\n    if (sent != -1)\n        sent = tcp_send_all(fd, frame + 4, len);/
