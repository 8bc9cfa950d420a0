/*
 * tests/unit/test_mm_stat.c - per-VMA residency (mm_vma_stat): Rss, Pss,
 * private/shared and clean/dirty as Linux's smaps counts them, 2 MiB pages
 * in AnonHugePages, the zero page nowhere, fork sharing halving Pss.
 */
#include "mmtest.h"
#include "mmcore/mm_stat.h"

TestSuite(mm_stat, .init = mt_setup, .fini = mt_teardown);

#define KB 1024ull
#define MB (1ull << 20)
#define RW (MM_PROT_READ | MM_PROT_WRITE)

/* A 4 KiB-page anonymous mapping of len bytes with its first n pages written. */
static uint64_t mapped_written(struct mm *mm, uint64_t len, int n)
{
	uint64_t a;

	mm_config.thp = MM_THP_NEVER;
	a = mt_mmap_anon(mm, len, RW);
	for (int i = 0; i < n; i++)
		cr_assert_eq(mt_write(mm, a + (uint64_t)i * 4096, 1), FAULT_OK);
	return a;
}

static struct mm_vma_stat stat_at(struct mm *mm, uint64_t a)
{
	struct mm_vma_stat st = {0};
	struct vma *v = vma_lookup(&mm->vmas, a);

	cr_assert(v, "no VMA at %#llx", (unsigned long long)a);
	mm_vma_stat(mm, v, &st);
	return st;
}

Test(mm_stat, untouched_and_zero_page_count_nothing)
{
	struct mm *mm = mt_mm();
	uint64_t a;
	struct mm_vma_stat st;

	mm_config.thp = MM_THP_NEVER;
	a = mt_mmap_anon(mm, 64 * KB, RW);
	st = stat_at(mm, a);
	cr_expect_eq(st.rss, 0);
	cr_expect_eq(mt_read(mm, a + 4096), 0);
	st = stat_at(mm, a);
	cr_expect_eq(st.rss, 0, "the zero page is not resident memory");
	cr_expect_eq(st.pss, 0);
	mm_destroy(mm);
}

Test(mm_stat, private_dirty_anonymous)
{
	struct mm *mm = mt_mm();
	uint64_t a;
	struct mm_vma_stat st;

	a = mapped_written(mm, 64 * KB, 3);
	st = stat_at(mm, a);
	cr_expect_eq(st.rss, 3 * 4096);
	cr_expect_eq(st.rss, mm_rss_bytes(mm), "one VMA holds the whole RSS");
	cr_expect_eq(st.anonymous, 3 * 4096);
	cr_expect_eq(st.private_dirty, 3 * 4096);
	cr_expect_eq(st.private_clean + st.shared_clean + st.shared_dirty, 0);
	cr_expect_eq(st.pss >> MM_PSS_SHIFT, 3 * 4096);
	cr_expect_eq(st.pss_anon, st.pss);
	cr_expect_eq(st.pss_dirty, st.pss);
	cr_expect_eq(st.referenced, 3 * 4096);
	cr_expect_eq(st.anon_huge, 0);
	mm_destroy(mm);
}

Test(mm_stat, huge_page_is_anon_huge)
{
	struct mm *mm = mt_mm();
	uint64_t a, h;
	struct mm_vma_stat st;

	mm_config.thp = MM_THP_ALWAYS;
	a = mt_mmap_anon(mm, 8 * MB, RW);
	h = ALIGN_UP(a, HUGE_SIZE);
	cr_assert_eq(mt_write(mm, h + 100, 7), FAULT_OK);
	st = stat_at(mm, a);
	cr_expect_eq(st.anon_huge, HUGE_SIZE);
	cr_expect_eq(st.anon_huge, mm_anon_huge_bytes(mm));
	cr_expect_eq(st.rss, HUGE_SIZE);
	cr_expect_eq(st.private_dirty, HUGE_SIZE);
	mm_destroy(mm);
}

Test(mm_stat, fork_shares_and_halves_pss)
{
	struct mm *mm = mt_mm(), *child;
	uint64_t a;
	struct mm_vma_stat p, c;

	a = mapped_written(mm, 16 * KB, 4);
	cr_assert_eq(mm_fork(mm, &child), 0);
	p = stat_at(mm, a);
	c = stat_at(child, a);
	cr_expect_eq(p.rss, 4 * 4096);
	cr_expect_eq(c.rss, 4 * 4096);
	cr_expect_eq(p.shared_dirty, 4 * 4096, "both spaces map the pages");
	cr_expect_eq(p.private_dirty, 0);
	cr_expect_eq(p.pss >> MM_PSS_SHIFT, 2 * 4096, "each space carries half");
	/* a write in the child copies one page: private to each side again */
	cr_assert_eq(mt_write(child, a, 9), FAULT_OK);
	p = stat_at(mm, a);
	c = stat_at(child, a);
	cr_expect_eq(c.private_dirty, 4096);
	cr_expect_eq(c.shared_dirty, 3 * 4096);
	cr_expect_eq(p.private_dirty, 4096);
	cr_expect_eq((p.pss + c.pss) >> MM_PSS_SHIFT, 5 * 4096, "five frames in all");
	mt_check((struct mm *[]){mm, child}, 2, NULL);
	mm_destroy(child);
	mm_destroy(mm);
}

Test(mm_stat, counts_stop_at_the_vma)
{
	struct mm *mm = mt_mm();
	uint64_t a;
	struct mm_vma_stat st;

	a = mapped_written(mm, 32 * KB, 8);
	cr_assert_eq(mm_mprotect(mm, a, 12 * KB, MM_PROT_READ), 0);
	st = stat_at(mm, a);
	cr_expect_eq(st.rss, 12 * KB);
	st = stat_at(mm, a + 16 * KB);
	cr_expect_eq(st.rss, 20 * KB);
	mm_destroy(mm);
}
