/*
 * kernel/extable.h - recoverable kernel-mode faults. An instruction listed
 * in the __ex_table section may fault; the trap handler then resumes at its
 * fixup address instead of panicking (Linux's exception tables). The probes
 * below are built on it.
 */
#ifndef KERNEL_EXTABLE_H
#define KERNEL_EXTABLE_H

#include <stdint.h>

#include "kernel/trap.h"

struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

/*
 * If tf->rip faulted in a listed instruction (or at an armed exec probe),
 * move tf to the fixup and return 1; otherwise return 0.
 */
int extable_fixup(struct trap_frame *tf);

/* Address and vector of the last fault that was fixed up. */
extern uint64_t extable_last_addr;
extern uint64_t extable_last_vector;

/* Read one byte at p: 0 and *out, or -14 (EFAULT) when the access faulted. */
int probe_read_u8(const volatile void *p, uint8_t *out);
/* Read 8 bytes at p (for the backtrace walker). 0 or -14. */
int probe_read_u64(const volatile void *p, uint64_t *out);
/* Write one byte at p: 0, or -14 when the access faulted. */
int probe_write_u8(volatile void *p, uint8_t v);
/*
 * Call the code at p (which must return with `ret` and clobber only
 * caller-saved registers). Returns what it returned in eax, or -14 when
 * fetching the instruction at p faulted (NX, SMEP, not present).
 */
int probe_exec(const void *p);

#endif
