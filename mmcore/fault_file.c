/*
 * mmcore/fault_file.c - do_file_fault: not-present faults in file mappings
 * and shared anonymous memory, through the file's page cache.
 *
 * The cache page is mapped directly for reads and for writes to shared
 * mappings (the reference get_page() took becomes the mapping's); a
 * private mapping's write gets a private copy. A page index at or past
 * ceil(size / 4096) is beyond the file: SIGBUS, as Linux.
 */
#include "mmcore/fault.h"
#include "mmcore/fault_explain.h"

/* Private write: copy the cache page into a new anonymous page and map that. */
static enum fault_result file_map_private_copy(struct fault *f, struct page *cache)
{
	struct page *pg = mm_anon_page_alloc();
	int err;

	if (!pg) {
		page_put(cache);
		return FAULT_OOM;
	}
	mm_plat_copy_page(page_address(pg), page_address(cache));
	page_put(cache);
	mm_anon_id_ensure(f->vma);
	err = pt_map(f->mm->root_pfn, f->addr, page_to_pfn(pg),
		     mm_vma_pte_flags(f->vma) | PTE_A | PTE_D);
	if (err) {
		page_put(pg);
		return err == -MM_ENOMEM ? FAULT_OOM : FAULT_OK;
	}
	page_mapcount_inc(pg);
	f->mm->rss_anon++;
	f->mm->stats->cow_copies++;
	return FAULT_OK;
}

/* Map the cache page itself; shared mappings stay read-only until written. */
static enum fault_result file_map_cache(struct fault *f, struct page *cache)
{
	pte_t flags = mm_vma_pte_flags(f->vma) | PTE_A;
	struct mm_file *file = f->vma->file;
	int err;

	if (!f->write)
		flags &= ~PTE_RW;
	err = pt_map(f->mm->root_pfn, f->addr, page_to_pfn(cache), flags);
	if (err) {
		page_put(cache);
		return err == -MM_ENOMEM ? FAULT_OOM : FAULT_OK;
	}
	page_mapcount_inc(cache);
	mm_rss_account(f->mm, f->vma, cache, 1, false);
	if (f->write) {
		cache->flags |= PG_DIRTY;
		if (file->ops->set_dirty)
			file->ops->set_dirty(file, cache);
	}
	return FAULT_OK;
}

enum fault_result do_file_fault(struct fault *f)
{
	struct mm_file *file = f->vma->file;
	uint64_t index = f->vma->pgoff + ((f->addr - f->vma->start) >> PAGE_SHIFT);
	uint64_t size = file->ops->size(file);
	struct page *cache;
	int err;

	/*
	 * Linux's do_cow_fault prepares the anon_vma before it asks the file
	 * for the page, so a private write past the end keeps it even though
	 * it ends in SIGBUS (and the VMA then merges as one with anon pages).
	 */
	if (f->write && vma_is_private(f->vma))
		mm_anon_id_ensure(f->vma);
	if (index >= ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT)
		return FAULT_SIGBUS;
	err = file->ops->get_page(file, index, &cache);
	if (err == -MM_ENOMEM)
		return FAULT_OOM;
	if (err)
		return FAULT_SIGBUS;
	f->mm->stats->faults_file++;
	FAULT_EXPLAIN(FX_FILE, index, 0);
	if (f->write && vma_is_private(f->vma))
		return file_map_private_copy(f, cache);
	return file_map_cache(f, cache);
}
