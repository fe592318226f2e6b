# file: us_pair.c
# bug: the parent keeps the child's end
/close_traced(fds\[1\]); \/\* the parent talks on fds\[0\] only \*\//d
