/*
 * agent_services.h - what a test may ask of the student process itself,
 * beyond the lab's functions: the fault plans (fault.h) and these. Each is
 * a call across the boundary (kit_calls.h), carried out in the agent.
 */
#ifndef IPC_KIT_AGENT_SERVICES_H
#define IPC_KIT_AGENT_SERVICES_H

/*
 * SIGALRM every interval_us microseconds in the student process, with a
 * handler installed without SA_RESTART, so the student's blocking calls
 * fail with EINTR; 0 stops it. Returns how many signals arrived since the
 * last start, or -1 with errno.
 */
long agent_interrupt_every(long interval_us);

/* Sets signal sig to be ignored (ignore != 0) or to its default action in
 * the student process, as signal() would. Returns 0, or -1 with errno. */
int agent_set_signal(int sig, int ignore);

/* Sends the student process's trace (common/trace.h) to path as JSON
 * Lines; NULL turns it off again. Returns 0, or -1 with errno. */
int agent_trace_to(const char *path);

/*
 * From now on, every read, write, readv, writev, pread, pwrite, recv(from),
 * send(to), recvmsg and sendmsg system call that the student process (and
 * the processes it forks later) makes on descriptor fd waits until the
 * checker, which holds the returned listener, has counted it
 * (SECCOMP_RET_USER_NOTIF; fault_proof.c). The kernel sees the calls, so
 * syscall() is counted too, and no code in the process can undo the
 * filter. Returns the listener descriptor, or -1 with errno.
 */
int agent_count_calls_on(int fd);

#endif
