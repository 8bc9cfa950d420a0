/*
 * mmcore/mm_stat.c - per-VMA residency for /proc/PID/smaps and the
 * simulator: one walk over the VMA's leaves, each frame classified as
 * Linux's smaps_account() does (private when its reference count shows a
 * single owner or it is mapped once; otherwise shared, Pss divided by the
 * number of mappings).
 */
#include "mmcore/mm.h"
#include "mmcore/mm_internal.h"
#include "mmcore/mm_stat.h"

struct stat_walk {
	const struct vma *v;
	struct mm_vma_stat *st;
};

/* Account size bytes of one frame (or a run of one compound page). */
static void stat_add(struct stat_walk *w, uint64_t size, uint64_t pss, bool dirty, bool priv,
		     struct page *head)
{
	struct mm_vma_stat *st = w->st;

	st->pss += pss;
	if (dirty) {
		st->pss_dirty += pss;
		if (priv)
			st->private_dirty += size;
		else
			st->shared_dirty += size;
	} else if (priv) {
		st->private_clean += size;
	} else {
		st->shared_clean += size;
	}
	if (vma_is_shmem(w->v))
		st->pss_shmem += pss;
	else if (head->flags & PG_ANON)
		st->pss_anon += pss;
	else
		st->pss_file += pss;
}

/*
 * How many mappings share the frame a leaf maps. The head of a compound
 * page counts its PMD once but, once split, each of its PTEs: without
 * per-frame counts a PTE-mapped compound page is taken as mapped by as many
 * spaces as its count covers whole 512-frame copies (rounded up).
 */
static int32_t stat_mapcount(const struct page *head, int level)
{
	if (level == 2 || !(head->flags & PG_HEAD))
		return head->mapcount;
	return (head->mapcount + (int32_t)HUGE_NR_PAGES - 1) / (int32_t)HUGE_NR_PAGES;
}

/*
 * One leaf: a 4 KiB frame or a whole 2 MiB page. A compound page held only
 * by this leaf (refcount 1) is private in full; otherwise each of its
 * frames is judged by the map count the head carries for all of them.
 */
static int stat_leaf(void *ctx, uint64_t va, pte_t *entry, int level, struct page *table)
{
	struct stat_walk *w = ctx;
	struct mm_vma_stat *st = w->st;
	uint64_t pfn = level == 2 ? pte_huge_pfn(*entry) : pte_pfn(*entry);
	uint64_t size = level == 2 ? HUGE_SIZE : PAGE_SIZE;
	struct page *head;
	bool dirty;
	int32_t maps;

	(void)va;
	(void)table;
	if (!pfn_valid(pfn))
		return 0;
	head = page_compound_head(pfn_to_page(pfn));
	if (head->flags & PG_ZERO)
		return 0;
	dirty = (*entry & PTE_D) || (head->flags & PG_DIRTY);
	st->rss += size;
	if (head->flags & PG_ANON)
		st->anonymous += size;
	if (*entry & PTE_A)
		st->referenced += size;
	if (w->v->flags & VM_LOCKED)
		st->locked += size;
	if (level == 2) {
		if (vma_is_shmem(w->v))
			st->shmem_huge += size;
		else if (head->flags & PG_ANON)
			st->anon_huge += size;
		else
			st->file_huge += size;
	}
	maps = stat_mapcount(head, level);
	if (head->refcount == 1 || maps < 2)
		stat_add(w, size, size << MM_PSS_SHIFT, dirty, true, head);
	else
		stat_add(w, size, (size << MM_PSS_SHIFT) / (uint64_t)maps, dirty, false, head);
	return 0;
}

/* Add v's resident memory to *st. */
void mm_vma_stat(const struct mm *mm, const struct vma *v, struct mm_vma_stat *st)
{
	struct stat_walk w = {.v = v, .st = st};

	pt_for_each_leaf(mm->root_pfn, v->start, v->end, stat_leaf, &w);
}
