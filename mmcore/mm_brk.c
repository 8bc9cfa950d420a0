/*
 * mmcore/mm_brk.c - brk(2): the heap grows by extending (or adding) an
 * anonymous VMA ending at the break, and shrinks by unmapping. Failure is
 * not an error code: the break simply stays where it was, as in Linux.
 */
#include "mmcore/mm_internal.h"

/* Linux's VM_DATA_DEFAULT_FLAGS for x86-64, plus accounting. */
#define BRK_VM_FLAGS (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT)

void mm_brk_init(struct mm *mm, uint64_t start)
{
	mm->brk_start = start;
	mm->brk = start;
}

/*
 * Map [oldbrk, newbrk) as heap. Like Linux's do_brk_flags, only a heap VMA
 * (one starting at or above brk_start) is extended; otherwise a new VMA is
 * added without merging, so the heap stays its own line in /proc/PID/maps.
 */
static int brk_grow(struct mm *mm, uint64_t oldbrk, uint64_t newbrk)
{
	struct vma *prev = oldbrk ? vma_lookup(&mm->vmas, oldbrk - 1) : NULL;
	struct vma *next = vma_find(&mm->vmas, oldbrk);
	struct vma *v;

	/* Linux keeps a page between the heap and the next mapping. */
	if (oldbrk < MM_MMAP_MIN_ADDR || newbrk > USER_VA_END - PAGE_SIZE ||
	    (next && newbrk + PAGE_SIZE > next->start))
		return -MM_ENOMEM;
	if (prev && prev->start >= mm->brk_start && prev->end == oldbrk &&
	    prev->flags == BRK_VM_FLAGS && !prev->file &&
	    prev->pgoff + vma_pages(prev) == (oldbrk >> PAGE_SHIFT)) {
		prev->end = newbrk;
		vma_adjust(&mm->vmas, prev);
		mm->total_vm += (newbrk - oldbrk) >> PAGE_SHIFT;
		return 0;
	}
	v = vma_alloc();
	if (!v)
		return -MM_ENOMEM;
	v->start = oldbrk;
	v->end = newbrk;
	v->flags = BRK_VM_FLAGS;
	v->pgoff = oldbrk >> PAGE_SHIFT;
	vma_insert(&mm->vmas, v);
	mm->total_vm += vma_pages(v);
	return 0;
}

int mm_brk(struct mm *mm, uint64_t addr, uint64_t *out)
{
	uint64_t oldbrk = ALIGN_UP(mm->brk, PAGE_SIZE);
	uint64_t newbrk;
	int err = 0;

	*out = mm->brk;
	if (addr < mm->brk_start || addr >= USER_VA_END)
		return 0;
	if (mm->rlimit_data != ~0ull && addr - mm->brk_start > mm->rlimit_data)
		return 0;
	newbrk = ALIGN_UP(addr, PAGE_SIZE);
	if (newbrk < oldbrk)
		err = mm_unmap_range(mm, newbrk, oldbrk);
	else if (newbrk > oldbrk)
		err = brk_grow(mm, oldbrk, newbrk);
	if (!err)
		mm->brk = addr;
	*out = mm->brk;
	mm_after_op(mm);
	return 0;
}
