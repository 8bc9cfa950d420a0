/*
 * kernel/vmtrace.h - the address-space recorder (`vmtrace=1` on the
 * command line): every mmap/munmap/mprotect/madvise/mremap/brk, fork,
 * exec and exit, and every user page fault, of every process, written in
 * the trace format (shared/spec/trace-format.md) to the second serial
 * port, with the addresses the kernel chose as `=> ADDR` outcomes and the
 * per-process state (vmas, rss, anon_huge) as `expect` records whenever an
 * address space goes away. `./sim replay` of that output must agree.
 *
 * Each hook below is one call at the place the event happens. With
 * vmtrace off a hook costs one load and one compare: the out-of-line part
 * runs only when the command line asked for it (it is read on the first
 * hook, long after the command line is parsed).
 */
#ifndef KERNEL_VMTRACE_H
#define KERNEL_VMTRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmcore/mm.h"

struct task;
struct trap_frame;

/* 0: not decided yet, -1: off, 1: on. */
extern int vmtrace_state;

/* Decide from the command line whether to record (first hook only); true when on. */
bool vmtrace_decide(void);

static inline bool vmtrace_on(void)
{
	if (__builtin_expect(vmtrace_state < 0, 1))
		return false;
	return vmtrace_state > 0 || vmtrace_decide();
}

void vmtrace_do_syscall(long nr, const struct trap_frame *tf, long ret);
void vmtrace_do_map(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags, int err);
void vmtrace_do_map_file(struct mm *mm, uint64_t hint, uint64_t len, int prot, int flags,
			 const char *file, long ret);
void vmtrace_do_protect(struct mm *mm, uint64_t addr, uint64_t len, int prot, int err);
void vmtrace_do_fault(struct mm *mm, uint64_t addr, enum mm_access access, enum fault_result r);
void vmtrace_do_stack_grow(struct mm *mm, uint64_t new_start, uint64_t old_start);
void vmtrace_do_fork(struct task *parent, struct task *child);
void vmtrace_do_exec_begin(struct mm *mm);
void vmtrace_do_exec_abort(struct mm *mm);
void vmtrace_do_exec_commit(struct task *t, struct mm *mm);
void vmtrace_do_drop(struct task *t, struct mm *mm);

/* After system call nr returned ret: records the memory calls (mmap, munmap, mprotect, madvise, mremap, brk). */
static inline void vmtrace_syscall(long nr, const struct trap_frame *tf, long ret)
{
	if (vmtrace_on())
		vmtrace_do_syscall(nr, tf, ret);
}

/* The kernel mapped [addr, addr+len) with MAP_FIXED into mm (exec's image and stack); err is its result. */
static inline void vmtrace_map(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
			       int err)
{
	if (vmtrace_on())
		vmtrace_do_map(mm, addr, len, prot, flags, err);
}

/*
 * The kernel mapped len bytes of the kernel file named `file` (declared in
 * the trace's header) from offset 0 into mm at hint (0: none); ret is the
 * address or -errno (exec's vDSO).
 */
static inline void vmtrace_map_file(struct mm *mm, uint64_t hint, uint64_t len, int prot,
				    int flags, const char *file, long ret)
{
	if (vmtrace_on())
		vmtrace_do_map_file(mm, hint, len, prot, flags, file, ret);
}

/* The kernel changed the protection of [addr, addr+len) in mm (exec's segments). */
static inline void vmtrace_protect(struct mm *mm, uint64_t addr, uint64_t len, int prot, int err)
{
	if (vmtrace_on())
		vmtrace_do_protect(mm, addr, len, prot, err);
}

/* A page fault at user address addr in mm (from user mode or a user copy) came to r. */
static inline void vmtrace_fault(struct mm *mm, uint64_t addr, enum mm_access access,
				 enum fault_result r)
{
	if (vmtrace_on())
		vmtrace_do_fault(mm, addr, access, r);
}

/* The stack VMA of mm grew down from old_start to new_start. */
static inline void vmtrace_stack_grow(struct mm *mm, uint64_t new_start, uint64_t old_start)
{
	if (vmtrace_on())
		vmtrace_do_stack_grow(mm, new_start, old_start);
}

/* child was created by parent, with a copied address space unless it borrows the parent's. */
static inline void vmtrace_fork(struct task *parent, struct task *child)
{
	if (vmtrace_on())
		vmtrace_do_fork(parent, child);
}

/* exec starts building mm for the current task: its events wait for the point of no return. */
static inline void vmtrace_exec_begin(struct mm *mm)
{
	if (vmtrace_on())
		vmtrace_do_exec_begin(mm);
}

/* exec gave up on mm before the point of no return: what it recorded is dropped. */
static inline void vmtrace_exec_abort(struct mm *mm)
{
	if (vmtrace_on())
		vmtrace_do_exec_abort(mm);
}

/* t passed exec's point of no return with mm: the exec and mm's building are written. */
static inline void vmtrace_exec_commit(struct task *t, struct mm *mm)
{
	if (vmtrace_on())
		vmtrace_do_exec_commit(t, mm);
}

/* t lets go of mm (exit or exec): its state is written as expectations, then its exit. */
static inline void vmtrace_drop(struct task *t, struct mm *mm)
{
	if (vmtrace_on())
		vmtrace_do_drop(t, mm);
}

#endif
