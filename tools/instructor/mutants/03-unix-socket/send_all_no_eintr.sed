# file: us_frame.c
# bug: us_send_all() fails on EINTR
/continue; \/\* interrupted before anything moved/d
