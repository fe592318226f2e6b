# file: us_serve.c
# bug: us_serve_client() echoes without upper-casing
s/buf\[i\] = (char)toupper((unsigned char)buf\[i\]);/(void)i;/
