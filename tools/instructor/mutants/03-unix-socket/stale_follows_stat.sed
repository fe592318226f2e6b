# file: us_socket.c
# bug: us_remove_stale() uses stat, and removes what is not a socket
s/    if (!S_ISSOCK(st.st_mode)) {/    if (!S_ISSOCK(st.st_mode) \&\& 0) {/
