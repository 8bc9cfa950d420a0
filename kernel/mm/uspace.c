/*
 * mm/uspace.c - user address spaces on the hardware. mmcore owns the lower
 * half of every PML4; the kernel half is the kernel PML4's entries, shared
 * (installed with pt_entry_set so the table's pt_used stays exact; pt_destroy
 * drops them again without freeing what they point to).
 */
#include "kernel/uspace.h"

#include "kernel/cpu.h"
#include "kernel/kmap.h"

struct mm *uspace_current;

void uspace_install_kernel_half(uint64_t root_pfn)
{
	pte_t *mine = pt_table(root_pfn), *kernel = pt_table(kmap_root_pfn);
	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		if (kernel[i] && mine[i] != kernel[i])
			pt_entry_set(pfn_to_page(root_pfn), &mine[i], kernel[i]);
}

int uspace_create(struct mm **out)
{
	int err = mm_create(out);
	if (!err)
		uspace_install_kernel_half((*out)->root_pfn);
	return err;
}

void uspace_adopt(struct mm *mm) { uspace_install_kernel_half(mm->root_pfn); }

void uspace_switch(struct mm *mm)
{
	uspace_current = mm;
	write_cr3(pfn_to_phys(mm ? mm->root_pfn : kmap_root_pfn));
}

static enum mm_access fault_access(uint64_t err)
{
	if (err & PF_INSTR)
		return MM_ACCESS_EXEC;
	return (err & PF_WRITE) ? MM_ACCESS_WRITE : MM_ACCESS_READ;
}

int uspace_page_fault(struct trap_frame *tf)
{
	uint64_t addr = read_cr2();
	bool from_kernel = (tf->cs & 3) == 0;
	if (!uspace_current || addr >= USER_VA_END)
		return 0;
	/*
	 * The kernel touches user memory only inside an explicit user-access
	 * window (AC set under SMAP) and never runs user code: anything else
	 * is a kernel bug the VMAs must not paper over.
	 */
	if (from_kernel && (tf->error & PF_INSTR))
		return 0;
	if (from_kernel && cpu_features.smap_on && !(tf->rflags & RFLAGS_AC))
		return 0;
	return mm_fault(uspace_current, addr, fault_access(tf->error),
			(tf->error & PF_PRESENT) != 0) == FAULT_OK;
}
