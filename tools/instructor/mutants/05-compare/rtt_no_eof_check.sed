# file: rtt.c
# bug: rtt_measure() does not treat end of stream as an error
/errno = EPIPE; \/\* the echo side ended the stream \*\//{N;d}
