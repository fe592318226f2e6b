# file: us_serve.c
# bug: us_serve() returns one less than the connections it accepted
s/    return result == -1 ? -1 : accepted;/    return result == -1 ? -1 : accepted - 1;/
