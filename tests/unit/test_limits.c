/*
 * tests/unit/test_limits.c - RLIMIT_AS and RLIMIT_DATA on growth (Linux's
 * may_expand_vm): the rule itself, MAP_FIXED counting only its growth,
 * mprotect making private memory writable, mremap growing or keeping its
 * old range; and mm_check_all(), the global check over every live space,
 * agreeing with mm_check() and catching a frame whose count is off.
 */
#include <signal.h>

#include "mmtest.h"
#include "mmcore/mm_internal.h"

TestSuite(limits, .init = mt_setup, .fini = mt_teardown);

#define PG 4096ull
#define RW (MM_PROT_READ | MM_PROT_WRITE)
#define PRIV_ANON (MM_MAP_PRIVATE | MM_MAP_ANONYMOUS)

static uint64_t map(struct mm *mm, uint64_t pages, int prot, int flags)
{
	uint64_t a = 0;

	cr_assert_eq(mm_mmap(mm, 0, pages * PG, prot, flags, NULL, 0, &a), 0);
	return a;
}

static uint32_t flags_at(struct mm *mm, uint64_t a)
{
	struct vma *v = vma_lookup(&mm->vmas, a);

	cr_assert(v);
	return v->flags;
}

Test(limits, may_expand_vm_follows_linux)
{
	struct mm *mm = mt_mm();

	map(mm, 10, RW, PRIV_ANON);
	map(mm, 6, MM_PROT_READ, PRIV_ANON);
	cr_expect_eq(mm->total_vm, 16);
	cr_expect_eq(mm_data_vm(mm), 10, "only the private writable mapping is data");
	cr_expect(mm_may_expand_vm(mm, VM_READ | VM_WRITE, 1ull << 40), "unlimited");

	mm->rlimit_as = 20 * PG + 100; /* rounded down to 20 pages */
	cr_expect(mm_may_expand_vm(mm, VM_READ, 4));
	cr_expect_not(mm_may_expand_vm(mm, VM_READ, 5));
	cr_expect_not(mm_may_expand_vm(mm, VM_READ, ~0ull), "no overflow");
	mm->rlimit_as = ~0ull;

	mm->rlimit_data = 12 * PG;
	cr_expect(mm_may_expand_vm(mm, VM_READ | VM_WRITE, 2));
	cr_expect_not(mm_may_expand_vm(mm, VM_READ | VM_WRITE, 3));
	cr_expect(mm_may_expand_vm(mm, VM_READ, 100), "read-only memory is not data");
	cr_expect(mm_may_expand_vm(mm, VM_READ | VM_WRITE | VM_SHARED, 100), "shared is not data");
	cr_expect(mm_may_expand_vm(mm, VM_READ | VM_WRITE | VM_GROWSDOWN, 100),
		  "a stack is not data");
	mm_destroy(mm);
}

