# file: chan_pipe.c
# bug: the pipe channel keeps both ends after choose()
s/.choose = chan_stream_choose,/.choose = keep_both,/;s/^static int pipe_channel_open/static int keep_both(struct channel *ch, enum channel_side side)\n{\n    ch->side = side;\n    return 0;\n}\n\nstatic int pipe_channel_open/
