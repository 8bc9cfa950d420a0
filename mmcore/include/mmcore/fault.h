/*
 * mmcore/fault.h - the fault path's internal state and leaf handlers
 * (Linux's mm/memory.c shape). mm_fault() builds one struct fault, and the
 * router in fault.c only routes it:
 *
 *   not present --+-- anonymous --+-- 2 MiB eligible -> do_huge_anonymous_page
 *                 |               |                       (FAULT_FALLBACK: go on)
 *                 |               +-- 4 KiB --------------> do_anonymous_page
 *                 +-- file/shmem --------------------------> do_file_fault
 *   present ------+-- 2 MiB leaf ---------------------------> do_huge_wp_page
 *                 +-- 4 KiB leaf ---------------------------> do_wp_page
 */
#ifndef MMCORE_FAULT_H
#define MMCORE_FAULT_H

#include "mmcore/mm_internal.h"

/* A leaf handler's answer besides the final results: try the 4 KiB path. */
#define FAULT_FALLBACK ((enum fault_result)(FAULT_OOM + 1))

struct fault {
	struct mm *mm;
	struct vma *vma;
	uint64_t addr;           /* page-aligned faulting address */
	enum mm_access access;
	bool write;              /* access == MM_ACCESS_WRITE */
	pte_t *pde;              /* PD entry, looked up only for a 2 MiB leaf */
	struct page *pd_table;   /* the table page holding *pde */
	pte_t *pte;              /* PT entry for addr, or NULL (no PT table) */
	struct page *pt_table;   /* the table page holding *pte */
};

/* Anonymous not-present fault at 4 KiB: zero page on read, new page(s) on write. */
enum fault_result do_anonymous_page(struct fault *f);

/*
 * Anonymous not-present fault at 2 MiB: maps the huge zero page (read) or
 * a new 2 MiB page. Returns FAULT_FALLBACK when the region is not wholly in
 * the VMA, THP policy forbids it, the PD entry is not empty, or no order-9
 * block is free.
 */
enum fault_result do_huge_anonymous_page(struct fault *f);

/* THP policy and geometry allow a 2 MiB page for addr in v. */
bool fault_thp_allowed(const struct vma *v, uint64_t addr);

/*
 * Write to a present, read-only 2 MiB leaf: the huge zero page is replaced
 * by a new 2 MiB page (Linux >= 6.12) or, when none is free, split into
 * 4 KiB zero PTEs; a sole-owner page is made writable in place; a shared
 * one is split in this address space only. Splits finish in do_wp_page.
 * Returns the fault's result.
 */
enum fault_result do_huge_wp_page(struct fault *f);

/*
 * Write to a present, read-only 4 KiB leaf of a writable VMA: shared
 * mappings become writable (and dirty the file page), private pages are
 * reused when this mapping holds the only reference, else copied.
 */
enum fault_result do_wp_page(struct fault *f);

/*
 * Not-present fault in a file or shared anonymous mapping, through the
 * file's page cache. FAULT_SIGBUS at or past the page holding EOF.
 */
enum fault_result do_file_fault(struct fault *f);

/* Look up f->pte / f->pt_table again (after a split changed the tables). */
void fault_walk_pte(struct fault *f);

#endif
