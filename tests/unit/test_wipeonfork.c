/*
 * tests/unit/test_wipeonfork.c - madvise(MADV_WIPEONFORK/KEEPONFORK):
 * only private anonymous memory takes it (EINVAL otherwise, as Linux), the
 * VMA splits and merges back like any flag change, a fork child sees the
 * range empty (zeros, nothing resident, its own fresh pages on write)
 * while the parent keeps its data and the mark, and the child inherits
 * the mark so its own children are wiped too.
 */
#include "mmtest.h"

TestSuite(wipeonfork, .init = mt_setup, .fini = mt_teardown);

#define MB (1ull << 20)
#define RW (MM_PROT_READ | MM_PROT_WRITE)
#define ANON (MM_MAP_PRIVATE | MM_MAP_ANONYMOUS)

static uint32_t flags_at(struct mm *mm, uint64_t a)
{
	struct vma *v = vma_lookup(&mm->vmas, a);

	cr_assert(v, "no VMA at %#llx", (unsigned long long)a);
	return v->flags;
}

Test(wipeonfork, only_private_anonymous)
{
	struct mm *mm = mt_mm();
	struct mt_file *t = mt_file_new(4 * 4096);
	uint64_t a, s, f;

	cr_assert_eq(mm_mmap(mm, 0x10000000, 4 * 4096, RW, ANON | MM_MAP_FIXED, NULL, 0, &a), 0);
	cr_assert_eq(mm_mmap(mm, 0x20000000, 4 * 4096, RW,
			     MM_MAP_SHARED | MM_MAP_ANONYMOUS | MM_MAP_FIXED, NULL, 0, &s), 0);
	cr_assert_eq(mm_mmap(mm, 0x30000000, 4 * 4096, MM_PROT_READ, MM_MAP_PRIVATE | MM_MAP_FIXED,
			     &t->f, 0, &f), 0);
	cr_expect_eq(mm_madvise(mm, s, 4096, MM_MADV_WIPEONFORK), -MM_EINVAL, "shared anonymous");
	cr_expect_eq(mm_madvise(mm, f, 4096, MM_MADV_WIPEONFORK), -MM_EINVAL, "private file");
	cr_expect_eq(mm_madvise(mm, s, 4096, MM_MADV_KEEPONFORK), 0, "KEEPONFORK takes any VMA");
	cr_expect_eq(mm_madvise(mm, a + 4096, 4096, MM_MADV_WIPEONFORK), 0);
	cr_expect_eq(mm_vma_count(mm), 5, "the advised page is a VMA of its own");
	cr_expect(flags_at(mm, a + 4096) & VM_WIPEONFORK);
	cr_expect(!(flags_at(mm, a) & VM_WIPEONFORK));
	/* A hole after the marked part: applied, then ENOMEM (as every madvise). */
	cr_expect_eq(mm_madvise(mm, a + 3 * 4096, 2 * 4096, MM_MADV_WIPEONFORK), -MM_ENOMEM);
	cr_expect(flags_at(mm, a + 3 * 4096) & VM_WIPEONFORK);
	cr_expect_eq(mm_madvise(mm, a, 4 * 4096, MM_MADV_KEEPONFORK), 0);
	cr_expect_eq(mm_vma_count(mm), 3, "without the mark the pieces merge again");
	cr_expect(!(flags_at(mm, a + 4096) & VM_WIPEONFORK));
	mt_check(&mm, 1, t);
	mm_destroy(mm);
	mt_file_free(t);
}

