# file: us_serve.c
# bug: us_serve() logs strerror() text instead of the errno's symbolic name
s/number,\n* *errno_name(errno), strerror(errno)/&/;s/errno_name(errno), strerror(errno), explain(errno)/strerror(errno), strerror(errno), explain(errno)/
