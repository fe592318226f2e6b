# file: tcp_setup.c
# bug: tcp_resolve() accepts service names (no AI_NUMERICSERV, no digit check)
s/.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0),/.ai_flags = passive ? AI_PASSIVE : 0,/;s/if (len == 0 || len > 5 || strspn(port, "0123456789") != len)/if (len == 0)/
