/*
 * mmcore/mm_mprotect.c - mprotect(2). Like Linux, VMAs before a hole in
 * the range are changed and the call then fails with ENOMEM, and so do
 * those before a VMA that RLIMIT_DATA keeps from becoming writable.
 */
#include "mmcore/mm_internal.h"

#define MM_PROT_GROWSDOWN 0x01000000
#define MM_PROT_GROWSUP 0x02000000
#define MM_PROT_SEM 0x8

/* New vm_flags for v under prot (mprotect_fixup's accounting rule included). */
static uint32_t mprotect_newflags(const struct vma *v, int prot)
{
	uint32_t old = v->flags;
	uint32_t nf = (old & ~VM_PROT_MASK) | mm_prot_to_vmflags(prot);

	/*
	 * Private memory turning writable is charged now. It stays charged
	 * once it has anonymous memory; anonymous memory without any (no
	 * anon_vma) is uncharged again when it stops being writable, so it
	 * can merge with never-writable neighbours.
	 */
	if ((nf & VM_WRITE) &&
	    !(old & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE)))
		nf |= VM_ACCOUNT;
	else if (!(nf & VM_WRITE) && (old & VM_ACCOUNT) && !v->file && !v->anon_id)
		nf &= ~VM_ACCOUNT;
	return nf;
}

/*
 * Linux's mprotect_fixup: pages turning writable may not take the space
 * past a limit that their old flags kept them within - in effect, memory
 * becoming data (private, writable) counts against RLIMIT_DATA. Memory
 * that already was data, or stays shared, is never refused.
 */
static bool mprotect_over_limit(struct mm *mm, uint32_t old, uint32_t nf, uint64_t pages)
{
	return (nf & VM_WRITE) && !mm_may_expand_vm(mm, nf, pages) &&
	       mm_may_expand_vm(mm, old, pages);
}

int mm_mprotect(struct mm *mm, uint64_t start, uint64_t len, int prot)
{
	uint64_t end, pos;
	struct vma *v;
	int err;

	/* Linux's order of checks (do_mprotect_pkey). */
	if ((prot & MM_PROT_GROWSDOWN) && (prot & MM_PROT_GROWSUP))
		return -MM_EINVAL;
	if (start & ~PAGE_MASK)
		return -MM_EINVAL;
	if (len == 0)
		return 0;
	end = start + ALIGN_UP(len, PAGE_SIZE);
	if (end <= start)
		return -MM_ENOMEM;
	if (prot & ~(MM_PROT_READ | MM_PROT_WRITE | MM_PROT_EXEC | MM_PROT_SEM |
		     MM_PROT_GROWSDOWN | MM_PROT_GROWSUP))
		return -MM_EINVAL;
	v = vma_find(&mm->vmas, start);
	if (!v)
		return -MM_ENOMEM;
	/* PROT_GROWSDOWN moves the start to that of a VMA that grows down and
	 * is EINVAL on any other; nothing grows up on x86-64 (do_mprotect_pkey). */
	if (prot & MM_PROT_GROWSDOWN) {
		if (v->start >= end)
			return -MM_ENOMEM;
		start = v->start;
		if (!(v->flags & VM_GROWSDOWN))
			return -MM_EINVAL;
	} else {
		if (v->start > start)
			return -MM_ENOMEM;
		if (prot & MM_PROT_GROWSUP)
			return -MM_EINVAL;
	}
	prot &= MM_PROT_READ | MM_PROT_WRITE | MM_PROT_EXEC;
	for (pos = start;;) {
		uint64_t stop = MM_MIN(v->end, end);
		uint32_t nf = mprotect_newflags(v, prot);

		/* Each VM_MAY* bit sits four above the permission it allows. */
		if ((nf & ~(nf >> 4)) & VM_PROT_MASK) {
			err = -MM_EACCES;
			break;
		}
		if (mprotect_over_limit(mm, v->flags, nf, (stop - pos) >> PAGE_SHIFT)) {
			err = -MM_ENOMEM;
			break;
		}
		err = mm_vma_set_flags(mm, v, pos, stop, nf, &v);
		if (err)
			break;
		pos = stop;
		if (pos >= end)
			break;
		v = vma_find(&mm->vmas, pos);
		if (!v || v->start > pos) {
			err = -MM_ENOMEM;
			break;
		}
	}
	mm_after_op(mm);
	return err;
}
