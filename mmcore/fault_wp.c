/*
 * mmcore/fault_wp.c - do_wp_page: a write to a present, read-only 4 KiB
 * leaf of a writable VMA (Linux's wp_page_shared / wp_page_reuse /
 * wp_page_copy).
 */
#include "mmcore/fault.h"
#include "mmcore/fault_explain.h"

/* Make the leaf writable in place. */
static void wp_make_writable(struct fault *f)
{
	pt_entry_set(f->pt_table, f->pte, pte_mkwrite(*f->pte) | PTE_D | PTE_A);
	mm_plat_tlb_flush_page(f->mm->root_pfn, f->addr);
}

/* Shared mapping: write through to the (cache) page and tell the file. */
static enum fault_result wp_shared(struct fault *f, struct page *pg)
{
	struct mm_file *file = f->vma->file;

	FAULT_EXPLAIN(FX_WP_SHARED, page_to_pfn(pg), page_ref_count(pg));
	wp_make_writable(f);
	pg->flags |= PG_DIRTY;
	if (file && file->ops->set_dirty)
		file->ops->set_dirty(file, pg);
	return FAULT_OK;
}

/*
 * Replace the leaf's page by a private copy (zero-filled when the old one
 * is the zero page). Allocates before touching anything, so OOM leaves the
 * mapping as it was.
 */
static enum fault_result wp_copy(struct fault *f, struct page *old)
{
	struct page *pg = mm_anon_page_alloc();
	pte_t flags = (*f->pte & PTE_FLAGS_MASK) | PTE_RW | PTE_D | PTE_A;

	if (!pg) {
		FAULT_EXPLAIN(FX_OOM, f->addr, 0);
		return FAULT_OOM;
	}
	mm_anon_id_ensure(f->vma);
	if (page_is_zero(old)) {
		FAULT_EXPLAIN(FX_WP_ZERO, page_to_pfn(pg), 0);
		f->mm->stats->faults_anon_new++;
	} else {
		FAULT_EXPLAIN(FX_WP_COPY, page_to_pfn(old), page_ref_count(old));
		mm_plat_copy_page(page_address(pg), page_address(old));
		f->mm->stats->faults_wp_copy++;
		f->mm->stats->cow_copies++;
	}
	page_mapcount_inc(pg);
	mm_rss_account(f->mm, f->vma, old, -1, false);
	pt_entry_set(f->pt_table, f->pte, pte_mk(page_to_pfn(pg), flags));
	mm_plat_tlb_flush_page(f->mm->root_pfn, f->addr);
	mm_page_map_put(old);
	mm_rss_account(f->mm, f->vma, pg, 1, false);
	return FAULT_OK;
}

enum fault_result do_wp_page(struct fault *f)
{
	struct page *pg = pfn_to_page(pte_pfn(*f->pte));

	if (!vma_is_private(f->vma))
		return wp_shared(f, pg);
	/* Sole owner of an anonymous page: nobody can see the write but us. */
	if ((page_compound_head(pg)->flags & (PG_ANON | PG_ZERO)) == PG_ANON &&
	    page_ref_count(pg) == 1) {
		FAULT_EXPLAIN(FX_WP_REUSE, page_to_pfn(pg), page_ref_count(pg));
		wp_make_writable(f);
		f->mm->stats->faults_wp_reuse++;
		return FAULT_OK;
	}
	return wp_copy(f, pg);
}
