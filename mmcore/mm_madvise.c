/*
 * mmcore/mm_madvise.c - madvise(2). As in Linux, the advice is applied to
 * every mapped part of the range and a hole makes the call return ENOMEM
 * afterwards.
 *
 * WIPEONFORK marks private anonymous memory (else EINVAL) so that a fork
 * child gets the range empty, reading zeroes (mm_fork.c); KEEPONFORK
 * clears the mark. exec drops it with the whole address space.
 *
 * WILLNEED follows Linux too: it reads file pages into the page cache but
 * maps nothing (anonymous memory has nothing to read), so VmRSS does not
 * move. REMOVE unmaps the hole from every mapping of the object in every
 * address space (keeping private copies) and frees the pages of shared
 * anonymous memory; a regular file keeps its bytes, since the file
 * interface has no hole punching yet.
 */
#include "mmcore/mm_internal.h"

static bool madvise_valid(int advice)
{
	switch (advice) {
	case MM_MADV_NORMAL:
	case MM_MADV_RANDOM:
	case MM_MADV_SEQUENTIAL:
	case MM_MADV_WILLNEED:
	case MM_MADV_DONTNEED:
	case MM_MADV_FREE:
	case MM_MADV_REMOVE:
	case MM_MADV_DONTFORK:
	case MM_MADV_DOFORK:
	case MM_MADV_HUGEPAGE:
	case MM_MADV_NOHUGEPAGE:
	case MM_MADV_WIPEONFORK:
	case MM_MADV_KEEPONFORK:
		return true;
	default:
		return false;
	}
}

/* Advice that only changes vm_flags; returns false for the others. */
static bool madvise_flags(int advice, uint32_t old, uint32_t *nf)
{
	switch (advice) {
	case MM_MADV_HUGEPAGE:
		*nf = (old & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		return true;
	case MM_MADV_NOHUGEPAGE:
		*nf = (old & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		return true;
	case MM_MADV_DONTFORK:
		*nf = old | VM_DONTFORK;
		return true;
	case MM_MADV_DOFORK:
		*nf = old & ~VM_DONTFORK;
		return true;
	case MM_MADV_WIPEONFORK:
		*nf = old | VM_WIPEONFORK;
		return true;
	case MM_MADV_KEEPONFORK:
		*nf = old & ~VM_WIPEONFORK;
		return true;
	default:
		return false;
	}
}

/* Read the file pages of [start, end) of v into the page cache. */
static void madvise_willneed(struct vma *v, uint64_t start, uint64_t end)
{
	uint64_t size, npages, idx, last;

	if (!v->file || vma_is_shmem(v))
		return;
	size = v->file->ops->size(v->file);
	npages = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;
	idx = v->pgoff + ((start - v->start) >> PAGE_SHIFT);
	last = v->pgoff + ((end - v->start) >> PAGE_SHIFT);
	for (; idx < last && idx < npages; idx++) {
		struct page *pg;

		if (v->file->ops->get_page(v->file, idx, &pg) != 0)
			return;
		page_put(pg);
	}
}

/*
 * Advice that unmaps pages needs the 2 MiB leaves that straddle the range
 * edges split first. Flag changes split them only where the flags really
 * change (mm_vma_set_flags); hints leave them whole, as Linux.
 */
static int madvise_split_edges(struct mm *mm, uint64_t start, uint64_t end, int advice)
{
	int err;

	if (advice != MM_MADV_DONTNEED && advice != MM_MADV_REMOVE)
		return 0;
	err = mm_split_huge_at(mm, start);
	if (!err)
		err = mm_split_huge_at(mm, end);
	return err;
}

/* DONTNEED/REMOVE on [start, end) inside v. */
static int madvise_zap(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		       int advice)
{
	int err;

	if (advice == MM_MADV_REMOVE) {
		if (!v->file)
			return -MM_EINVAL;
		/* vma_is_shared_maywrite(): today's prot does not matter. */
		if ((v->flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
			return -MM_EACCES;
	}
	/* Only a VMA the advice applies to has its straddling 2 MiB leaves split. */
	err = madvise_split_edges(mm, start, end, advice);
	if (err)
		return err;
	/* A punched hole is unmapped everywhere, this space included. */
	if (advice == MM_MADV_REMOVE) {
		uint64_t first = v->pgoff + ((start - v->start) >> PAGE_SHIFT);
		uint64_t last = v->pgoff + ((end - v->start) >> PAGE_SHIFT);

		if (vma_is_shmem(v))
			mm_shmem_punch(v->file, first, last);
		else
			mm_zap_file_pages(v->file, first, last);
		return 0;
	}
	mm_zap_range(mm, v, start, end);
	/*
	 * Linux >= 6.14 with CONFIG_PT_RECLAIM (x86-64's default) frees the
	 * page table of every 2 MiB region a DONTNEED emptied whole within
	 * one VMA, so the region's next fault may map a 2 MiB page again.
	 */
	pt_free_empty_ptes(mm->root_pfn, start, end);
	return 0;
}

/* Apply advice to [start, end) inside v; *next is where to continue. */
static int madvise_vma(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		       int advice, struct vma **next)
{
	uint32_t nf;

	*next = v;
	/* Linux wipes only private anonymous memory: files and shmem have no "fresh" state. */
	if (advice == MM_MADV_WIPEONFORK && (v->file || (v->flags & VM_SHARED)))
		return -MM_EINVAL;
	if (madvise_flags(advice, v->flags, &nf))
		return mm_vma_set_flags(mm, v, start, end, nf, next);
	switch (advice) {
	case MM_MADV_DONTNEED:
	case MM_MADV_REMOVE:
		return madvise_zap(mm, v, start, end, advice);
	case MM_MADV_WILLNEED:
		madvise_willneed(v, start, end);
		return 0;
	default:
		return 0; /* NORMAL, RANDOM, SEQUENTIAL, FREE: hints with no visible effect */
	}
}

int mm_madvise(struct mm *mm, uint64_t start, uint64_t len, int advice)
{
	uint64_t end, pos;
	int err = 0, hole = 0;
	struct vma *v;

	if (!madvise_valid(advice) || (start & ~PAGE_MASK))
		return -MM_EINVAL;
	if (len > USER_VA_END)
		return -MM_EINVAL;
	end = start + ALIGN_UP(len, PAGE_SIZE);
	if (end < start)
		return -MM_EINVAL;
	if (end == start)
		return 0;
	for (pos = start; pos < end && !err;) {
		uint64_t stop;

		v = vma_find(&mm->vmas, pos);
		if (!v || v->start >= end) {
			hole = -MM_ENOMEM;
			break;
		}
		if (v->start > pos)
			hole = -MM_ENOMEM;
		pos = MM_MAX(pos, v->start);
		stop = MM_MIN(v->end, end);
		err = madvise_vma(mm, v, pos, stop, advice, &v);
		pos = stop;
	}
	mm_after_op(mm);
	return err ? err : hole;
}
