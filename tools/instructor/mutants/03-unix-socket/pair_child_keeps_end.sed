# file: us_pair.c
# bug: the child of us_child_start() keeps the parent's end
/never reads end of file/{n;d}
