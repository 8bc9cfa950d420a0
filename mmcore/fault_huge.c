/*
 * mmcore/fault_huge.c - the 2 MiB side of anonymous faults (Linux's
 * do_huge_pmd_anonymous_page and do_huge_pmd_wp_page).
 */
#include "mmcore/fault.h"
#include "mmcore/fault_explain.h"

/* Map the huge zero page read-only over f's 2 MiB region. */
static enum fault_result huge_map_zero(struct fault *f, uint64_t haddr)
{
	pte_t flags = (mm_vma_pte_flags(f->vma) & ~PTE_RW) | PTE_PS;
	int err;

	mm_anon_id_ensure(f->vma); /* Linux prepares the anon_vma here too */
	err = pt_map_huge(f->mm->root_pfn, haddr, page_to_pfn(mm_huge_zero_page), flags);
	if (err == -MM_ENOMEM)
		return FAULT_OOM;
	if (err)
		return FAULT_FALLBACK;
	FAULT_EXPLAIN(FX_HUGE_ZERO, haddr, 0);
	f->mm->stats->faults_huge_zero++;
	return FAULT_OK;
}

/* A fresh zeroed 2 MiB anonymous page (refcount 1, mapcount 0), or NULL. */
static struct page *huge_page_alloc(void)
{
	struct page *head = buddy_alloc_huge();

	if (!head)
		return NULL;
	page_compound_make(head, HUGE_ORDER);
	for (unsigned i = 0; i < HUGE_NR_PAGES; i++)
		mm_plat_zero_page(page_address(head + i));
	head->flags |= PG_ANON;
	page_ref_init(head);
	return head;
}

enum fault_result do_huge_anonymous_page(struct fault *f)
{
	uint64_t haddr = f->addr & HUGE_MASK;
	struct page *head;
	int err;

	if (!fault_thp_allowed(f->vma, f->addr))
		return FAULT_FALLBACK;
	if (!pt_pd_entry_is_empty(f->mm->root_pfn, haddr)) {
		FAULT_EXPLAIN(FX_HUGE_PD_BUSY, haddr, 0);
		goto fallback;
	}
	if (!f->write && mm_config.huge_zero_page && mm_huge_zero_page)
		return huge_map_zero(f, haddr);
	head = huge_page_alloc();
	if (!head) {
		FAULT_EXPLAIN(FX_HUGE_NO_BLOCK, haddr, 0);
		goto fallback;
	}
	mm_anon_id_ensure(f->vma);
	err = pt_map_huge(f->mm->root_pfn, haddr, page_to_pfn(head),
			  mm_vma_pte_flags(f->vma) | PTE_PS | PTE_A | PTE_D);
	if (err) {
		page_put(head);
		if (err == -MM_ENOMEM)
			return FAULT_OOM;
		goto fallback;
	}
	page_mapcount_inc(head);
	FAULT_EXPLAIN(FX_HUGE_NEW, haddr, page_to_pfn(head));
	f->mm->rss_anon += HUGE_NR_PAGES;
	f->mm->anon_huge += HUGE_NR_PAGES;
	f->mm->stats->faults_huge++;
	return FAULT_OK;

fallback:
	f->mm->stats->faults_huge_fallback++;
	return FAULT_FALLBACK;
}

/* Split f's 2 MiB leaf (this address space only) and refresh f's walk. */
static enum fault_result huge_split_then_wp(struct fault *f)
{
	if (mm_split_huge_leaf(f->mm, f->addr) != 0)
		return FAULT_OOM;
	fault_walk_pte(f);
	MM_ASSERT(f->pte && pte_present(*f->pte), "huge_split_then_wp: split left no PTE");
	return do_wp_page(f);
}

/*
 * Linux >= 6.12 (do_huge_zero_wp_pmd): a write to the huge zero page
 * replaces it by a fresh 2 MiB page. FAULT_FALLBACK when none can be had.
 */
static enum fault_result huge_zero_wp(struct fault *f)
{
	uint64_t haddr = f->addr & HUGE_MASK;
	struct page *head = huge_page_alloc();

	if (!head) {
		FAULT_EXPLAIN(FX_HUGE_NO_BLOCK, haddr, 0);
		f->mm->stats->faults_huge_fallback++;
		return FAULT_FALLBACK;
	}
	FAULT_EXPLAIN(FX_HUGE_WP_ZERO, haddr, page_to_pfn(head));
	page_mapcount_inc(head);
	pt_entry_set(f->pd_table, f->pde,
		     pte_mk(page_to_pfn(head), mm_vma_pte_flags(f->vma) | PTE_PS | PTE_A | PTE_D));
	mm_plat_tlb_flush_range(f->mm->root_pfn, haddr, haddr + HUGE_SIZE);
	f->mm->rss_anon += HUGE_NR_PAGES;
	f->mm->anon_huge += HUGE_NR_PAGES;
	f->mm->stats->faults_huge++;
	return FAULT_OK;
}

enum fault_result do_huge_wp_page(struct fault *f)
{
	pte_t e = *f->pde;
	struct page *head = pfn_to_page(pte_huge_pfn(e));

	/*
	 * The huge zero page becomes a 2 MiB page, or (no memory for one)
	 * 4 KiB zero PTEs plus one 4 KiB page, as Linux before 6.12. A page
	 * others map too is copied 4 KiB at a time; their 2 MiB mapping stays.
	 */
	if ((head->flags & PG_ZERO) && huge_zero_wp(f) == FAULT_OK)
		return FAULT_OK;
	if ((head->flags & PG_ZERO) || page_ref_count(head) != 1) {
		FAULT_EXPLAIN(FX_HUGE_WP_SPLIT, page_to_pfn(head), page_ref_count(head));
		return huge_split_then_wp(f);
	}
	FAULT_EXPLAIN(FX_HUGE_WP_REUSE, page_to_pfn(head), page_ref_count(head));
	pt_entry_set(f->pd_table, f->pde, pte_mkwrite(e) | PTE_D | PTE_A);
	mm_plat_tlb_flush_range(f->mm->root_pfn, f->addr & HUGE_MASK,
				(f->addr & HUGE_MASK) + HUGE_SIZE);
	f->mm->stats->faults_wp_reuse++;
	return FAULT_OK;
}
