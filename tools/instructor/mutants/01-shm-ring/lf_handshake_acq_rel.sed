# file: ring_lockfree.c
# bug: the wake-up handshake is release/acquire, not seq_cst (each side's load may pass its store)
s/atomic_store_explicit(&s->head, p->index, memory_order_seq_cst)/atomic_store_explicit(\&s->head, p->index, memory_order_release)/
s/atomic_store_explicit(&s->tail, c->index, memory_order_seq_cst)/atomic_store_explicit(\&s->tail, c->index, memory_order_release)/
s/^        atomic_store(sleeping, 1);/        atomic_store_explicit(sleeping, 1, memory_order_release);/
s/if (!atomic_load(sleeping) || /if (!atomic_load_explicit(sleeping, memory_order_acquire) || /
s/        if (ready(r, need, memory_order_seq_cst)) {/        if (ready(r, need, memory_order_acquire)) {/
