/*
 * mmcore/mm.c - address spaces: global configuration, the shared zero
 * pages, creating and destroying an mm, resident-set accounting and the
 * small helpers every operation and fault handler shares.
 */
#include "mmcore/mm_internal.h"

struct mm_config mm_config = {
	.thp = MM_THP_ALWAYS,
	.faultaround = MM_FAULTAROUND_DEFAULT,
	.huge_zero_page = true,
};

struct mm_counters mm_global_counters;

struct page *mm_zero_page;
struct page *mm_huge_zero_page;

/* Every live address space, for operations that reach all mappings of a file. */
static struct mm *mm_all;

/* Linux's anon_vma identities: 0 means "none yet", so the counter starts at 1. */
static uint64_t mm_anon_id_counter;

/* ---- zero pages ---------------------------------------------------------- */

/* Zero pages hold one reference forever, so page_put never frees them. */
int mm_init(void)
{
	struct page *pg = buddy_alloc(0);

	if (!pg)
		return -MM_ENOMEM;
	mm_plat_zero_page(page_address(pg));
	pg->flags |= PG_ZERO;
	page_ref_init(pg);
	mm_zero_page = pg;

	/* Without a huge zero page, THP read faults allocate (as Linux). */
	mm_huge_zero_page = buddy_alloc_huge();
	if (mm_huge_zero_page) {
		page_compound_make(mm_huge_zero_page, HUGE_ORDER);
		for (unsigned i = 0; i < HUGE_NR_PAGES; i++)
			mm_plat_zero_page(page_address(mm_huge_zero_page + i));
		mm_huge_zero_page->flags |= PG_ZERO;
		page_ref_init(mm_huge_zero_page);
	}
	return 0;
}

/* Free the zero pages (every address space must be gone). */
void mm_fini(void)
{
	struct page *zp[2] = { mm_zero_page, mm_huge_zero_page };

	for (unsigned i = 0; i < 2; i++) {
		if (!zp[i])
			continue;
		MM_ASSERT(page_mapcount(zp[i]) == 0 && page_ref_count(zp[i]) == 1,
			  "mm_fini: zero page still referenced");
		zp[i]->flags &= ~PG_ZERO;
		page_put(zp[i]);
	}
	mm_zero_page = NULL;
	mm_huge_zero_page = NULL;
}

/* ---- address spaces ------------------------------------------------------ */

int mm_create(struct mm **out)
{
	struct mm *mm = mm_plat_obj_alloc(sizeof(*mm));
	int err;

	if (!mm)
		return -MM_ENOMEM;
	__builtin_memset(mm, 0, sizeof(*mm));
	err = pt_create(&mm->root_pfn);
	if (err) {
		mm_plat_obj_free(mm, sizeof(*mm));
		return err;
	}
	vma_tree_init(&mm->vmas);
	mm->mmap_base = MM_MMAP_BASE_DEFAULT;
	mm->rlimit_as = ~0ull;
	mm->rlimit_data = ~0ull;
	mm->stats = &mm_global_counters;
	mm_lock_init(&mm->lock);
	mm->all_next = mm_all;
	if (mm_all)
		mm_all->all_prev = mm;
	mm_all = mm;
	*out = mm;
	return 0;
}

void mm_destroy(struct mm *mm)
{
	struct vma *v;

	if (!mm)
		return;
	/* VMA boundaries never cut a 2 MiB leaf, so each VMA zaps whole. */
	while ((v = vma_first(&mm->vmas)) != NULL) {
		mm_zap_range(mm, v, v->start, v->end);
		mm_vma_release(mm, v);
	}
	MM_ASSERT(mm->rss_anon == 0 && mm->rss_file == 0 && mm->rss_shmem == 0 &&
		  mm->anon_huge == 0, "mm_destroy: resident counters not zero");
	mm_plat_tlb_flush_all(mm->root_pfn);
	pt_destroy(mm->root_pfn);
	if (mm->all_prev)
		mm->all_prev->all_next = mm->all_next;
	else
		mm_all = mm->all_next;
	if (mm->all_next)
		mm->all_next->all_prev = mm->all_prev;
	mm_plat_obj_free(mm, sizeof(*mm));
}

