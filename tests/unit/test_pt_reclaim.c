/*
 * tests/unit/test_pt_reclaim.c - which 2 MiB regions have a page table,
 * the thing that decides between a 2 MiB and a 4 KiB page on a write
 * fault (Linux maps 2 MiB only through an empty PMD):
 * - a read of the 4 KiB zero page leaves a table, and the region faults
 *   4 KiB pages even once its VMA grows to cover it whole;
 * - MADV_DONTNEED that empties a region whole within one VMA frees its
 *   table (Linux's PT_RECLAIM, 6.14 on), so the next write maps 2 MiB;
 *   a DONTNEED that leaves any page of the region, or covers it only in
 *   pieces of different VMAs, keeps the table; tables above stay.
 */
#include "mmtest.h"
#include "mmcore/pt.h"

TestSuite(pt_reclaim, .init = mt_setup, .fini = mt_teardown);

#define MB (1ull << 20)
#define BASE 0x40000000ull /* 2 MiB aligned, in a page directory of its own */
#define RW (MM_PROT_READ | MM_PROT_WRITE)
#define ANON_FIXED (MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED)

/* Whether the region holding va has a page table (a PDE that points to one). */
static bool has_table(struct mm *mm, uint64_t va)
{
	pte_t *pde = pt_walk(mm->root_pfn, va, 2, false, NULL, NULL);

	return pde && !pte_none(*pde) && !pte_huge(*pde);
}

static void map_rw(struct mm *mm, uint64_t a, uint64_t len)
{
	uint64_t out;

	cr_assert_eq(mm_mmap(mm, a, len, RW, ANON_FIXED, NULL, 0, &out), 0);
	cr_assert_eq(out, a);
}

/* Two regions with a 4 KiB page each (THP off while they are written). */
static struct mm *two_tables(void)
{
	struct mm *mm = mt_mm();

	map_rw(mm, BASE, 4 * MB);
	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(mt_write(mm, BASE, 1), FAULT_OK);
	cr_assert_eq(mt_write(mm, BASE + 2 * MB + 4096, 2), FAULT_OK);
	mm_config.thp = MM_THP_ALWAYS;
	cr_assert(has_table(mm, BASE) && has_table(mm, BASE + 2 * MB));
	return mm;
}

Test(pt_reclaim, zero_page_read_leaves_a_table)
{
	struct mm *mm = mt_mm();
	uint64_t out;

	map_rw(mm, BASE, 4096);
	cr_assert_eq(mt_read(mm, BASE + 16), 0);
	cr_expect(has_table(mm, BASE), "the 4 KiB zero page is mapped by a PTE");
	cr_expect_eq(mm_rss_bytes(mm), 0);
	cr_assert_eq(mm_mremap(mm, BASE, 4096, 4 * MB, 0, 0, &out), 0);
	cr_assert_eq(out, BASE);
	cr_assert_eq(mt_write(mm, BASE + 5 * 4096, 1), FAULT_OK);
	cr_expect_eq(mm_anon_huge_bytes(mm), 0, "a region with a table takes 4 KiB pages");
	cr_expect_eq(mm_rss_bytes(mm), 4096);
	cr_assert_eq(mt_write(mm, BASE + 2 * MB, 2), FAULT_OK);
	cr_expect_eq(mm_anon_huge_bytes(mm), 2 * MB, "the region without one takes 2 MiB");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(pt_reclaim, dontneed_of_whole_regions_frees_their_tables)
{
	struct mm *mm = two_tables();

	cr_assert_eq(mm_madvise(mm, BASE, 4 * MB, MM_MADV_DONTNEED), 0);
	cr_expect(!has_table(mm, BASE) && !has_table(mm, BASE + 2 * MB));
	cr_expect(pt_walk(mm->root_pfn, BASE, 2, false, NULL, NULL) != NULL,
		  "the page directory above stays");
	cr_expect_eq(mm_rss_bytes(mm), 0);
	cr_assert_eq(mt_write(mm, BASE + 100 * 4096, 3), FAULT_OK);
	cr_assert_eq(mt_write(mm, BASE + 2 * MB + 200 * 4096, 4), FAULT_OK);
	cr_expect_eq(mm_anon_huge_bytes(mm), 4 * MB, "both regions take 2 MiB pages again");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(pt_reclaim, dontneed_not_covering_a_region_keeps_its_table)
{
	struct mm *mm = two_tables();

	/* Over 2 MiB long, but a part of each region only: both tables stay, even the emptied one. */
	cr_assert_eq(mm_madvise(mm, BASE + 4096, 2 * MB + 4096, MM_MADV_DONTNEED), 0);
	cr_expect(has_table(mm, BASE) && has_table(mm, BASE + 2 * MB));
	cr_expect_eq(mm_rss_bytes(mm), 4096, "the first region's page was outside the range");
	cr_assert_eq(mt_write(mm, BASE + 2 * MB + 300 * 4096, 5), FAULT_OK);
	cr_expect_eq(mm_anon_huge_bytes(mm), 0);
	cr_expect_eq(mm_rss_bytes(mm), 2 * 4096);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(pt_reclaim, dontneed_across_two_vmas_keeps_the_table)
{
	struct mm *mm = two_tables();

	/* The second region in two VMAs: each VMA's part is under 2 MiB. */
	cr_assert_eq(mm_mprotect(mm, BASE + 3 * MB, MB, MM_PROT_READ), 0);
	cr_assert_eq(mm_madvise(mm, BASE + 2 * MB, 2 * MB, MM_MADV_DONTNEED), 0);
	cr_expect(has_table(mm, BASE + 2 * MB));
	cr_assert_eq(mm_mprotect(mm, BASE + 3 * MB, MB, RW), 0);
	cr_expect_eq(mm_vma_count(mm), 1);
	cr_assert_eq(mt_write(mm, BASE + 2 * MB + 8192, 6), FAULT_OK);
	cr_expect_eq(mm_anon_huge_bytes(mm), 0, "the table kept it to 4 KiB");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(pt_reclaim, dontneed_of_a_huge_page_leaves_the_pmd_empty)
{
	struct mm *mm = mt_mm();

	map_rw(mm, BASE, 2 * MB);
	cr_assert_eq(mt_write(mm, BASE, 1), FAULT_OK);
	cr_assert_eq(mm_anon_huge_bytes(mm), 2 * MB);
	cr_assert_eq(mm_madvise(mm, BASE, 2 * MB, MM_MADV_DONTNEED), 0);
	cr_expect(!has_table(mm, BASE));
	cr_expect_eq(mm_rss_bytes(mm), 0);
	cr_assert_eq(mt_write(mm, BASE + 4096, 2), FAULT_OK);
	cr_expect_eq(mm_anon_huge_bytes(mm), 2 * MB);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}
