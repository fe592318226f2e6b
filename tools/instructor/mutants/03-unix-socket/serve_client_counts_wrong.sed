# file: us_serve.c
# bug: us_serve_client() counts one answer too many
s/        answered++;/        answered += 2;/
