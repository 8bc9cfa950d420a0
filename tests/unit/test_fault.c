/*
 * tests/unit/test_fault.c - each leaf handler of the fault path: zero page,
 * anonymous write, the huge fast path and every fallback reason, fault-
 * around at 2 MiB edges, write-protect reuse and copy, the huge CoW split,
 * file faults (private, shared, SIGBUS) and OOM without leaks.
 */
#include "mmtest.h"
#include "mmcore/mm_internal.h"

TestSuite(fault, .init = mt_setup, .fini = mt_teardown);

#define MB (1ull << 20)

Test(fault, read_maps_zero_page_not_counted)
{
	struct mm *mm = mt_mm();
	uint64_t a;
	struct pt_lookup l;

	mm_config.thp = MM_THP_NEVER;
	a = mt_mmap_anon(mm, 4 * 4096, MM_PROT_READ | MM_PROT_WRITE);
	cr_assert_eq(mt_read(mm, a + 5), 0);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect(pfn_to_page(l.pfn)->flags & PG_ZERO);
	cr_expect(!(l.entry & PTE_RW), "zero page mapped writable");
	cr_expect_eq(mm_rss_bytes(mm), 0);
	cr_expect_eq(mm->vmas.root ? ((struct vma *)mm->vmas.root)->anon_id : 1, 0,
		     "a zero-page read must not create an anon_vma");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, write_allocates_zeroed_page)
{
	struct mm *mm = mt_mm();
	uint64_t a;

	mm_config.thp = MM_THP_NEVER;
	a = mt_mmap_anon(mm, 4 * 4096, MM_PROT_READ | MM_PROT_WRITE);
	cr_assert_eq(mt_read(mm, a + 4096), 0);  /* zero page first */
	cr_assert_eq(mt_write(mm, a + 4096 + 7, 0x5a), FAULT_OK);
	cr_expect_eq(mt_read(mm, a + 4096 + 7), 0x5a);
	cr_expect_eq(mt_read(mm, a + 4096 + 8), 0);
	cr_expect_eq(mm_rss_bytes(mm), 4096);
	cr_expect_eq(mt_write(mm, a, 1), FAULT_OK);
	cr_expect_eq(mm_rss_bytes(mm), 8192);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, access_checks)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 4096, MM_PROT_READ);

	cr_expect_eq(mt_write(mm, a, 1), FAULT_SIGSEGV);
	cr_expect_eq(mt_access(mm, a, MM_ACCESS_EXEC, NULL), FAULT_SIGSEGV);
	cr_expect_eq(mt_read(mm, a + 4096), -(int)FAULT_SIGSEGV);
	cr_expect_eq(mm_fault(mm, ~0ull, MM_ACCESS_READ, false), FAULT_SIGSEGV);
	cr_expect_eq(mm_fault(mm, 0, MM_ACCESS_READ, true), FAULT_SIGSEGV);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, huge_write_maps_2m_page)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 4 * MB, MM_PROT_READ | MM_PROT_WRITE);
	struct pt_lookup l;

	cr_assert(IS_ALIGNED(a, HUGE_SIZE), "large anonymous mapping not 2 MiB aligned");
	cr_assert_eq(mt_write(mm, a + 12345, 9), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 2);
	cr_expect_eq(mm_rss_bytes(mm), 2 * MB);
	cr_expect_eq(mm_anon_huge_bytes(mm), 2 * MB);
	cr_expect_eq(mt_read(mm, a + 12345), 9);
	cr_expect_eq(mt_read(mm, a + 2 * MB - 1), 0);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, huge_read_maps_huge_zero_then_write_gets_2m_page)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 2 * MB, MM_PROT_READ | MM_PROT_WRITE);
	struct pt_lookup l;

	cr_assert_eq(mt_read(mm, a + 100), 0);
	cr_assert_eq(mt_write(mm, a + 4096, 3), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 2, "Linux >= 6.12 replaces the huge zero page by a 2 MiB page");
	cr_expect(!(page_compound_head(pfn_to_page(l.pfn))->flags & PG_ZERO));
	cr_expect_eq(mm_rss_bytes(mm), 2 * MB);
	cr_expect_eq(mm_anon_huge_bytes(mm), 2 * MB);
	cr_expect_eq(mt_read(mm, a + 4096), 3);
	cr_expect_eq(mt_read(mm, a + 100), 0);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, huge_zero_write_without_2m_block_splits_to_4k)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 2 * MB, MM_PROT_READ | MM_PROT_WRITE);
	struct pt_lookup l;

	cr_assert_eq(mt_read(mm, a + 100), 0);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 2);
	cr_expect(page_compound_head(pfn_to_page(l.pfn))->flags & PG_ZERO);
	cr_expect_eq(mm_rss_bytes(mm), 0);
	cr_expect_eq(mm_anon_huge_bytes(mm), 0);
	cr_expect_neq(vma_lookup(&mm->vmas, a)->anon_id, 0, "huge zero fault prepares anon_vma");

	sim_fail_countdown = 1; /* the 2 MiB allocation */
	cr_assert_eq(mt_write(mm, a + 4096, 3), FAULT_OK);
	sim_fail_countdown = 0;
	cr_assert_eq(pt_lookup(mm->root_pfn, a + 4096, &l), 0);
	cr_expect_eq(l.level, 1, "write to huge zero page must leave 4 KiB pages");
	cr_expect_eq(mm_rss_bytes(mm), 4096);
	cr_expect_eq(mm_anon_huge_bytes(mm), 0);
	cr_assert_eq(pt_lookup(mm->root_pfn, a + 8192, &l), 0);
	cr_expect_eq(l.pfn, page_to_pfn(mm_zero_page), "neighbours are 4 KiB zero PTEs");
	cr_expect_eq(mt_read(mm, a + 4096), 3);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, huge_fallback_reasons)
{
	struct mm *mm = mt_mm();
	struct pt_lookup l;
	uint64_t a, b;

	/* Region not wholly inside the VMA. */
	a = mt_mmap_anon(mm, MB, MM_PROT_READ | MM_PROT_WRITE);
	cr_assert_eq(mt_write(mm, a, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 1);

	/* Policy: never, madvise without VM_HUGEPAGE, VM_NOHUGEPAGE. */
	b = mt_mmap_anon(mm, 4 * MB, MM_PROT_READ | MM_PROT_WRITE);
	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(mt_write(mm, b, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, b, &l), 0);
	cr_expect_eq(l.level, 1);
	mm_config.thp = MM_THP_MADVISE;
	cr_assert_eq(mt_write(mm, b + 2 * MB, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, b + 2 * MB, &l), 0);
	cr_expect_eq(l.level, 1);
	cr_assert_eq(mm_munmap(mm, b, 4 * MB), 0);

	b = mt_mmap_anon(mm, 4 * MB, MM_PROT_READ | MM_PROT_WRITE);
	cr_assert_eq(mm_madvise(mm, b, 2 * MB, MM_MADV_HUGEPAGE), 0);
	cr_assert_eq(mt_write(mm, b, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, b, &l), 0);
	cr_expect_eq(l.level, 2, "madvise policy with VM_HUGEPAGE maps huge");
	mm_config.thp = MM_THP_ALWAYS;
	cr_assert_eq(mm_madvise(mm, b + 2 * MB, 2 * MB, MM_MADV_NOHUGEPAGE), 0);
	cr_assert_eq(mt_write(mm, b + 2 * MB, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, b + 2 * MB, &l), 0);
	cr_expect_eq(l.level, 1, "VM_NOHUGEPAGE forbids huge pages");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, huge_fallback_pd_not_empty_and_no_block)
{
	struct mm *mm = mt_mm();
	struct pt_lookup l;
	uint64_t a = mt_mmap_anon(mm, 4 * MB, MM_PROT_READ | MM_PROT_WRITE);
	uint64_t before;

	/* A 4 KiB page already in the region: the PD entry holds a table. */
	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(mt_write(mm, a + 2 * MB - 4096, 1), FAULT_OK);
	mm_config.thp = MM_THP_ALWAYS;
	cr_assert_eq(mt_write(mm, a, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 1);

	/* No order-9 block: the first page allocation fails only for the huge one. */
	before = mm->stats->faults_huge_fallback;
	sim_fail_countdown = 1;
	cr_assert_eq(mt_write(mm, a + 2 * MB, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a + 2 * MB, &l), 0);
	cr_expect_eq(l.level, 1);
	cr_expect_eq(mm->stats->faults_huge_fallback, before + 1);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, faultaround_window_and_2m_edge)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 4 * MB, MM_PROT_READ | MM_PROT_WRITE);
	struct pt_lookup l;

	mm_config.thp = MM_THP_NEVER;
	mm_config.faultaround = 16;
	/* The last page of the first 2 MiB region: the window must stop there. */
	cr_assert_eq(mt_write(mm, a + 2 * MB - 4096, 1), FAULT_OK);
	cr_expect_eq(mm_rss_bytes(mm), 16 * 4096);
	cr_expect(pt_pd_entry_is_empty(mm->root_pfn, a + 2 * MB),
		  "fault-around crossed into the next 2 MiB region");
	for (uint64_t p = a + 2 * MB - 16 * 4096; p < a + 2 * MB; p += 4096) {
		cr_assert_eq(pt_lookup(mm->root_pfn, p, &l), 0);
		cr_expect_eq(page_ref_count(pfn_to_page(l.pfn)), 1);
		cr_expect_eq(page_mapcount(pfn_to_page(l.pfn)), 1);
		cr_expect(l.entry & PTE_RW);
	}
	/* The next region can still go huge. */
	mm_config.thp = MM_THP_ALWAYS;
	cr_assert_eq(mt_write(mm, a + 2 * MB, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a + 2 * MB, &l), 0);
	cr_expect_eq(l.level, 2);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, faultaround_skips_mapped_and_clips_to_vma)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 5 * 4096, MM_PROT_READ | MM_PROT_WRITE);

	mm_config.thp = MM_THP_NEVER;
	mm_config.faultaround = 16;
	cr_assert_eq(mt_read(mm, a), 0); /* zero page at a stays */
	cr_assert_eq(mt_write(mm, a + 2 * 4096, 1), FAULT_OK);
	/* 5-page VMA, one page already mapped by the zero page: 4 new. */
	cr_expect_eq(mm_rss_bytes(mm), 4 * 4096);
	cr_expect_eq(mm->stats->faults_anon_new, 1);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, wp_reuse_when_sole_owner_and_copy_after_fork)
{
	struct mm *mm = mt_mm(), *child;
	uint64_t a;
	struct pt_lookup lp, lc;
	struct mm *both[2];

	mm_config.thp = MM_THP_NEVER;
	a = mt_mmap_anon(mm, 4096, MM_PROT_READ | MM_PROT_WRITE);
	cr_assert_eq(mt_write(mm, a, 7), FAULT_OK);
	cr_assert_eq(mm_fork(mm, &child), 0);
	both[0] = mm;
	both[1] = child;
	mt_check(both, 2, NULL);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &lp), 0);
	cr_expect(!(lp.entry & PTE_RW), "fork must write-protect the parent");
	cr_expect_eq(page_ref_count(pfn_to_page(lp.pfn)), 2);

	cr_assert_eq(mt_write(child, a, 8), FAULT_OK); /* copy */
	cr_expect_eq(mt_read(mm, a), 7);
	cr_expect_eq(mt_read(child, a), 8);
	cr_assert_eq(pt_lookup(child->root_pfn, a, &lc), 0);
	cr_expect_neq(lc.pfn, lp.pfn);
	cr_expect_eq(mm->stats->cow_copies, 1);
	mt_check(both, 2, NULL);

	cr_assert_eq(mt_write(mm, a, 9), FAULT_OK); /* now sole owner: reuse */
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &lc), 0);
	cr_expect_eq(lc.pfn, lp.pfn, "sole owner must reuse its page");
	cr_expect_eq(mm->stats->faults_wp_reuse, 1);
	mt_check(both, 2, NULL);
	mm_destroy(child);
	mm_destroy(mm);
}

