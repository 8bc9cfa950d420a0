/*
 * kernel/uspace.h - user address spaces on the real MMU: mmcore's struct mm
 * plus the kernel half in its PML4, the one that is loaded, and the page
 * fault path from the CPU into mm_fault().
 */
#ifndef KERNEL_USPACE_H
#define KERNEL_USPACE_H

#include "kernel/trap.h"
#include "mmcore/mm.h"

/* Address space loaded in CR3 (NULL: the kernel's own). */
extern struct mm *uspace_current;

/* Copy the kernel half of the kernel PML4 into root (shared tables). */
void uspace_install_kernel_half(uint64_t root_pfn);
/* mm_create() plus the kernel half. Returns 0 or -MM_ENOMEM. */
int uspace_create(struct mm **out);
/* Make an mm created by mmcore itself (mm_fork) loadable. */
void uspace_adopt(struct mm *mm);
/* Load mm's tables (NULL: back to the kernel's). */
void uspace_switch(struct mm *mm);

/*
 * Page fault on a user address: resolve it through mm_fault() for the
 * current address space (growing a VM_GROWSDOWN stack when the fault is
 * just below it). Returns 1 when the access can be retried or, for a
 * fault in user mode that mmcore refused, the signal (SIGSEGV, SIGBUS, or
 * SIGKILL for no memory) is pending for the task; 0 when the kernel
 * itself faulted (exception fixup or panic) or there is no mm.
 */
int uspace_page_fault(struct trap_frame *tf);

#endif
