# file: chan_pipe.c
# bug: the pipe channel never records max_msg
s/    ch->max_msg = max_msg;/    (void)max_msg;/
