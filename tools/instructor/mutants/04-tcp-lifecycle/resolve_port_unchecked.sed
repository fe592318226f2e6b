# file: tcp_setup.c
# bug: tcp_resolve() accepts ports above 65535
s/return atol(port) <= 65535;/return 1;/
