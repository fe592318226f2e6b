# file: us_serve.c
# bug: us_serve() never closes the accepted connection
s/int rc = close(conn); \/\* every path/int rc = 0; \/* every path/
