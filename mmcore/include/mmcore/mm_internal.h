/*
 * mmcore/mm_internal.h - helpers shared by the address-space operations
 * (mm*.c) and the fault handlers (fault*.c). Not for the homes: they use
 * mm.h only.
 */
#ifndef MMCORE_MM_INTERNAL_H
#define MMCORE_MM_INTERNAL_H

#include "mmcore/mm.h"
#include "mmcore/buddy.h"

/*
 * vm_flags bit kept by mmcore: the VMA's anon_vma is linked to its
 * parent's (a forked VMA that had pages; Linux's anon_vma_chain is not
 * singular). Linux never merges such a VMA with one that has no anon_vma;
 * being a flag, it keeps vma_can_merge's flag comparison from doing so,
 * while the two halves of a split forked VMA still merge back.
 */
#define VM_ANON_CHAINED (1u << 30)

/* The shared zero pages (mm.c). The huge one is NULL when none could be had. */
extern struct page *mm_zero_page;
extern struct page *mm_huge_zero_page;

static inline bool page_is_zero(struct page *pg)
{
	return (page_compound_head(pg)->flags & PG_ZERO) != 0;
}

static inline uint64_t vma_pages(const struct vma *v)
{
	return (v->end - v->start) >> PAGE_SHIFT;
}

/* True for VMAs whose pages are private (copy-on-write). */
static inline bool vma_is_private(const struct vma *v)
{
	return !(v->flags & VM_SHARED);
}

static inline bool vma_is_anon(const struct vma *v)
{
	return v->file == NULL;
}

/*
 * In the fortress profile: run mm_check_space() after an operation, then
 * tell the home (which schedules the global mm_check()).
 */
static inline void mm_after_op(struct mm *mm)
{
	if (MM_CFG_CHECK_EVERY_OP) {
		mm_check_space(mm);
		mm_plat_after_op(mm);
	}
}

/* ---- mm.c ---------------------------------------------------------------- */

/* The first of all live address spaces (then follow mm->all_next). */
struct mm *mm_all_first(void);

/* VM_READ/WRITE/EXEC for a PROT_* combination. */
uint32_t mm_prot_to_vmflags(int prot);

/*
 * Leaf flags a page of v gets when mapped: user, present when v allows any
 * access (PROT_NONE leaves keep their frame with P clear, so every access,
 * the kernel's included, traps), writable when v is, NX unless v is
 * executable.
 */
pte_t mm_vma_pte_flags(const struct vma *v);

/*
 * Account `pages` (negative to remove) resident pages of frame pg mapped in
 * v: the zero pages count nowhere, shared anonymous memory is shmem, other
 * PG_ANON frames are anon, the rest file. huge marks a 2 MiB leaf, which
 * also counts in anon_huge when anonymous.
 */
void mm_rss_account(struct mm *mm, const struct vma *v, struct page *pg,
		    int64_t pages, bool huge);

/* Give v its anon_vma identity if it has none yet (first anonymous page). */
void mm_anon_id_ensure(struct vma *v);
/* A fresh anon_vma identity (fork). */
uint64_t mm_anon_id_new(void);

/*
 * A fresh anonymous 4 KiB page, zeroed, PG_ANON, refcount 1, mapcount 0.
 * NULL when no memory.
 */
struct page *mm_anon_page_alloc(void);

/* Take the mapping's reference and map count on pg (a new leaf maps it). */
void mm_page_map_get(struct page *pg);
/* Drop a leaf's reference and map count; frees the page at zero. */
void mm_page_map_put(struct page *pg);

/* ---- mm_zap.c ------------------------------------------------------------ */

/*
 * Split the 2 MiB leaf covering va (if any) into 512 PTEs, keeping the
 * refcount model: each PTE then holds its own reference and map count on
 * the head (a huge zero page becomes 512 PTEs of the 4 KiB zero page).
 * Returns 0 (also when nothing was there) or -MM_ENOMEM (unchanged).
 */
int mm_split_huge_leaf(struct mm *mm, uint64_t va);

/* Split the 2 MiB leaf straddling addr, if addr is not 2 MiB aligned. */
int mm_split_huge_at(struct mm *mm, uint64_t addr);

