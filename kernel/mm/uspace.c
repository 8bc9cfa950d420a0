/*
 * mm/uspace.c - user address spaces on the hardware. mmcore owns the lower
 * half of every PML4; the kernel half is the kernel PML4's entries, shared
 * (installed with pt_entry_set so the table's pt_used stays exact; pt_destroy
 * drops them again without freeing what they point to). User page faults
 * go to mm_fault(); a refused one becomes a signal for the task, and a
 * fault just below the stack grows it.
 */
#include "kernel/uspace.h"

#include "kernel/cpu.h"
#include "kernel/kmap.h"
#include "kernel/mmcheck.h"
#include "kernel/task.h"
#include "kernel/vmtrace.h"
#include "kernel/watchdog.h"

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

/* Linux's stack_guard_gap: a stack may not grow within this of the VMA below. */
#define STACK_GUARD_GAP (256 * 4096ull)

/*
 * A fault just below a VM_GROWSDOWN VMA extends it down to the faulting
 * page in place (as Linux's expand_stack: the VMA's start moves, an
 * anonymous pgoff with it), within RLIMIT_STACK and never closer than the
 * guard gap to the mapping below. Returns true when it grew.
 */
static bool uspace_grow_stack(struct mm *mm, uint64_t addr)
{
	struct vma *v = vma_find(&mm->vmas, addr);
	if (!v || v->start <= addr || !(v->flags & VM_GROWSDOWN) || v->file)
		return false;
	uint64_t new_start = addr & PAGE_MASK;
	struct task *t = current;
	uint64_t limit = t ? t->rlimits[RLIMIT_STACK].cur : 8ull << 20;
	if (v->end - new_start > limit || new_start < MM_MMAP_MIN_ADDR)
		return false;
	struct vma *prev = vma_prev(v);
	if (prev && new_start < prev->end + STACK_GUARD_GAP)
		return false;
	uint64_t pages = (v->start - new_start) >> PAGE_SHIFT;
	if (mm->rlimit_as != ~0ull && ((mm->total_vm + pages) << PAGE_SHIFT) > mm->rlimit_as)
		return false;
	vmtrace_stack_grow(mm, new_start, v->start);
	v->start = new_start;
	v->pgoff -= pages;
	vma_adjust(&mm->vmas, v);
	mm->total_vm += pages;
	return true;
}

int uspace_page_fault(struct trap_frame *tf)
{
	uint64_t addr = read_cr2();
	bool from_kernel = (tf->cs & 3) == 0;
	if (!uspace_current)
		return 0;
	if (addr >= USER_VA_END) {
		if (from_kernel)
			return 0;
		/* A user access to a kernel address: SEGV_MAPERR at it, as Linux. */
		proc_user_fault(tf, addr, FAULT_SIGSEGV);
		return 1;
	}
	/*
	 * The kernel touches user memory only inside an explicit user-access
	 * window (AC set under SMAP) and never runs user code: anything else
	 * is a kernel bug the VMAs must not paper over.
	 */
	if (from_kernel && (tf->error & PF_INSTR))
		return 0;
	if (from_kernel && cpu_features.smap_on && !(tf->rflags & RFLAGS_AC))
		return 0;
	enum mm_access access = fault_access(tf->error);
	bool present = (tf->error & PF_PRESENT) != 0;
	enum fault_result r = mm_fault(uspace_current, addr, access, present);
	if (r == FAULT_SIGSEGV && !present && uspace_grow_stack(uspace_current, addr))
		r = mm_fault(uspace_current, addr, access, present);
	vmtrace_fault(uspace_current, addr, access, r);
	if (r == FAULT_OK) {
		watchdog_pet(); /* a long copy faulting page by page is progress */
		if (!from_kernel)
			mmcheck_user_fault();
		return 1;
	}
	if (from_kernel) {
		/* copy_to/from_user: -EFAULT through the exception table; no memory kills. */
		if (r == FAULT_OOM && current && current->pid > 0)
			proc_user_fault(tf, addr, r);
		return 0;
	}
	proc_user_fault(tf, addr, r);
	return 1;
}