Test(wipeonfork, child_sees_zeros_parent_keeps_data)
{
	struct mm *mm = mt_mm(), *child, *grandchild;
	struct mm *all[3];
	uint64_t a;

	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(mm_mmap(mm, 0x10000000, 4 * 4096, RW, ANON | MM_MAP_FIXED, NULL, 0, &a), 0);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(mt_write(mm, a + i * 4096, (uint8_t)(10 + i)), FAULT_OK);
	cr_assert_eq(mm_madvise(mm, a + 2 * 4096, 2 * 4096, MM_MADV_WIPEONFORK), 0);
	cr_assert_eq(mm_fork(mm, &child), 0);
	all[0] = mm;
	all[1] = child;
	cr_expect_eq(mm_vma_count(child), 2, "the child keeps the VMA, with the mark");
	cr_expect(flags_at(child, a + 2 * 4096) & VM_WIPEONFORK);
	cr_expect_eq(mm_rss_bytes(child), 2 * 4096, "wiped pages are not resident in the child");
	cr_expect_eq(mt_read(child, a), 10);
	cr_expect_eq(mt_read(child, a + 4096), 11);
	cr_expect_eq(mt_read(child, a + 2 * 4096), 0);
	cr_expect_eq(mt_read(child, a + 3 * 4096), 0);
	cr_assert_eq(mt_write(child, a + 3 * 4096, 99), FAULT_OK);
	cr_expect_eq(mt_read(mm, a + 3 * 4096), 13, "the parent's page is its own");
	cr_expect_eq(mt_read(mm, a + 2 * 4096), 12);
	cr_expect(flags_at(mm, a + 2 * 4096) & VM_WIPEONFORK, "the parent keeps the mark");
	mt_check(all, 2, NULL);

	/* The child's own fork wipes again: its page 3 does not reach the grandchild. */
	cr_assert_eq(mm_fork(child, &grandchild), 0);
	all[2] = grandchild;
	cr_expect_eq(mt_read(grandchild, a + 3 * 4096), 0);
	cr_expect_eq(mt_read(grandchild, a + 4096), 11);
	mt_check(all, 3, NULL);
	mm_destroy(grandchild);

	/* KEEPONFORK: the next child gets copies again. */
	cr_assert_eq(mm_madvise(mm, a, 4 * 4096, MM_MADV_KEEPONFORK), 0);
	cr_expect_eq(mm_vma_count(mm), 1);
	cr_assert_eq(mm_fork(mm, &grandchild), 0);
	cr_expect_eq(mt_read(grandchild, a + 3 * 4096), 13);
	all[2] = grandchild;
	mt_check(all, 3, NULL);
	mm_destroy(grandchild);
	mm_destroy(child);
	mm_destroy(mm);
}

Test(wipeonfork, huge_page_is_not_shared_with_the_child)
{
	struct mm *mm = mt_mm(), *child;
	struct mm *both[2];
	uint64_t a;

	cr_assert_eq(mm_mmap(mm, 0x40000000, 2 * MB, RW, ANON | MM_MAP_FIXED, NULL, 0, &a), 0);
	cr_assert_eq(mt_write(mm, a + 5, 7), FAULT_OK);
	cr_assert_eq(mm_anon_huge_bytes(mm), 2 * MB);
	cr_assert_eq(mm_madvise(mm, a, 2 * MB, MM_MADV_WIPEONFORK), 0);
	cr_expect_eq(mm_anon_huge_bytes(mm), 2 * MB, "a flag over the whole leaf keeps it whole");
	cr_assert_eq(mm_fork(mm, &child), 0);
	both[0] = mm;
	both[1] = child;
	cr_expect_eq(mm_rss_bytes(child), 0);
	cr_expect_eq(mt_read(child, a + 5), 0);
	cr_assert_eq(mt_write(child, a + 5, 8), FAULT_OK);
	cr_expect_eq(mm_anon_huge_bytes(child), 2 * MB, "the child faults its own 2 MiB page");
	cr_expect_eq(mt_read(mm, a + 5), 7);
	/* Nothing was write-protected for the child: the parent writes in place. */
	uint64_t copies = mm->stats->faults_wp_copy;
	cr_assert_eq(mt_write(mm, a + 6, 9), FAULT_OK);
	cr_expect_eq(mm->stats->faults_wp_copy, copies);
	mt_check(both, 2, NULL);
	mm_destroy(child);
	mm_destroy(mm);
}
