/*
 * tests/unit/mmtest.h - helpers for the mmcore address-space and fault
 * tests: a fresh simulated machine per test, a tiny software MMU that
 * retries through mm_fault() as hardware would, and a test file whose byte
 * at offset o is o mod 251, served from a page cache of buddy frames.
 */
#ifndef TESTS_UNIT_MMTEST_H
#define TESTS_UNIT_MMTEST_H

#include <criterion/criterion.h>
#include <stdlib.h>

#include "mmcore/buddy.h"
#include "mmcore/mm.h"
#include "sim_phys.h"

#define MT_MEM (64ull << 20)
#define MT_MAX_FILE_PAGES 256

/* ---- machine ------------------------------------------------------------- */

static inline void mt_setup(void)
{
	cr_assert_eq(sim_phys_init(MT_MEM), 0);
	sim_fail_countdown = 0;
	sim_fail_every = 0;
	mm_config.thp = MM_THP_ALWAYS;
	mm_config.faultaround = 0;
	mm_config.huge_zero_page = true;
	cr_assert_eq(mm_init(), 0);
}

/* Every frame back in the allocator once the zero pages are gone. */
static inline void mt_teardown(void)
{
	mm_fini();
	cr_expect_eq(buddy_free_pages(), buddy_managed_pages(), "frames leaked: %llu",
		     (unsigned long long)(buddy_managed_pages() - buddy_free_pages()));
	cr_expect_eq(sim_obj_live, 0, "objects leaked: %llu", (unsigned long long)sim_obj_live);
	sim_phys_fini();
}

static inline struct mm *mt_mm(void)
{
	struct mm *mm;

	cr_assert_eq(mm_create(&mm), 0);
	return mm;
}

/* ---- test file ----------------------------------------------------------- */

struct mt_file {
	struct mm_file f;
	uint64_t size;
	int refs;
	int dirtied;
	struct page *cache[MT_MAX_FILE_PAGES];
};

static inline struct mt_file *mt_file_of(struct mm_file *f)
{
	return (struct mt_file *)f;
}

static uint64_t mt_file_size(struct mm_file *f)
{
	return mt_file_of(f)->size;
}

static int mt_file_get_page(struct mm_file *f, uint64_t index, struct page **out)
{
	struct mt_file *t = mt_file_of(f);
	struct page *pg;

	if (index >= MT_MAX_FILE_PAGES || index >= (t->size + 4095) / 4096)
		return -MM_EFAULT;
	pg = t->cache[index];
	if (!pg) {
		uint8_t *p;

		pg = buddy_alloc(0);
		if (!pg)
			return -MM_ENOMEM;
		p = page_address(pg);
		for (uint64_t i = 0; i < 4096; i++) {
			uint64_t o = index * 4096 + i;
			p[i] = o < t->size ? (uint8_t)(o % 251) : 0;
		}
		pg->flags |= PG_CACHE;
		pg->cache.file = f;
		pg->cache.index = index;
		page_ref_init(pg);
		t->cache[index] = pg;
	}
	page_ref_inc(pg);
	*out = pg;
	return 0;
}

static void mt_file_set_dirty(struct mm_file *f, struct page *pg)
{
	(void)pg;
	mt_file_of(f)->dirtied++;
}

static void mt_file_get(struct mm_file *f)
{
	mt_file_of(f)->refs++;
}

static void mt_file_put(struct mm_file *f)
{
	mt_file_of(f)->refs--;
}

static const struct mm_file_ops mt_file_ops = {
	.size = mt_file_size,
	.get_page = mt_file_get_page,
	.set_dirty = mt_file_set_dirty,
	.get = mt_file_get,
	.put = mt_file_put,
};

static inline struct mt_file *mt_file_new(uint64_t size)
{
	struct mt_file *t = calloc(1, sizeof(*t));

	cr_assert(t);
	t->f.ops = &mt_file_ops;
	t->f.name = "testfile";
	t->f.ino = 1;
	t->size = size;
	t->refs = 1;
	return t;
}

/* Drop the cache and the file (mappings of it must be gone). */
static inline void mt_file_free(struct mt_file *t)
{
	cr_expect_eq(t->refs, 1, "file references leaked");
	for (unsigned i = 0; i < MT_MAX_FILE_PAGES; i++)
		if (t->cache[i])
			page_put(t->cache[i]);
	free(t);
}

/* extra_refs for mm_check: the test file's cache holds one per page. */
static int32_t mt_file_extra_refs(uint64_t pfn, void *ctx)
{
	struct mt_file *t = ctx;

	if (!t)
		return 0;
	for (unsigned i = 0; i < MT_MAX_FILE_PAGES; i++)
		if (t->cache[i] && page_to_pfn(t->cache[i]) == pfn)
			return 1;
	return 0;
}

/* ---- software MMU ---------------------------------------------------------- */

static inline bool mt_leaf_allows(pte_t e, enum mm_access a)
{
	if (!(e & PTE_P) || !(e & PTE_US))
		return false;
	if (a == MM_ACCESS_WRITE)
		return e & PTE_RW;
	if (a == MM_ACCESS_EXEC)
		return !(e & PTE_NX);
	return true;
}

/*
 * One access at va, as a CPU would do it: translate, fault and retry.
 * For a write *byte is stored; for a read it receives the value.
 */
static inline enum fault_result mt_access(struct mm *mm, uint64_t va, enum mm_access a,
					  uint8_t *byte)
{
	for (int tries = 0; tries < 4; tries++) {
		struct pt_lookup l;
		bool present = pt_lookup(mm->root_pfn, va, &l) == 0;
		enum fault_result r;

		if (present && mt_leaf_allows(l.entry, a)) {
			uint8_t *p = (uint8_t *)pfn_address(l.pfn) + (va & 4095);
			if (a == MM_ACCESS_WRITE && byte)
				*p = *byte;
			else if (byte)
				*byte = *p;
			return FAULT_OK;
		}
		r = mm_fault(mm, va, a, present);
		if (r != FAULT_OK)
			return r;
	}
	cr_assert_fail("mt_access: fault at %#llx did not resolve", (unsigned long long)va);
	return FAULT_SIGSEGV;
}

static inline enum fault_result mt_write(struct mm *mm, uint64_t va, uint8_t b)
{
	return mt_access(mm, va, MM_ACCESS_WRITE, &b);
}

static inline int mt_read(struct mm *mm, uint64_t va)
{
	uint8_t b = 0;
	enum fault_result r = mt_access(mm, va, MM_ACCESS_READ, &b);

	return r == FAULT_OK ? b : -(int)r;
}

/* Full consistency check of the given spaces (and the test file, if any). */
static inline void mt_check(struct mm **spaces, unsigned n, struct mt_file *f)
{
	cr_assert_eq(mm_check(spaces, n, mt_file_extra_refs, f), 0);
}

static inline uint64_t mt_mmap_anon(struct mm *mm, uint64_t len, int prot)
{
	uint64_t a = 0;

	cr_assert_eq(mm_mmap(mm, 0, len, prot, MM_MAP_PRIVATE | MM_MAP_ANONYMOUS, NULL, 0, &a), 0);
	return a;
}

#endif