Test(fault, huge_cow_splits_only_the_writer)
{
	struct mm *mm = mt_mm(), *child;
	uint64_t a = mt_mmap_anon(mm, 2 * MB, MM_PROT_READ | MM_PROT_WRITE);
	struct pt_lookup l;
	struct mm *both[2];
	struct page *head;

	cr_assert_eq(mt_write(mm, a + 4096, 5), FAULT_OK);
	cr_assert_eq(mm_fork(mm, &child), 0);
	both[0] = mm;
	both[1] = child;
	cr_assert_eq(pt_lookup(child->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 2, "fork copies a 2 MiB leaf as 2 MiB");
	head = page_compound_head(pfn_to_page(l.pfn));
	cr_expect_eq(page_ref_count(head), 2);
	cr_expect_eq(mm_anon_huge_bytes(child), 2 * MB);

	cr_assert_eq(mt_write(child, a + 4096, 6), FAULT_OK);
	cr_assert_eq(pt_lookup(child->root_pfn, a + 4096, &l), 0);
	cr_expect_eq(l.level, 1);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 2, "the other process keeps its 2 MiB mapping");
	/* Parent PMD 1 + child's 511 remaining PTEs. */
	cr_expect_eq(page_ref_count(head), 512);
	cr_expect_eq(page_mapcount(head), 512);
	cr_expect_eq(mm_anon_huge_bytes(child), 0);
	cr_expect_eq(mm_rss_bytes(child), 2 * MB);
	cr_expect_eq(mt_read(mm, a + 4096), 5);
	cr_expect_eq(mt_read(child, a + 4096), 6);
	cr_expect_eq(mt_read(child, a + 8192), 0);
	mt_check(both, 2, NULL);

	/* Parent writes: its page is shared with the child's PTEs, so it splits too. */
	cr_assert_eq(mt_write(mm, a + 3 * 4096, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 1);
	mt_check(both, 2, NULL);
	mm_destroy(child);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, huge_wp_reuse_after_child_exit)
{
	struct mm *mm = mt_mm(), *child;
	uint64_t a = mt_mmap_anon(mm, 2 * MB, MM_PROT_READ | MM_PROT_WRITE);
	struct pt_lookup l;

	cr_assert_eq(mt_write(mm, a, 5), FAULT_OK);
	cr_assert_eq(mm_fork(mm, &child), 0);
	mm_destroy(child);
	cr_assert_eq(mt_write(mm, a, 6), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 2, "sole owner of a 2 MiB page reuses it whole");
	cr_expect(l.entry & PTE_RW);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(fault, file_private_shared_and_sigbus)
{
	struct mm *mm = mt_mm();
	struct mt_file *t = mt_file_new(3 * 4096 + 100);
	uint64_t p, s;
	struct pt_lookup l;

	cr_assert_eq(mm_mmap(mm, 0, 8 * 4096, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_PRIVATE,
			     &t->f, 0, &p), 0);
	cr_assert_eq(mm_mmap(mm, 0, 8 * 4096, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_SHARED,
			     &t->f, 4096, &s), 0);
	/* Private read: the cache page itself, read-only; counts as file rss. */
	cr_expect_eq(mt_read(mm, p + 300), 300 % 251);
	cr_assert_eq(pt_lookup(mm->root_pfn, p, &l), 0);
	cr_expect_eq(l.pfn, page_to_pfn(t->cache[0]));
	cr_expect(!(l.entry & PTE_RW));
	cr_expect_eq(mm->rss_file, 1);
	/* Private write: a copy; the file does not change. */
	cr_assert_eq(mt_write(mm, p + 300, 1), FAULT_OK);
	cr_expect_eq(mt_read(mm, p + 300), 1);
	cr_expect_eq(((uint8_t *)page_address(t->cache[0]))[300], 300 % 251);
	cr_expect_eq(mm->rss_file, 0);
	cr_expect_eq(mm->rss_anon, 1);
	/* Shared write goes to the cache page (offset 4096 in the file). */
	cr_assert_eq(mt_write(mm, s + 10, 77), FAULT_OK);
	cr_expect_eq(((uint8_t *)page_address(t->cache[1]))[10], 77);
	cr_expect_eq(t->dirtied, 1);
	cr_expect_eq(mt_read(mm, p + 4096 + 10), 77, "private mapping sees the shared write");
	/* EOF: size 3*4096+100 -> pages 0..3 exist; page 4 is SIGBUS. */
	cr_expect_eq(mt_read(mm, p + 3 * 4096 + 200), 0);
	cr_expect_eq(mt_read(mm, p + 4 * 4096), -(int)FAULT_SIGBUS);
	cr_expect_eq(mt_read(mm, s + 3 * 4096), -(int)FAULT_SIGBUS);
	mt_check(&mm, 1, t);
	mm_destroy(mm);
	mt_file_free(t);
}

Test(fault, oom_kills_without_leaks)
{
	struct mm *mm = mt_mm();
	uint64_t a, free_before;

	mm_config.thp = MM_THP_NEVER;
	a = mt_mmap_anon(mm, 64 * 4096, MM_PROT_READ | MM_PROT_WRITE);
	free_before = buddy_free_pages();
	/* The page itself fails. */
	sim_fail_countdown = 1;
	cr_expect_eq(mm_fault(mm, a, MM_ACCESS_WRITE, false), FAULT_OOM);
	cr_expect_eq(buddy_free_pages(), free_before);
	/* The page table below it fails. */
	for (int n = 2; n <= 4; n++) {
		sim_fail_countdown = n;
		enum fault_result r = mm_fault(mm, a, MM_ACCESS_WRITE, false);
		sim_fail_countdown = 0;
		mt_check(&mm, 1, NULL);
		if (r == FAULT_OK)
			break;
		cr_expect_eq(r, FAULT_OOM);
	}
	cr_expect_eq(mm->stats->oom >= 1, true);
	mm_destroy(mm);
}
