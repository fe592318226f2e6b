# file: us_socket.c
# bug: us_address() cuts a long path instead of ENAMETOOLONG
s/    if (len >= sizeof addr->sun_path) {/    if (len >= sizeof addr->sun_path) {\n        len = sizeof addr->sun_path - 1;\n        addr->sun_path[len] = 0;\n    }\n    if (0) {/
