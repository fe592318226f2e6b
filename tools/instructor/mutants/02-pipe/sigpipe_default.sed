# file: pipe_lab.c
# bug: pipe_ignore_sigpipe() installs SIG_DFL
s/{.sa_handler = SIG_IGN}/{.sa_handler = SIG_DFL}/
