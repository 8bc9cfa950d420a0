/*
 * mmcore/mm_vma.c - VMA bookkeeping the operations share: isolating a
 * range into its own VMA, merging with neighbours the way Linux does,
 * changing flags over a range, releasing a VMA.
 */
#include "mmcore/mm_internal.h"

int mm_vma_isolate(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		   struct vma **out)
{
	struct vma *lower = NULL;
	int err;

	if (start > v->start) {
		lower = v;
		err = vma_split(&mm->vmas, lower, start, &v);
		if (err)
			return err;
	}
	if (end < v->end) {
		err = vma_split(&mm->vmas, v, end, NULL);
		if (err) {
			/* Undo the first split: the halves are identical, so they merge. */
			if (lower)
				vma_merge(&mm->vmas, lower, v);
			return err;
		}
	}
	*out = v;
	return 0;
}

/*
 * The VMA below is tried first, as Linux does: when both neighbours could
 * take v but carry different anon_vmas, v joins the one below.
 */
struct vma *mm_vma_merge_around(struct mm *mm, struct vma *v)
{
	struct vma *prev = vma_prev(v);
	struct vma *next = vma_next(v);

	if (prev && vma_can_merge(prev, v)) {
		vma_merge(&mm->vmas, prev, v);
		v = prev;
	}
	if (next && vma_can_merge(v, next))
		vma_merge(&mm->vmas, v, next);
	return v;
}

void mm_vma_release(struct mm *mm, struct vma *v)
{
	vma_remove(&mm->vmas, v);
	mm->total_vm -= vma_pages(v);
	vma_free(v);
}

struct vma *mm_vma_dup(const struct vma *src, uint64_t start, uint64_t end, uint64_t pgoff)
{
	struct vma *v = vma_alloc();

	if (!v)
		return NULL;
	v->start = start;
	v->end = end;
	v->flags = src->flags;
	v->file = src->file;
	v->pgoff = pgoff;
	v->anon_id = src->anon_id;
	if (v->file && v->file->ops->get)
		v->file->ops->get(v->file);
	return v;
}

struct vma *mm_vma_add(struct mm *mm, struct vma *v)
{
	vma_insert(&mm->vmas, v);
	mm->total_vm += vma_pages(v);
	return mm_vma_merge_around(mm, v);
}

/*
 * Bring the leaves of [start, end) in line with v's new protection. Write
 * permission is only ever removed here: a page that may be written again
 * gets RW back through a write fault, which knows whether it is shared.
 */
static void vma_reprotect_leaves(struct mm *mm, const struct vma *v, uint64_t start,
				 uint64_t end)
{
	pte_t set = 0, clear = 0;
	int err;

	if (v->flags & VM_PROT_MASK)
		set |= PTE_P;
	else
		clear |= PTE_P;
	if (!(v->flags & VM_WRITE))
		clear |= PTE_RW;
	if (v->flags & VM_EXEC)
		clear |= PTE_NX;
	else
		set |= PTE_NX;
	err = pt_protect(mm->root_pfn, start, end, set, clear);
	/* The edges were split beforehand, so pt_protect has nothing to allocate. */
	MM_ASSERT(err == 0, "vma_reprotect_leaves: pt_protect needed a split");
}

int mm_vma_set_flags(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		     uint32_t newflags, struct vma **out)
{
	uint32_t oldflags = v->flags;
	int err;

	if (newflags == oldflags) {
		*out = v; /* as Linux's mprotect_fixup: nothing changes, nothing splits */
		return 0;
	}
	start = MM_MAX(start, v->start);
	end = MM_MIN(end, v->end);
	err = mm_split_huge_at(mm, start) ?: mm_split_huge_at(mm, end);
	if (!err)
		err = mm_vma_isolate(mm, v, start, end, &v);
	if (err)
		return err;
	v->flags = newflags;
	if ((oldflags ^ newflags) & VM_PROT_MASK)
		vma_reprotect_leaves(mm, v, v->start, v->end);
	*out = mm_vma_merge_around(mm, v);
	return 0;
}
