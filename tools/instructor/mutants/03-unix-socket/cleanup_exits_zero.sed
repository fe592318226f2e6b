# file: us_socket.c
# bug: the signal handler exits 0 instead of dying of the signal
s/    signal(sig, SIG_DFL);/    (void)sig;\n    _exit(0);/
