# file: rtt.c
# bug: rtt_measure() starts the clock after the send
s/        uint64_t start = clock_now_ns();\n//;/uint64_t start = clock_now_ns();/d;s/        size_t len;/        uint64_t start = clock_now_ns();\n        size_t len;/
