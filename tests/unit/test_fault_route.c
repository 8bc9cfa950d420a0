/*
 * tests/unit/test_fault_route.c - the router's answers for faults on
 * leaves that are already there: a fault the present leaf already allows
 * (a stale TLB entry, another CPU that won the race) returns OK without
 * touching memory, at 4 KiB and 2 MiB, for read, write and exec; a leaf
 * that is not present is refused, never mapped over; and the explain hook
 * says why no 2 MiB page was tried where a page table already exists.
 */
#include "mmtest.h"
#include "mmcore/fault_explain.h"
#include "mmcore/mm_internal.h"

TestSuite(fault_route, .init = mt_setup, .fini = mt_teardown);

#define MB (1ull << 20)
#define RW (MM_PROT_READ | MM_PROT_WRITE)

static unsigned seen[FX_END + 1];
static uint64_t seen_b[FX_END + 1];

static void record(enum fault_step step, uint64_t a, uint64_t b)
{
	(void)a;
	seen[step]++;
	seen_b[step] = b;
}

static void hook_on(void)
{
	memset(seen, 0, sizeof(seen));
	fault_explain_hook = record;
}

Test(fault_route, spurious_faults_on_allowing_leaves)
{
	struct mm *mm = mt_mm();
	uint64_t a, x, h;

	mm_config.thp = MM_THP_NEVER;
	a = mt_mmap_anon(mm, 4 * 4096, RW);
	cr_assert_eq(mm_mmap(mm, 0, 4096, MM_PROT_READ | MM_PROT_EXEC,
			     MM_MAP_PRIVATE | MM_MAP_ANONYMOUS, NULL, 0, &x), 0);
	cr_assert_eq(mt_write(mm, a, 3), FAULT_OK);
	cr_assert_eq(mt_read(mm, x), 0);
	uint64_t rss = mm_rss_bytes(mm);

	hook_on();
	cr_expect_eq(mm_fault(mm, a, MM_ACCESS_WRITE, true), FAULT_OK);
	cr_expect_eq(mm_fault(mm, a + 1, MM_ACCESS_READ, true), FAULT_OK);
	cr_expect_eq(mm_fault(mm, x, MM_ACCESS_EXEC, true), FAULT_OK);
	cr_expect_eq(seen[FX_LEAF_ALLOWS], 3, "each fault found the leaf already allowing it");
	cr_expect_eq(seen_b[FX_LEAF_ALLOWS], 1, "at 4 KiB");
	cr_expect_eq(mm_rss_bytes(mm), rss, "nothing new was mapped");
	cr_expect_eq(mt_read(mm, a), 3, "the page kept its data");

	/* The same at 2 MiB. */
	mm_config.thp = MM_THP_ALWAYS;
	cr_assert_eq(mm_mmap(mm, 0x40000000, 2 * MB, RW,
			     MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED, NULL, 0, &h), 0);
	cr_assert_eq(mt_write(mm, h + 77, 4), FAULT_OK);
	cr_assert_eq(mm_anon_huge_bytes(mm), 2 * MB);
	hook_on();
	cr_expect_eq(mm_fault(mm, h + MB, MM_ACCESS_WRITE, true), FAULT_OK);
	cr_expect_eq(seen[FX_LEAF_ALLOWS], 1);
	cr_expect_eq(seen_b[FX_LEAF_ALLOWS], 2, "at 2 MiB");
	cr_expect_eq(mt_read(mm, h + 77), 4);
	fault_explain_hook = NULL;
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault_route, a_leaf_that_is_not_present_is_refused_not_replaced)
{
	struct mm *mm = mt_mm();
	struct page *table;
	uint64_t a;

	mm_config.thp = MM_THP_NEVER;
	a = mt_mmap_anon(mm, 4096, RW);
	cr_assert_eq(mt_write(mm, a, 9), FAULT_OK);
	pte_t *pte = pt_walk(mm->root_pfn, a, 1, false, &table, NULL);
	cr_assert(pte && pte_present(*pte));
	pte_t saved = *pte;

	/* A frame still in the entry with P clear, in a VMA that allows reading. */
	pt_entry_set(table, pte, saved & ~PTE_P);
	hook_on();
	cr_expect_eq(mm_fault(mm, a, MM_ACCESS_READ, false), FAULT_SIGSEGV);
	cr_expect_eq(seen[FX_LEAF_REFUSES], 1);
	cr_expect_eq(*pte, saved & ~PTE_P, "the entry was left alone");
	fault_explain_hook = NULL;
	pt_entry_set(table, pte, saved);
	cr_expect_eq(mt_read(mm, a), 9);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault_route, explain_says_a_page_table_blocks_the_huge_try)
{
	struct mm *mm = mt_mm();
	uint64_t h;

	cr_assert_eq(mm_mmap(mm, 0x40000000, 2 * MB, RW,
			     MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED, NULL, 0, &h), 0);
	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(mt_write(mm, h, 1), FAULT_OK); /* a 4 KiB page: a page table exists */
	mm_config.thp = MM_THP_ALWAYS;
	hook_on();
	cr_assert_eq(mt_write(mm, h + MB, 2), FAULT_OK);
	fault_explain_hook = NULL;
	cr_expect_eq(seen[FX_PT_EXISTS], 1);
	cr_expect_eq(seen[FX_HUGE_NEW], 0);
	cr_expect_eq(mm_anon_huge_bytes(mm), 0);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}
