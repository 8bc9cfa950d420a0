/*
 * mmcore/mm_mremap.c - mremap(2): shrink, grow in place, or move. A move
 * carries the page-table entries over (2 MiB leaves stay 2 MiB when the
 * distance is a multiple of 2 MiB); no data is copied. Every table the
 * move needs is allocated before the first entry moves, so ENOMEM leaves
 * the old mapping as it was.
 */
#include "mmcore/mm_internal.h"

/*
 * Call fn for every non-empty leaf of [start, end) (2 MiB leaves lie wholly
 * inside: the edges are split first). Written out rather than through
 * pt_for_each_leaf because fn creates and fills tables elsewhere.
 */
typedef int (*move_fn)(struct mm *mm, uint64_t va, pte_t *entry, struct page *table,
		       int level, uint64_t delta);

static int move_walk(struct mm *mm, uint64_t start, uint64_t end, uint64_t delta, move_fn fn)
{
	for (uint64_t h = start & HUGE_MASK; h < end; h += HUGE_SIZE) {
		struct page *pd_table, *pt_page;
		pte_t *pde = pt_walk(mm->root_pfn, h, 2, false, &pd_table, NULL);
		pte_t *pt;
		int err;

		if (!pde || pte_none(*pde))
			continue;
		if (pte_huge(*pde)) {
			err = fn(mm, h, pde, pd_table, 2, delta);
			if (err)
				return err;
			continue;
		}
		pt_page = pfn_to_page(pte_pfn(*pde));
		pt = pt_table(pte_pfn(*pde));
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			uint64_t va = h + ((uint64_t)i << PAGE_SHIFT);

			if (va < start || va >= end || pte_none(pt[i]))
				continue;
			err = fn(mm, va, &pt[i], pt_page, 1, delta);
			if (err)
				return err;
		}
	}
	return 0;
}

/* Create the destination table for one source leaf. */
static int move_prealloc_leaf(struct mm *mm, uint64_t va, pte_t *entry, struct page *table,
			      int level, uint64_t delta)
{
	int err = 0;
	pte_t *dst = pt_walk(mm->root_pfn, va + delta, level, true, NULL, &err);

	if (!dst)
		return err ? err : -MM_ENOMEM;
	/* A 2 MiB leaf needs an empty PD entry; an old empty table is in the way. */
	if (!pte_none(*dst))
		return -MM_EEXIST;
	return 0;
}

static int move_leaf(struct mm *mm, uint64_t va, pte_t *entry, struct page *table,
		     int level, uint64_t delta)
{
	struct page *dtable;
	pte_t *dst = pt_walk(mm->root_pfn, va + delta, level, false, &dtable, NULL);
	pte_t e = *entry;

	MM_ASSERT(dst && pte_none(*dst), "move_leaf: destination not prepared");
	pt_entry_clear(table, entry);
	pt_entry_set(dtable, dst, e);
	return 0;
}

/* Split every 2 MiB leaf in [start, end). */
static int move_split_all(struct mm *mm, uint64_t start, uint64_t end)
{
	for (uint64_t h = start & HUGE_MASK; h < end; h += HUGE_SIZE) {
		int err = mm_split_huge_leaf(mm, h);

		if (err)
			return err;
	}
	return 0;
}

/* Move the leaves of [old, old+len) to new. Returns 0 or -MM_ENOMEM (nothing moved). */
static int move_page_tables(struct mm *mm, uint64_t old, uint64_t len, uint64_t new)
{
	uint64_t delta = new - old;
	int err;

	if (!IS_ALIGNED(delta, HUGE_SIZE))
		err = move_split_all(mm, old, old + len);
	else
		err = mm_split_huge_at(mm, old) ?: mm_split_huge_at(mm, old + len);
	if (err)
		return err;
	err = move_walk(mm, old, old + len, delta, move_prealloc_leaf);
	if (err == -MM_EEXIST) {
		err = move_split_all(mm, old, old + len);
		if (!err)
			err = move_walk(mm, old, old + len, delta, move_prealloc_leaf);
	}
	if (err) {
		mm_free_tables_in_hole(mm, new, new + len);
		return -MM_ENOMEM;
	}
	move_walk(mm, old, old + len, delta, move_leaf);
	mm_plat_tlb_flush_range(mm->root_pfn, old, old + len);
	return 0;
}

