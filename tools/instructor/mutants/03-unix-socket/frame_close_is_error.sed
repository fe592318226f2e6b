# file: us_frame.c
# bug: us_recv_frame() reports a clean close between frames as an error
s/        return (int)trace_call("recv_frame", 0, "fd=%d (the peer closed between frames)", fd);/        return (int)trace_call("recv_frame", -1, "fd=%d (the peer closed between frames)", fd);/
