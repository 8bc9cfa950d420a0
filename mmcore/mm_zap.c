/*
 * mmcore/mm_zap.c - tearing leaves down (munmap, madvise DONTNEED, exit)
 * and splitting 2 MiB leaves with the refcount model kept exact.
 */
#include "mmcore/mm_internal.h"

/* Point the 512 PTEs that replaced a huge zero PMD at the 4 KiB zero page. */
static void split_retarget_zero(struct mm *mm, uint64_t haddr)
{
	struct page *table;
	pte_t *pte = pt_walk(mm->root_pfn, haddr, 1, false, &table, NULL);
	uint64_t zpfn = page_to_pfn(mm_zero_page);

	MM_ASSERT(pte != NULL, "split_retarget_zero: split left no page table");
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		pt_entry_set(table, &pte[i], pte_mk(zpfn, pte[i] & PTE_FLAGS_MASK));
	mm_plat_tlb_flush_range(mm->root_pfn, haddr, haddr + HUGE_SIZE);
}

int mm_split_huge_leaf(struct mm *mm, uint64_t va)
{
	uint64_t haddr = va & HUGE_MASK;
	pte_t *pde = pt_walk(mm->root_pfn, haddr, 2, false, NULL, NULL);
	struct page *head;
	int err;

	if (!pde || pte_none(*pde) || !pte_huge(*pde))
		return 0;
	head = pfn_to_page(pte_huge_pfn(*pde));
	err = pt_split_huge(mm->root_pfn, haddr);
	if (err)
		return err;
	mm->stats->huge_splits++;
	if (head->flags & PG_ZERO) {
		split_retarget_zero(mm, haddr);
		return 0;
	}
	/* One reference and map count per PTE now; the PMD held the first. */
	for (unsigned i = 1; i < HUGE_NR_PAGES; i++) {
		page_ref_inc(head);
		page_mapcount_inc(head);
	}
	if (head->flags & PG_ANON)
		mm->anon_huge -= HUGE_NR_PAGES;
	return 0;
}

int mm_split_huge_at(struct mm *mm, uint64_t addr)
{
	if (IS_ALIGNED(addr, HUGE_SIZE) || addr >= USER_VA_END)
		return 0;
	return mm_split_huge_leaf(mm, addr);
}

struct zap_ctx {
	struct mm *mm;
	struct vma *vma;
	uint64_t start, end;
	bool cache_only; /* leave private copies (PG_ANON) alone */
};

static int zap_leaf(void *arg, uint64_t va, pte_t *entry, int level, struct page *table)
{
	struct zap_ctx *z = arg;
	pte_t e = *entry;
	struct page *pg;

	if (level == 2) {
		MM_ASSERT(va >= z->start && va + HUGE_SIZE <= z->end,
			  "zap_leaf: 2 MiB leaf only partly inside the range");
		pg = pfn_to_page(pte_huge_pfn(e));
	} else {
		pg = pfn_to_page(pte_pfn(e));
	}
	if (z->cache_only && (page_compound_head(pg)->flags & PG_ANON))
		return 0;
	pt_entry_clear(table, entry);
	mm_rss_account(z->mm, z->vma, pg, level == 2 ? -(int64_t)HUGE_NR_PAGES : -1,
		       level == 2);
	mm_page_map_put(pg);
	return 0;
}

static void zap_range(struct zap_ctx *z)
{
	if (z->start >= z->end)
		return;
	pt_for_each_leaf(z->mm->root_pfn, z->start, z->end, zap_leaf, z);
	mm_plat_tlb_flush_range(z->mm->root_pfn, z->start, z->end);
}

/*
 * Linux's unmap_mapping_range: unmap file pages [first, last) of f from
 * every address space; private copies of them too when even_cows.
 */
static void zap_file_range(struct mm_file *f, uint64_t first, uint64_t last, bool even_cows)
{
	for (struct mm *mm = mm_all_first(); mm; mm = mm->all_next) {
		for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v)) {
			uint64_t lo = MM_MAX(first, v->pgoff);
			uint64_t hi = MM_MIN(last, v->pgoff + vma_pages(v));
			struct zap_ctx z = {
				.mm = mm,
				.vma = v,
				.start = v->start + ((lo - v->pgoff) << PAGE_SHIFT),
				.end = v->start + ((hi - v->pgoff) << PAGE_SHIFT),
				.cache_only = vma_is_private(v) && !even_cows,
			};

			if (v->file == f && lo < hi)
				zap_range(&z);
		}
	}
}

/* A hole punched in the object: private copies survive. */
void mm_zap_file_pages(struct mm_file *f, uint64_t first, uint64_t last)
{
	zap_file_range(f, first, last, false);
}

/*
 * Linux's truncate_pagecache: every page from the first whole page past
 * new_size on leaves every mapping, private copies included, so a later
 * access there faults against the new size (SIGBUS) and regrowing the
 * file shows the file's new bytes, not the old ones.
 */
void mm_file_truncate(struct mm_file *f, uint64_t new_size)
{
	uint64_t first = (new_size >> PAGE_SHIFT) + ((new_size & ~PAGE_MASK) != 0);

	zap_file_range(f, first, ~0ull, true);
}

void mm_zap_range(struct mm *mm, struct vma *v, uint64_t start, uint64_t end)
{
	struct zap_ctx z = { .mm = mm, .vma = v, .start = start, .end = end };

	zap_range(&z);
}
