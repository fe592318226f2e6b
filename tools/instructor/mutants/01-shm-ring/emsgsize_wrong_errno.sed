# file: ring_message.c
# bug: ring_send() of a too-large message fails with EINVAL
s/        errno = EMSGSIZE; \/\* it could never fit/        errno = EINVAL; \/* it could never fit/