/*
 * Move [old_addr, old_addr + old_len) of v to new_addr (free space) as a
 * VMA of new_len. With dontunmap the old VMA stays, emptied.
 */
static int move_vma(struct mm *mm, struct vma *v, uint64_t old_addr, uint64_t old_len,
		    uint64_t new_addr, uint64_t new_len, bool dontunmap, uint64_t *out)
{
	struct vma *n;
	int err;

	if (!dontunmap) {
		err = mm_split_huge_at(mm, old_addr) ?: mm_split_huge_at(mm, old_addr + old_len);
		if (!err)
			err = mm_vma_isolate(mm, v, old_addr, old_addr + old_len, &v);
		if (err)
			return err;
	}
	n = mm_vma_dup(v, new_addr, new_addr + new_len,
		       v->pgoff + ((old_addr - v->start) >> PAGE_SHIFT));
	if (!n) {
		err = -MM_ENOMEM;
		goto undo_isolate;
	}
	err = move_page_tables(mm, old_addr, old_len, new_addr);
	if (err) {
		vma_free(n);
		goto undo_isolate;
	}
	mm_vma_add(mm, n);
	if (!dontunmap) {
		mm_vma_release(mm, v);
		mm_free_tables_in_hole(mm, old_addr, old_addr + old_len);
	} else if (v->start == old_addr && v->end == old_addr + old_len) {
		/* Linux unlinks the emptied VMA's anon_vma (and its chain). */
		v->anon_id = 0;
		v->flags &= ~VM_ANON_CHAINED;
	}
	*out = new_addr;
	return 0;

undo_isolate:
	if (!dontunmap)
		mm_vma_merge_around(mm, v);
	return err;
}

/* Grow v (ending at old_addr + old_len) in place when the space above is free. */
static bool mremap_expand_in_place(struct mm *mm, struct vma *v, uint64_t new_end)
{
	struct vma *next = vma_next(v);

	if (new_end > USER_VA_END || (next && next->start < new_end))
		return false;
	mm->total_vm += (new_end - v->end) >> PAGE_SHIFT;
	v->end = new_end;
	vma_adjust(&mm->vmas, v);
	mm_vma_merge_around(mm, v);
	return true;
}

/*
 * MREMAP_FIXED and/or MREMAP_DONTUNMAP (Linux's mremap_to). As in Linux
 * (6.17 and later), the part that stays must lie in v and growth must fit
 * RLIMIT_AS/RLIMIT_DATA before anything is unmapped; then the target goes,
 * then the shrunk tail, then (DONTUNMAP) the limits again for the copy
 * that stays, then the move, whose failure for want of memory leaves the
 * unmaps done.
 */
static int mremap_to(struct mm *mm, struct vma *v, uint64_t addr, uint64_t old_len,
		     uint64_t new_len, int flags, uint64_t new_addr, uint64_t *out)
{
	int err;

	if (MM_MIN(old_len, new_len) > v->end - addr)
		return -MM_EFAULT;
	/* Growth counts against the limits before anything is unmapped. */
	if (new_len > old_len && !mm_may_expand_vm(mm, v->flags, (new_len - old_len) >> PAGE_SHIFT))
		return -MM_ENOMEM;
	if (flags & MM_MREMAP_FIXED) {
		err = mm_unmap_range(mm, new_addr, new_addr + new_len);
		if (err)
			return err;
	}
	if (old_len > new_len) {
		err = mm_unmap_range(mm, addr + new_len, addr + old_len);
		if (err)
			return err;
		old_len = new_len;
	}
	/* The unmaps may have split v: find the piece holding addr again. */
	v = vma_lookup(&mm->vmas, addr);
	MM_ASSERT(v && old_len <= v->end - addr, "mremap_to: source range lost");
	/* MREMAP_DONTUNMAP keeps the old range: the space grows by all of it. */
	if ((flags & MM_MREMAP_DONTUNMAP) && !mm_may_expand_vm(mm, v->flags, old_len >> PAGE_SHIFT))
		return -MM_ENOMEM;
	if (!(flags & MM_MREMAP_FIXED)) {
		bool thp = !v->file && vma_is_private(v);

		err = mm_get_unmapped_area(mm, new_addr, new_len, thp, &new_addr);
		if (err)
			return err;
	}
	return move_vma(mm, v, addr, old_len, new_addr, new_len,
			(flags & MM_MREMAP_DONTUNMAP) != 0, out);
}

