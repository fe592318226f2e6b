# file: ring_peer.c
# bug: ring_wait_for_peer() ignores its timeout
s/        if (timeout_ms >= 0 \&\& clock_now_ns() >= deadline) {/        if (timeout_ms < -1 \&\& clock_now_ns() >= deadline) {/
