/*
 * mmcore/fault_anon.c - do_anonymous_page: the first touch of anonymous
 * memory at 4 KiB granularity.
 *
 * A read maps the shared zero page read-only (not resident, as Linux). A
 * write allocates a zeroed page and, with fault-around, its neighbours:
 *
 *   window = the naturally aligned block of W pages holding the fault,
 *            W = mm_config.faultaround rounded down to a power of two
 *            (at most FAULTAROUND_MAX; 0 or 1 = no fault-around),
 *            clipped to the VMA and to the 2 MiB region of the fault;
 *   chosen = the pages of the window whose entry is empty.
 *
 * So with the default of 16, touching memory page by page faults once per
 * 64 KiB. The window never leaves the fault's 2 MiB region, so a 2 MiB
 * region next door keeps an empty PD entry for a later huge fault. All
 * chosen pages are mapped with one pt_map_batch() call; each starts with
 * refcount 1 and mapcount 1. Only the faulting page must be allocated; a
 * neighbour that cannot be had is simply left out.
 */
#include "mmcore/fault.h"
#include "mmcore/fault_explain.h"

#define FAULTAROUND_MAX 128 /* bounds the pfn array on the (kernel) stack */

/* Window size W in pages (see the file comment). */
static unsigned faultaround_window(void)
{
	unsigned n = MM_MIN(mm_config.faultaround, FAULTAROUND_MAX);
	unsigned w = 1;

	while (w * 2 <= n)
		w *= 2;
	return w;
}

/* Map the zero page read-only at f->addr. */
static enum fault_result anon_map_zero(struct fault *f)
{
	pte_t flags = (mm_vma_pte_flags(f->vma) & ~PTE_RW) | PTE_P;
	uint64_t zpfn = page_to_pfn(mm_zero_page);
	int err = 0;

	if (f->pte)
		pt_entry_set(f->pt_table, f->pte, pte_mk(zpfn, flags));
	else
		err = pt_map(f->mm->root_pfn, f->addr, zpfn, flags);
	if (err == -MM_ENOMEM)
		return FAULT_OOM;
	FAULT_EXPLAIN(FX_ANON_ZERO, f->addr, 0);
	f->mm->stats->faults_anon_zero++;
	return FAULT_OK;
}

struct fa_window {
	uint64_t start;                 /* first page of the window */
	unsigned n;                     /* pages in the window */
	uint64_t pfns[FAULTAROUND_MAX]; /* PT_BATCH_SKIP where nothing is mapped */
	unsigned allocated;
};

/* Choose the window around f->addr, clipped as the file comment says. */
static void fa_window_pick(struct fault *f, struct fa_window *w)
{
	uint64_t span = (uint64_t)faultaround_window() << PAGE_SHIFT;
	uint64_t lo = MM_MAX(ALIGN_DOWN(f->addr, span), MM_MAX(f->vma->start, f->addr & HUGE_MASK));
	uint64_t hi = MM_MIN(ALIGN_DOWN(f->addr, span) + span,
			     MM_MIN(f->vma->end, (f->addr & HUGE_MASK) + HUGE_SIZE));

	w->start = lo;
	w->n = (unsigned)((hi - lo) >> PAGE_SHIFT);
	w->allocated = 0;
	if (!fault_explain_hook)
		return;
	FAULT_EXPLAIN(FX_FA_WINDOW, lo, hi);
	if (lo > ALIGN_DOWN(f->addr, span))
		FAULT_EXPLAIN(lo == f->vma->start ? FX_FA_CLIP_VMA : FX_FA_CLIP_HUGE, lo, 0);
	if (hi < ALIGN_DOWN(f->addr, span) + span)
		FAULT_EXPLAIN(hi == f->vma->end ? FX_FA_CLIP_VMA : FX_FA_CLIP_HUGE, hi, 0);
}

/* True when the entry for page i of the window is empty. */
static bool fa_slot_empty(struct fault *f, struct fa_window *w, unsigned i)
{
	uint64_t va = w->start + ((uint64_t)i << PAGE_SHIFT);

	if (!f->pte)
		return true; /* no page table yet: everything is empty */
	return pte_none(f->pte[((int64_t)va - (int64_t)f->addr) / (int64_t)PAGE_SIZE]);
}

/* Allocate the faulting page (must succeed) and the empty neighbours. */
static bool fa_alloc(struct fault *f, struct fa_window *w)
{
	unsigned fi = (unsigned)((f->addr - w->start) >> PAGE_SHIFT);
	bool neighbours = true;

	for (unsigned i = 0; i < w->n; i++)
		w->pfns[i] = PT_BATCH_SKIP;
	for (unsigned k = 0; k < w->n; k++) {
		/* The faulting page first, so a shortage hits the neighbours. */
		unsigned i = k == 0 ? fi : (k <= fi ? k - 1 : k);
		struct page *pg;

		if (i != fi && (!neighbours || !fa_slot_empty(f, w, i)))
			continue;
		pg = mm_anon_page_alloc();
		if (!pg) {
			if (i == fi)
				return false;
			neighbours = false;
			continue;
		}
		page_mapcount_inc(pg);
		w->pfns[i] = page_to_pfn(pg);
		w->allocated++;
	}
	return true;
}

/* Give back what fa_alloc took (the batch could not be mapped). */
static void fa_free(struct fa_window *w)
{
	for (unsigned i = 0; i < w->n; i++)
		if (w->pfns[i] != PT_BATCH_SKIP)
			mm_page_map_put(pfn_to_page(w->pfns[i]));
}

/* A write to never-touched anonymous memory: new page(s), one batch. */
static enum fault_result anon_write(struct fault *f)
{
	struct fa_window w;
	pte_t flags;
	int mapped;

	fa_window_pick(f, &w);
	mm_anon_id_ensure(f->vma);
	if (!fa_alloc(f, &w)) {
		FAULT_EXPLAIN(FX_OOM, f->addr, 0);
		return FAULT_OOM;
	}
	flags = mm_vma_pte_flags(f->vma) | PTE_A | PTE_D;
	if (w.allocated == 1 && f->pte) {
		/* Just the faulting page, into a table we already hold: no walk. */
		pt_entry_set(f->pt_table, f->pte, pte_mk(w.pfns[(f->addr - w.start) >> PAGE_SHIFT],
							 flags | PTE_P));
		mapped = 1;
	} else {
		mapped = pt_map_batch(f->mm->root_pfn, w.start, w.pfns, w.n, flags);
	}
	if (mapped < 0) {
		fa_free(&w);
		return FAULT_OOM;
	}
	MM_ASSERT(mapped == (int)w.allocated, "anon_write: batch skipped a chosen page");
	FAULT_EXPLAIN(FX_FA_MAPPED, w.allocated, w.n);
	f->mm->rss_anon += w.allocated;
	f->mm->stats->faults_anon_new++;
	f->mm->stats->faultaround_pages += w.allocated - 1;
	return FAULT_OK;
}

enum fault_result do_anonymous_page(struct fault *f)
{
	if (!f->write)
		return anon_map_zero(f);
	return anon_write(f);
}