Test(limits, map_fixed_counts_only_its_growth)
{
	struct mm *mm = mt_mm();
	uint64_t a = map(mm, 8, MM_PROT_READ, PRIV_ANON), out = 0;
	int fixed = PRIV_ANON | MM_MAP_FIXED;

	mm->rlimit_as = 10 * PG;
	cr_expect_eq(mm_pages_mapped_in(mm, a - PG, a + 4 * PG), 4);
	cr_expect_eq(mm_mmap(mm, a, 8 * PG, RW, fixed, NULL, 0, &out), 0, "replaces 8 pages");
	cr_expect_eq(mm_mmap(mm, a + 4 * PG, 6 * PG, RW, fixed, NULL, 0, &out), 0, "2 more fit");
	cr_expect_eq(mm_mmap(mm, a + 4 * PG, 7 * PG, RW, fixed, NULL, 0, &out), -MM_ENOMEM,
		     "3 more do not");
	cr_expect_eq(mm->total_vm, 10);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(limits, mprotect_making_private_memory_writable_counts)
{
	struct mm *mm = mt_mm();
	uint64_t ro = map(mm, 16, MM_PROT_READ, PRIV_ANON);
	uint64_t sh = map(mm, 16, MM_PROT_READ, MM_MAP_SHARED | MM_MAP_ANONYMOUS);

	mm->rlimit_data = 8 * PG;
	cr_expect_eq(mm_mprotect(mm, ro, 16 * PG, RW), -MM_ENOMEM);
	cr_expect_eq(flags_at(mm, ro) & VM_WRITE, 0, "refused memory stays read-only");
	cr_expect_eq(mm_mprotect(mm, ro, 8 * PG, RW), 0, "8 pages fit");
	cr_expect_eq(mm_mprotect(mm, ro + 8 * PG, PG, RW), -MM_ENOMEM, "the 9th does not");
	cr_expect_eq(mm_mprotect(mm, sh, 16 * PG, RW), 0, "shared memory is not data");
	/* Memory that already is data is never refused, even above the limit. */
	mm->rlimit_data = 4 * PG;
	cr_expect_eq(mm_mprotect(mm, ro, 8 * PG, RW), 0);
	cr_expect_eq(mm_mprotect(mm, ro, 8 * PG, RW | MM_PROT_EXEC), 0);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(limits, mremap_growth_counts)
{
	struct mm *mm = mt_mm();
	uint64_t rw = map(mm, 8, RW, PRIV_ANON);
	uint64_t ro = map(mm, 8, MM_PROT_READ, PRIV_ANON);
	uint64_t out = 0;

	cr_assert_eq(mt_write(mm, rw, 7), FAULT_OK);
	mm->rlimit_data = 12 * PG;
	cr_expect_eq(mm_mremap(mm, rw, 8 * PG, 13 * PG, MM_MREMAP_MAYMOVE, 0, &out), -MM_ENOMEM);
	cr_expect_eq(mt_read(mm, rw), 7, "the refused mapping is untouched");
	cr_expect_eq(mm_mremap(mm, rw + 64 * PG * 1024, PG, 64 * PG, MM_MREMAP_MAYMOVE, 0, &out),
		     -MM_EFAULT, "no mapping: EFAULT comes first");
	cr_expect_eq(mm_mremap(mm, ro, 8 * PG, 64 * PG, MM_MREMAP_MAYMOVE, 0, &out), 0,
		     "read-only memory is not data");
	cr_expect_eq(mm_mremap(mm, rw, 8 * PG, 8 * PG, MM_MREMAP_MAYMOVE | MM_MREMAP_DONTUNMAP, 0,
			       &out), -MM_ENOMEM, "DONTUNMAP keeps the old 8 pages: 16 in all");
	cr_expect_eq(mm_mremap(mm, rw, 8 * PG, 12 * PG, MM_MREMAP_MAYMOVE, 0, &out), 0);
	cr_expect_eq(mt_read(mm, out), 7);
	mm->rlimit_data = ~0ull;
	mm->rlimit_as = mm->total_vm * PG;
	cr_expect_eq(mm_mremap(mm, out, 12 * PG, 13 * PG, MM_MREMAP_MAYMOVE, 0, &out), -MM_ENOMEM,
		     "RLIMIT_AS too");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(limits, check_all_covers_every_live_space)
{
	struct mm *a = mt_mm(), *b;
	uint64_t p = map(a, 4, RW, PRIV_ANON);
	int32_t *scratch = calloc(mm_check_scratch_count(), sizeof(int32_t));

	cr_assert(scratch);
	cr_assert_eq(mt_write(a, p, 1), FAULT_OK);
	cr_assert_eq(mm_fork(a, &b), 0);
	cr_assert_eq(mt_write(b, p + PG, 2), FAULT_OK);
	cr_expect_eq(mm_check_all(NULL, NULL, NULL), 0);
	cr_expect_eq(mm_check_all(scratch, NULL, NULL), 0);
	free(scratch);
	mm_destroy(b);
	mm_destroy(a);
}

/* A frame one reference short of its mappings is caught in any space. */
Test(limits, check_all_catches_a_count_off, .signal = SIGABRT)
{
	struct mm *a = mt_mm(), *b = mt_mm();
	uint64_t p = map(b, 1, RW, PRIV_ANON);
	struct pt_lookup l;

	(void)a;
	cr_assert_eq(mt_write(b, p, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(b->root_pfn, p, &l), 0);
	pfn_to_page(l.pfn)->refcount++;
	mm_check_all(NULL, NULL, NULL);
}
