/*
 * arch/x86_64/extable.c - look a faulting kernel instruction up in the
 * exception table (built by the linker from every __ex_table section) and
 * resume at its fixup. Also recovers the exec probe of probe.S.
 */
#include "kernel/extable.h"

#include <stddef.h>

extern const struct extable_entry __ex_table_start[], __ex_table_end[];
extern uint64_t probe_exec_target;

uint64_t extable_last_addr;
uint64_t extable_last_vector;

static const struct extable_entry *extable_search(uint64_t rip)
{
	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->insn == rip)
			return e;
	return NULL;
}

static uint64_t fault_address(const struct trap_frame *tf)
{
	uint64_t cr2;
	if (tf->vector != VEC_PF)
		return 0;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	return cr2;
}

int extable_fixup(struct trap_frame *tf)
{
	if ((tf->cs & 3) != 0)
		return 0; /* user mode faults are not ours to fix */
	if (tf->vector != VEC_PF && tf->vector != VEC_GP)
		return 0;
	const struct extable_entry *e = extable_search(tf->rip);
	if (e) {
		extable_last_addr = fault_address(tf);
		extable_last_vector = tf->vector;
		tf->rip = e->fixup;
		return 1;
	}
	if (probe_exec_target && tf->rip == probe_exec_target) {
		/* The fetch at the target faulted: return to probe_exec's call site. */
		extable_last_addr = fault_address(tf);
		extable_last_vector = tf->vector;
		tf->rip = *(uint64_t *)tf->rsp;
		tf->rsp += 8;
		tf->rax = (uint64_t)-14;
		return 1;
	}
	return 0;
}
