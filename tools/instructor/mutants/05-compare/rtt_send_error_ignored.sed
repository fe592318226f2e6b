# file: rtt.c
# bug: rtt_measure() ignores a failed send
s/if (out->ops->send(out, msg, key->len) == -1)/if (out->ops->send(out, msg, key->len) == -2)/
