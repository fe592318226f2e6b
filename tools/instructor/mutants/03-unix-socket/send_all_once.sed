# file: us_frame.c
# bug: us_send_all() sends once and ignores a short send
s/left -= (size_t)n;/left = 0;/