struct mm *mm_all_first(void)
{
	return mm_all;
}

/* ---- counters ------------------------------------------------------------ */

uint64_t mm_rss_bytes(const struct mm *mm)
{
	return (mm->rss_anon + mm->rss_file + mm->rss_shmem) << PAGE_SHIFT;
}

uint64_t mm_anon_huge_bytes(const struct mm *mm)
{
	return mm->anon_huge << PAGE_SHIFT;
}

uint64_t mm_vma_count(const struct mm *mm)
{
	return mm->vmas.count;
}

void mm_rss_account(struct mm *mm, const struct vma *v, struct page *pg,
		    int64_t pages, bool huge)
{
	struct page *head = page_compound_head(pg);

	if (head->flags & PG_ZERO)
		return;
	if (vma_is_shmem(v)) {
		mm->rss_shmem += (uint64_t)pages;
	} else if (head->flags & PG_ANON) {
		mm->rss_anon += (uint64_t)pages;
		if (huge)
			mm->anon_huge += (uint64_t)pages;
	} else {
		mm->rss_file += (uint64_t)pages;
	}
}

/* ---- small shared helpers ------------------------------------------------- */

uint32_t mm_prot_to_vmflags(int prot)
{
	uint32_t f = 0;

	if (prot & MM_PROT_READ)
		f |= VM_READ;
	if (prot & MM_PROT_WRITE)
		f |= VM_WRITE;
	if (prot & MM_PROT_EXEC)
		f |= VM_EXEC;
	return f;
}

pte_t mm_vma_pte_flags(const struct vma *v)
{
	pte_t f = PTE_US;

	if (v->flags & VM_PROT_MASK)
		f |= PTE_P;
	if (v->flags & VM_WRITE)
		f |= PTE_RW;
	if (!(v->flags & VM_EXEC))
		f |= PTE_NX;
	return f;
}

uint64_t mm_anon_id_new(void)
{
	return ++mm_anon_id_counter;
}

/*
 * Linux's anon_vma_compatible: a next to b, same file and contiguous
 * pgoff, flags equal but for the protection bits mprotect changes.
 */
static bool anon_id_compatible(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->file == b->file &&
	       !((a->flags ^ b->flags) & ~VM_PROT_MASK) &&
	       b->pgoff == a->pgoff + ((b->start - a->start) >> PAGE_SHIFT);
}

/* A neighbour's anon_id v may share (reusable_anon_vma: not one a fork chained), or 0. */
static uint64_t anon_id_reusable(const struct vma *near, const struct vma *a, const struct vma *b)
{
	if (!near || !near->anon_id || (near->flags & VM_ANON_CHAINED))
		return 0;
	return anon_id_compatible(a, b) ? near->anon_id : 0;
}

/*
 * As Linux's anon_vma_prepare: reuse the anon_vma of the VMA after, then
 * of the one before, when they could have been one VMA but for their
 * protection (find_mergeable_anon_vma); so an mprotect that later makes
 * them alike can merge them. Else a fresh identity.
 */
void mm_anon_id_ensure(struct vma *v)
{
	struct vma *next, *prev;

	if (v->anon_id)
		return;
	next = vma_next(v);
	v->anon_id = anon_id_reusable(next, v, next);
	if (v->anon_id)
		return;
	prev = vma_prev(v);
	v->anon_id = anon_id_reusable(prev, prev, v);
	if (!v->anon_id)
		v->anon_id = mm_anon_id_new();
}

struct page *mm_anon_page_alloc(void)
{
	struct page *pg = buddy_alloc(0);

	if (!pg)
		return NULL;
	mm_plat_zero_page(page_address(pg));
	pg->flags |= PG_ANON;
	page_ref_init(pg);
	return pg;
}

void mm_page_map_get(struct page *pg)
{
	if (page_is_zero(pg))
		return;
	page_ref_inc(pg);
	page_mapcount_inc(pg);
}

void mm_page_map_put(struct page *pg)
{
	if (page_is_zero(pg))
		return;
	page_mapcount_dec(pg);
	page_put(pg);
}
