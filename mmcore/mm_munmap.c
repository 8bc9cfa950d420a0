/*
 * mmcore/mm_munmap.c - munmap(2) and the range removal that mmap(FIXED),
 * mremap and brk share. Everything that can fail (splitting 2 MiB leaves
 * and VMAs at the edges) happens before anything is removed.
 */
#include "mmcore/mm_internal.h"

/* Split the VMAs at start and end so the range is made of whole VMAs. */
static int unmap_split_edges(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *first = vma_find(&mm->vmas, start);
	struct vma *lower = NULL, *last;
	int err;

	if (first && first->start < start && first->end > start) {
		lower = first;
		err = vma_split(&mm->vmas, lower, start, &first);
		if (err)
			return err;
	}
	last = vma_lookup(&mm->vmas, end - 1);
	if (last && last->end > end) {
		err = vma_split(&mm->vmas, last, end, NULL);
		if (err) {
			if (lower)
				vma_merge(&mm->vmas, lower, first);
			return err;
		}
	}
	return 0;
}

void mm_free_tables_in_hole(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *next = vma_find(&mm->vmas, start);
	struct vma *prev = next ? vma_prev(next) : NULL;
	uint64_t floor, ceiling, lo, hi;

	if (next)
		floor = prev ? prev->end : 0;
	else
		floor = mm->vmas.count ? mm->vmas.highest : 0; /* the last VMA's end */
	ceiling = next ? next->start : USER_VA_END;
	MM_ASSERT(floor <= start && end <= ceiling, "mm_free_tables_in_hole: range is mapped");
	lo = MM_MAX(ALIGN_UP(floor, HUGE_SIZE), ALIGN_DOWN(start, HUGE_SIZE));
	hi = MM_MIN(ALIGN_DOWN(ceiling, HUGE_SIZE), ALIGN_UP(end, HUGE_SIZE));
	if (lo < hi)
		pt_free_empty(mm->root_pfn, lo, hi);
}

int mm_unmap_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v = vma_find_intersection(&mm->vmas, start, end);
	int err;

	if (!v)
		return 0;
	err = mm_split_huge_at(mm, start);
	if (!err)
		err = mm_split_huge_at(mm, end);
	if (!err)
		err = unmap_split_edges(mm, start, end);
	if (err)
		return err;
	v = vma_find(&mm->vmas, start);
	while (v && v->start < end) {
		struct vma *next = vma_next(v);

		mm_zap_range(mm, v, v->start, v->end);
		mm_vma_release(mm, v);
		v = next;
	}
	mm_free_tables_in_hole(mm, start, end);
	return 0;
}

int mm_munmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	int err;

	if ((addr & ~PAGE_MASK) || len == 0)
		return -MM_EINVAL;
	if (len > USER_VA_END || addr > USER_VA_END - len)
		return -MM_EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	err = mm_unmap_range(mm, addr, addr + len);
	mm_after_op(mm);
	return err;
}
