# file: us_serve.c
# bug: us_serve() returns the number of clients answered, not accepted (off by one)
s/    return accepted;/    return accepted - 1;/
