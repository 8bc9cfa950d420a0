/*
 * simulator/native_int.h - what the native runner's controller (native.c,
 * native_proc.c, native_state.c) and its worker processes
 * (native_worker.c) share: the messages on the socket between them.
 *
 * One worker process stands for one trace pid. The controller sends a
 * fixed-size command, the worker does it for real and answers with a
 * fixed-size reply; a fork's reply carries the child's socket (SCM_RIGHTS).
 */
#ifndef SIM_NATIVE_INT_H
#define SIM_NATIVE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "native.h" /* NATIVE_WORKER_ARG */

enum native_op {
	NOP_MMAP = 1, NOP_MUNMAP, NOP_MPROTECT, NOP_MADVISE, NOP_MREMAP, NOP_BRK,
	NOP_READ,   /* one load */
	NOP_WRITE,  /* one store of cmd.byte */
	NOP_RMW,    /* one write access that leaves the byte as it was */
	NOP_TOUCH,  /* one access per page of [a1, a1+len), kind in cmd.access */
	NOP_FORK, NOP_EXEC, NOP_EXIT,
	NOP_POLICY, /* the trace's THP policy (cmd.flags: enum mm_thp_policy), and
		     * cmd.access != 0: emulate the zero page (the host maps none) */
};

struct native_cmd {
	uint32_t op;      /* enum native_op */
	uint32_t access;  /* NOP_TOUCH: enum mm_access */
	int32_t prot;
	int32_t flags;    /* mmap/mremap flags (Linux values), advice, THP policy */
	int32_t fd;       /* file mappings: the file's descriptor, else -1 */
	uint32_t byte;
	uint64_t a1, a2, len, len2, offset;
};

struct native_reply {
	int32_t outcome;   /* TRACE_OUT_* or an errno */
	int32_t host_pid;  /* NOP_FORK: the child's pid; ready message: own pid */
	uint64_t value;    /* mmap/mremap address, brk result, byte read */
	uint64_t brk_base; /* ready message: the break at start (the heap's start) */
	uint64_t guard;    /* ready message: where the guard above the trace's memory is */
};

/*
 * Read or write exactly n bytes on fd, retrying after signals (plain
 * system calls: the workers use them too). Return 0, or -1 at EOF or on
 * an error.
 */
int native_read_full(int fd, void *buf, size_t n);
int native_write_full(int fd, const void *buf, size_t n);

/*
 * A worker's guard: an inaccessible shared mapping it makes first, so the
 * trace's mappings without a hint go below it, with nothing of the
 * runner right above them (the simulator's process has nothing there):
 * an access just past them faults. Shared, so no trace VMA merges with it.
 */
#define NATIVE_GUARD_SIZE (1ull << 30)

#endif