/*
 * Unmap every leaf of v in [start, end), dropping the references they hold
 * and the resident counters. 2 MiB leaves must lie wholly inside the range
 * (callers split the edges first with mm_split_huge_at).
 */
void mm_zap_range(struct mm *mm, struct vma *v, uint64_t start, uint64_t end);

/*
 * Unmap file pages [first, last) of f from every address space (Linux's
 * unmap_mapping_range, for hole punching): all leaves of shared mappings,
 * the page-cache leaves of private ones (their private copies stay).
 * f's VMAs hold no 2 MiB leaves.
 */
void mm_zap_file_pages(struct mm_file *f, uint64_t first, uint64_t last);

/* ---- mm_vma.c ------------------------------------------------------------ */

/*
 * Split v so that [start, end) (clipped to v) is one VMA of its own, which
 * is returned in *out. Returns 0 or -MM_ENOMEM (v as it was).
 */
int mm_vma_isolate(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		   struct vma **out);

/* Merge v with its neighbours where Linux would; returns the VMA holding v's range. */
struct vma *mm_vma_merge_around(struct mm *mm, struct vma *v);

/* Unlink v, uncount it and free it (dropping its file reference). No pages may remain. */
void mm_vma_release(struct mm *mm, struct vma *v);

/*
 * Give [start, end) (clipped to v) the vm flags newflags: split the 2 MiB
 * leaves straddling its edges and the VMA, change the flags and the
 * leaves' protection, merge with the neighbours. When the flags do not
 * change nothing happens at all. *out is the VMA now holding start.
 * Returns 0 or -MM_ENOMEM.
 */
int mm_vma_set_flags(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		     uint32_t newflags, struct vma **out);

/*
 * A new VMA (not inserted) with src's attributes for [start, end) at file
 * page pgoff, holding its own file reference. NULL on ENOMEM.
 */
struct vma *mm_vma_dup(const struct vma *src, uint64_t start, uint64_t end, uint64_t pgoff);

/* Insert a new VMA, count it, and merge it with its neighbours. */
struct vma *mm_vma_add(struct mm *mm, struct vma *v);

/* ---- mm_mmap.c / mm_munmap.c --------------------------------------------- */

/*
 * Linux's get_unmapped_area: the hint if [hint, hint+len) is free, else
 * the highest free range below mm->mmap_base (2 MiB aligned when
 * thp_align and len >= 2 MiB). Returns 0 and *out, or -MM_ENOMEM.
 */
int mm_get_unmapped_area(struct mm *mm, uint64_t hint, uint64_t len, bool thp_align,
			 uint64_t *out);

/*
 * Remove every mapping in [start, end) (page aligned). Returns 0 or
 * -MM_ENOMEM when a VMA or huge page could not be split (nothing removed).
 */
int mm_unmap_range(struct mm *mm, uint64_t start, uint64_t end);

/*
 * Free the empty page tables of the unmapped hole holding [start, end), as
 * Linux's free_pgtables: only tables whose whole 2 MiB span lies between
 * the neighbouring VMAs go, so a page table a neighbour still shares stays
 * (and keeps a later fault there at 4 KiB, as in Linux).
 */
void mm_free_tables_in_hole(struct mm *mm, uint64_t start, uint64_t end);

/* ---- mm_shmem.c ---------------------------------------------------------- */

/*
 * A shared anonymous memory object (Linux's shmem file behind
 * MAP_SHARED|MAP_ANONYMOUS) of `size` bytes, with one reference for the
 * caller. Returns 0 and *out, or -MM_ENOMEM.
 */
int mm_shmem_create(uint64_t size, struct mm_file **out);
/* True when f is a shared anonymous memory object. */
bool mm_file_is_shmem(const struct mm_file *f);
/*
 * Punch a hole (MADV_REMOVE): unmap the object's pages with index in
 * [first, last) from every address space and drop them from the object.
 */
void mm_shmem_punch(struct mm_file *f, uint64_t first, uint64_t last);
/* Add to counts[pfn - page_base_pfn] the references shmem objects hold. */
void mm_shmem_count_refs(int32_t *counts);
/* Number of live shmem objects (leak checks). */
uint64_t mm_shmem_live(void);

static inline bool vma_is_shmem(const struct vma *v)
{
	return v->file && mm_file_is_shmem(v->file);
}

#endif
