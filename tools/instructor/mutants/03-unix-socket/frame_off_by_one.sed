# file: us_frame.c
# bug: us_recv_frame() refuses a frame of exactly cap bytes
s/announced > US_MAX_MESSAGE || announced > cap/announced > US_MAX_MESSAGE || announced >= cap/
