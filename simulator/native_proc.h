/*
 * simulator/native_proc.h - the controller's side of the native workers:
 * starting one (a fresh `sim` image), sending it a command, taking a
 * forked child's socket, and waiting for one to be gone.
 */
#ifndef SIM_NATIVE_PROC_H
#define SIM_NATIVE_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "native_int.h"
#include "native_state.h"

struct native_proc {
	uint32_t pid;        /* the trace's pid */
	pid_t host;          /* the worker's host pid */
	int fd;              /* its socket */
	bool direct;         /* started by the controller (so reaped by it) */
	uint64_t brk_base;   /* the heap start of its current image */
	uint64_t guard;      /* its guard mapping (NATIVE_GUARD_SIZE bytes), or 0 */
	struct native_snap snap; /* the runner's own VMAs in its current image */
};

/*
 * Start a worker for trace pid pid into *p: fork, exec `sim` as a worker,
 * wait for it to be ready and take the snapshot of its VMAs (tracedir as
 * in native_vmas_read). Returns 0 or -1 (errno-style message in err).
 */
int native_proc_spawn(struct native_proc *p, uint32_t pid, const char *tracedir,
		      char *err, size_t errsize);

/*
 * Send c to p and wait for the reply into *rep; a fork's reply also gives
 * the child's socket in *child_fd (-1 otherwise). Returns 0, or -1 when
 * the worker is gone.
 */
int native_proc_call(struct native_proc *p, const struct native_cmd *c,
		     struct native_reply *rep, int *child_fd);

/* Read the ready message a fresh image sends (spawn, exec). Returns 0 or -1. */
int native_proc_ready(struct native_proc *p, struct native_reply *rep);

/* Tell p to exit and wait until it is gone (its memory released); frees p's state. */
void native_proc_end(struct native_proc *p);

/* Minor faults and CPU seconds the worker has used so far (0 if unknown). */
void native_proc_usage(const struct native_proc *p, uint64_t *minflt, double *cpu_seconds);

#endif