/* The checks Linux makes before it looks at the VMA (lengths page-aligned). */
static int mremap_check_args(uint64_t old_addr, uint64_t old_len, uint64_t new_len,
			     int flags, uint64_t new_addr)
{
	if (flags & ~(MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP))
		return -MM_EINVAL;
	if ((flags & MM_MREMAP_FIXED) && !(flags & MM_MREMAP_MAYMOVE))
		return -MM_EINVAL;
	if ((flags & MM_MREMAP_DONTUNMAP) &&
	    (!(flags & MM_MREMAP_MAYMOVE) || old_len != new_len))
		return -MM_EINVAL;
	if (old_addr & ~PAGE_MASK)
		return -MM_EINVAL;
	if (old_len > USER_VA_END || new_len > USER_VA_END || new_len == 0)
		return -MM_EINVAL;
	if (!(flags & MM_MREMAP_FIXED))
		return 0;
	if (new_addr & ~PAGE_MASK || new_addr > USER_VA_END - new_len)
		return -MM_EINVAL;
	if (old_addr + old_len > new_addr && new_addr + new_len > old_addr)
		return -MM_EINVAL;
	return 0;
}

static int mremap_locked(struct mm *mm, uint64_t addr, uint64_t old_len, uint64_t new_len,
			 int flags, uint64_t new_addr, uint64_t *out)
{
	struct vma *v = vma_lookup(&mm->vmas, addr);
	int err;

	if (!v)
		return -MM_EFAULT;
	/* Duplicating a shared mapping with old_len 0 is not supported. */
	if (old_len == 0)
		return -MM_EINVAL;
	if (flags & (MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP))
		return mremap_to(mm, v, addr, old_len, new_len, flags, new_addr, out);
	if (old_len >= new_len) {
		err = mm_unmap_range(mm, addr + new_len, MM_MIN(addr + old_len, USER_VA_END));
		if (err)
			return err;
		*out = addr;
		return 0;
	}
	if (old_len > v->end - addr)
		return -MM_EFAULT;
	if (!mm_may_expand_vm(mm, v->flags, (new_len - old_len) >> PAGE_SHIFT))
		return -MM_ENOMEM;
	if (addr + old_len == v->end && mremap_expand_in_place(mm, v, addr + new_len)) {
		*out = addr;
		return 0;
	}
	if (!(flags & MM_MREMAP_MAYMOVE))
		return -MM_ENOMEM;
	err = mm_get_unmapped_area(mm, 0, new_len, !v->file && vma_is_private(v), &new_addr);
	if (err)
		return err;
	return move_vma(mm, v, addr, old_len, new_addr, new_len, false, out);
}

int mm_mremap(struct mm *mm, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
	      int flags, uint64_t new_addr, uint64_t *out)
{
	int err;

	if (old_len > USER_VA_END || new_len > USER_VA_END)
		return -MM_EINVAL; /* before rounding up could wrap */
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	err = mremap_check_args(old_addr, old_len, new_len, flags, new_addr);
	if (err)
		return err;
	err = mremap_locked(mm, old_addr, old_len, new_len, flags, new_addr, out);
	mm_after_op(mm);
	return err;
}
