/*
 * mmcore/mm_limits.c - RLIMIT_AS and RLIMIT_DATA as Linux applies them to
 * growth of an address space (its may_expand_vm): the whole space against
 * RLIMIT_AS, and "data" memory - private, writable, not a stack - against
 * RLIMIT_DATA. mmap, brk, mremap growth and mprotect adding write
 * permission all ask here; a MAP_FIXED mmap counts only what it adds to
 * the pages it replaces.
 */
#include "mmcore/mm_internal.h"

bool mm_vmflags_are_data(uint32_t flags)
{
	return (flags & VM_WRITE) && !(flags & (VM_SHARED | VM_GROWSDOWN | VM_STACK));
}

uint64_t mm_data_vm(struct mm *mm)
{
	uint64_t pages = 0;

	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v))
		if (mm_vmflags_are_data(v->flags))
			pages += vma_pages(v);
	return pages;
}

/* used + more pages would pass limit (bytes; ~0 unlimited), without overflow. */
static bool over_limit(uint64_t used, uint64_t more, uint64_t limit)
{
	uint64_t max = limit >> PAGE_SHIFT;

	if (limit == ~0ull)
		return false;
	return more > max || used > max - more;
}

bool mm_may_expand_vm(struct mm *mm, uint32_t vmflags, uint64_t pages)
{
	if (over_limit(mm->total_vm, pages, mm->rlimit_as))
		return false;
	if (mm_vmflags_are_data(vmflags) && mm->rlimit_data != ~0ull &&
	    over_limit(mm_data_vm(mm), pages, mm->rlimit_data))
		return false;
	return true;
}

uint64_t mm_pages_mapped_in(struct mm *mm, uint64_t start, uint64_t end)
{
	uint64_t pages = 0;

	for (struct vma *v = vma_find_intersection(&mm->vmas, start, end); v && v->start < end;
	     v = vma_next(v))
		pages += (MM_MIN(v->end, end) - MM_MAX(v->start, start)) >> PAGE_SHIFT;
	return pages;
}
