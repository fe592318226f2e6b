# file: us_serve.c
# bug: us_serve() serves every client even with same_uid
s/opts->same_uid \&\& (!known || peer.uid != opts->allowed_uid)/opts->same_uid \&\& !known/
