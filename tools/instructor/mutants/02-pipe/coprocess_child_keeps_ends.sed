# file: pipe_lab.c
# bug: the coprocess keeps its copies of the parent's ends (no EOF at finish)
/if (pid == 0) {/,/upcase_filter/{/close_traced(request\[1\]);/d}
