/*
 * tests/unit/test_mm.c - the address-space operations: semantics, Linux's
 * errno values, VMA counts after merge/split sequences, and ENOMEM
 * injection at every allocation of mmap, munmap, mprotect, mremap and fork
 * (the space must stay consistent, unchanged where Linux leaves it so, and
 * nothing may leak).
 */
#include "mmtest.h"

TestSuite(mm, .init = mt_setup, .fini = mt_teardown);

#define MB (1ull << 20)
#define RW (MM_PROT_READ | MM_PROT_WRITE)
#define ANON (MM_MAP_PRIVATE | MM_MAP_ANONYMOUS)

static int do_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
		   uint64_t *out)
{
	return mm_mmap(mm, addr, len, prot, flags, NULL, 0, out);
}

static uint32_t flags_at(struct mm *mm, uint64_t a)
{
	struct vma *v = vma_lookup(&mm->vmas, a);

	cr_assert(v, "no VMA at %#llx", (unsigned long long)a);
	return v->flags;
}

Test(mm, mmap_errors)
{
	struct mm *mm = mt_mm();
	uint64_t a;

	cr_expect_eq(do_mmap(mm, 0, 0, RW, ANON, &a), -MM_EINVAL);
	cr_expect_eq(do_mmap(mm, 0, 4096, RW, MM_MAP_ANONYMOUS, &a), -MM_EINVAL);
	cr_expect_eq(do_mmap(mm, 0, 4096, RW, MM_MAP_ANONYMOUS | 0x0f, &a), -MM_EINVAL);
	cr_expect_eq(mm_mmap(mm, 0, 4096, RW, ANON, NULL, 100, &a), -MM_EINVAL);
	cr_expect_eq(do_mmap(mm, 0x10001000 + 1, 4096, RW, ANON | MM_MAP_FIXED, &a), -MM_EINVAL);
	cr_expect_eq(do_mmap(mm, 0, 1ull << 50, RW, ANON, &a), -MM_ENOMEM);
	cr_expect_eq(do_mmap(mm, 0, ~0ull, RW, ANON, &a), -MM_ENOMEM);
	cr_expect_eq(do_mmap(mm, USER_VA_END - 4096, 8192, RW, ANON | MM_MAP_FIXED, &a),
		     -MM_ENOMEM);
	cr_expect_eq(mm_mmap(mm, 0, 4096, RW, MM_MAP_PRIVATE, NULL, 0, &a), -MM_EBADF);
	cr_assert_eq(do_mmap(mm, 0x10000000, 8192, RW, ANON | MM_MAP_FIXED, &a), 0);
	cr_expect_eq(do_mmap(mm, 0x10001000, 4096, RW, ANON | MM_MAP_FIXED_NOREPLACE, &a),
		     -MM_EEXIST);
	cr_expect_eq(mm_vma_count(mm), 1);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, mmap_placement)
{
	struct mm *mm = mt_mm();
	uint64_t a, b, c, h;

	cr_assert_eq(do_mmap(mm, 0, 4096, RW, ANON, &a), 0);
	cr_expect_eq(a, MM_MMAP_BASE_DEFAULT - 4096, "top-down below mmap_base");
	cr_assert_eq(do_mmap(mm, 0, 4 * MB, RW, ANON, &b), 0);
	cr_expect(IS_ALIGNED(b, HUGE_SIZE));
	cr_expect(b + 4 * MB <= a);
	cr_assert_eq(do_mmap(mm, 0x20000000, 4096, RW, ANON, &h), 0);
	cr_expect_eq(h, 0x20000000, "a free hint is used");
	cr_assert_eq(do_mmap(mm, 0x20000000, 4096, RW, ANON, &c), 0);
	cr_expect_neq(c, 0x20000000, "a taken hint is not");
	/* MAP_FIXED replaces what was there. */
	cr_assert_eq(mt_write(mm, h, 1), FAULT_OK);
	cr_assert_eq(do_mmap(mm, h, 4096, MM_PROT_READ, ANON | MM_MAP_FIXED, &c), 0);
	cr_expect_eq(c, h);
	cr_expect_eq(mt_read(mm, h), 0);
	cr_expect_eq(flags_at(mm, h) & VM_PROT_MASK, VM_READ);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, adjacent_anon_mmaps_merge)
{
	struct mm *mm = mt_mm();
	uint64_t a, b, c;

	cr_assert_eq(do_mmap(mm, 0, 4096, RW, ANON, &a), 0);
	cr_assert_eq(do_mmap(mm, 0, 4096, RW, ANON, &b), 0);
	cr_expect_eq(b, a - 4096);
	cr_expect_eq(mm_vma_count(mm), 1, "equal anonymous neighbours merge");
	cr_assert_eq(do_mmap(mm, 0, 4096, MM_PROT_READ, ANON, &c), 0);
	cr_expect_eq(mm_vma_count(mm), 2, "different protection does not merge");
	/* Both touched: different anon_vmas, no merge when the gap is refilled. */
	cr_assert_eq(mm_munmap(mm, b, 4096), 0);
	cr_expect_eq(mm_vma_count(mm), 2);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, munmap_semantics)
{
	struct mm *mm = mt_mm();
	uint64_t a;

	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(do_mmap(mm, 0, 10 * 4096, RW, ANON, &a), 0);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(mt_write(mm, a + i * 4096, (uint8_t)i), FAULT_OK);
	cr_expect_eq(mm_munmap(mm, a + 1, 4096), -MM_EINVAL);
	cr_expect_eq(mm_munmap(mm, a, 0), -MM_EINVAL);
	cr_expect_eq(mm_munmap(mm, 0x1000000, 4096), 0, "unmapping nothing is fine");
	cr_assert_eq(mm_munmap(mm, a + 3 * 4096, 2 * 4096), 0);
	cr_expect_eq(mm_vma_count(mm), 2);
	cr_expect_eq(mm_rss_bytes(mm), 8 * 4096);
	cr_expect_eq(mt_read(mm, a + 3 * 4096), -(int)FAULT_SIGSEGV);
	cr_expect_eq(mt_read(mm, a + 5 * 4096), 5);
	cr_expect_eq(mt_read(mm, a + 2 * 4096), 2);
	/* Unaligned length rounds up. */
	cr_assert_eq(mm_munmap(mm, a, 100), 0);
	cr_expect_eq(mt_read(mm, a), -(int)FAULT_SIGSEGV);
	cr_expect_eq(mm_rss_bytes(mm), 7 * 4096);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, munmap_partial_huge_splits)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 2 * MB, RW);

	cr_assert_eq(mt_write(mm, a + 5 * 4096, 42), FAULT_OK);
	cr_expect_eq(mm_anon_huge_bytes(mm), 2 * MB);
	cr_assert_eq(mm_munmap(mm, a + MB, MB), 0);
	cr_expect_eq(mm_anon_huge_bytes(mm), 0);
	cr_expect_eq(mm_rss_bytes(mm), MB);
	cr_expect_eq(mt_read(mm, a + 5 * 4096), 42);
	mt_check(&mm, 1, NULL);
	/* A whole 2 MiB leaf inside the range goes whole. */
	a = mt_mmap_anon(mm, 4 * MB, RW);
	cr_assert_eq(mt_write(mm, a, 1), FAULT_OK);
	cr_assert_eq(mt_write(mm, a + 2 * MB, 1), FAULT_OK);
	cr_assert_eq(mm_munmap(mm, a, 2 * MB), 0);
	cr_expect_eq(mm_anon_huge_bytes(mm), 2 * MB);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, mprotect_split_merge_and_account)
{
	struct mm *mm = mt_mm();
	uint64_t a, b;

	cr_assert_eq(do_mmap(mm, 0, 3 * 4096, RW, ANON, &a), 0);
	cr_expect(flags_at(mm, a) & VM_ACCOUNT);
	cr_assert_eq(mt_write(mm, a + 4096, 9), FAULT_OK);
	cr_assert_eq(mm_mprotect(mm, a + 4096, 4096, MM_PROT_READ), 0);
	cr_expect_eq(mm_vma_count(mm), 3);
	cr_expect_eq(mt_write(mm, a + 4096, 1), FAULT_SIGSEGV);
	cr_expect_eq(mt_read(mm, a + 4096), 9);
	cr_assert_eq(mm_mprotect(mm, a + 4096, 4096, RW), 0);
	cr_expect_eq(mm_vma_count(mm), 1, "mprotect back re-merges");
	cr_expect_eq(mt_write(mm, a + 4096, 2), FAULT_OK);

	/*
	 * Read-only private: no VM_ACCOUNT until it turns writable; turned
	 * read-only again with no anonymous page yet, it is uncharged (Linux's
	 * mprotect_fixup) and merges back.
	 */
	cr_assert_eq(do_mmap(mm, 0x30000000, 2 * 4096, MM_PROT_READ, ANON, &b), 0);
	cr_expect(!(flags_at(mm, b) & VM_ACCOUNT));
	cr_assert_eq(mm_mprotect(mm, b, 4096, RW), 0);
	cr_expect(flags_at(mm, b) & VM_ACCOUNT);
	cr_expect_eq(mm_vma_count(mm), 3);
	cr_assert_eq(mm_mprotect(mm, b, 4096, MM_PROT_READ), 0);
	cr_expect(!(flags_at(mm, b) & VM_ACCOUNT));
	cr_expect_eq(mm_vma_count(mm), 2, "uncharged halves merge again");
	/* With an anonymous page the charge stays and keeps the halves apart. */
	cr_assert_eq(mm_mprotect(mm, b, 4096, RW), 0);
	cr_assert_eq(mt_write(mm, b, 3), FAULT_OK);
	cr_assert_eq(mm_mprotect(mm, b, 4096, MM_PROT_READ), 0);
	cr_expect(flags_at(mm, b) & VM_ACCOUNT);
	cr_expect_eq(mm_vma_count(mm), 3, "VM_ACCOUNT keeps the halves apart");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, mprotect_errors_and_holes)
{
	struct mm *mm = mt_mm();
	uint64_t a;

	cr_assert_eq(do_mmap(mm, 0x40000000, 2 * 4096, RW, ANON | MM_MAP_FIXED, &a), 0);
	cr_assert_eq(do_mmap(mm, 0x40003000, 4096, RW, ANON | MM_MAP_FIXED, &a), 0);
	cr_expect_eq(mm_mprotect(mm, 0x40000001, 4096, MM_PROT_READ), -MM_EINVAL);
	cr_expect_eq(mm_mprotect(mm, 0x40000000, 4096, 0x100), -MM_EINVAL);
	cr_expect_eq(mm_mprotect(mm, 0x40000000, 0, MM_PROT_READ), 0);
	cr_expect_eq(mm_mprotect(mm, 0x50000000, 4096, MM_PROT_READ), -MM_ENOMEM);
	/* A hole: Linux changes what lies before it, then fails. */
	cr_expect_eq(mm_mprotect(mm, 0x40000000, 4 * 4096, MM_PROT_READ), -MM_ENOMEM);
	cr_expect_eq(flags_at(mm, 0x40001000) & VM_PROT_MASK, VM_READ);
	cr_expect_eq(flags_at(mm, 0x40003000) & VM_PROT_MASK, VM_READ | VM_WRITE);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, mprotect_none_and_partial_huge)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 2 * MB, RW);
	struct pt_lookup l;

	cr_assert_eq(mt_write(mm, a + 4096, 7), FAULT_OK);
	cr_assert_eq(mm_mprotect(mm, a, 4096, MM_PROT_NONE), 0);
	cr_expect_eq(mm_anon_huge_bytes(mm), 0, "partly covered 2 MiB leaf is split");
	cr_expect_eq(mm_rss_bytes(mm), 2 * MB);
	cr_expect_eq(mt_read(mm, a), -(int)FAULT_SIGSEGV);
	cr_expect_eq(mt_read(mm, a + 4096), 7);
	cr_assert_eq(mm_mprotect(mm, a, 4096, MM_PROT_READ), 0);
	cr_expect_eq(mt_read(mm, a), 0);
	/* A whole leaf inside the range keeps its size. */
	a = mt_mmap_anon(mm, 2 * MB, RW);
	cr_assert_eq(mt_write(mm, a, 7), FAULT_OK);
	cr_assert_eq(mm_mprotect(mm, a, 2 * MB, MM_PROT_READ), 0);
	cr_assert_eq(pt_lookup(mm->root_pfn, a, &l), 0);
	cr_expect_eq(l.level, 2);
	cr_expect(!(l.entry & PTE_RW));
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, madvise_dontneed_and_flags)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 4 * MB, RW);

	cr_assert_eq(mt_write(mm, a + 100, 5), FAULT_OK);
	cr_assert_eq(mt_write(mm, a + 2 * MB + 100, 6), FAULT_OK);
	cr_assert_eq(mm_madvise(mm, a, 4096, MM_MADV_DONTNEED), 0);
	cr_expect_eq(mt_read(mm, a + 100), 0, "dontneed: next read sees zeros");
	cr_expect_eq(mm_rss_bytes(mm), 4 * MB - 4096);
	cr_assert_eq(mm_madvise(mm, a + 2 * MB, 2 * MB, MM_MADV_DONTNEED), 0);
	cr_expect_eq(mm_rss_bytes(mm), 2 * MB - 4096);
	cr_expect_eq(mm_madvise(mm, a, 4096, 99), -MM_EINVAL);
	cr_expect_eq(mm_madvise(mm, a + 1, 4096, MM_MADV_DONTNEED), -MM_EINVAL);
	cr_assert_eq(mm_madvise(mm, a + MB, MB, MM_MADV_NOHUGEPAGE), 0);
	cr_expect_eq(mm_vma_count(mm), 3);
	cr_assert_eq(mm_madvise(mm, a + MB, MB, MM_MADV_HUGEPAGE), 0);
	cr_expect_eq(mm_vma_count(mm), 3);
	cr_assert_eq(mm_madvise(mm, a + MB, MB, MM_MADV_DONTFORK), 0);
	cr_assert_eq(mm_madvise(mm, a, 4 * MB, MM_MADV_DOFORK), 0);
	cr_expect_eq(mm_vma_count(mm), 3);
	/* Holes: applied where mapped, then ENOMEM. */
	cr_expect_eq(mm_madvise(mm, a - 4096, 8192, MM_MADV_DONTNEED), -MM_ENOMEM);
	cr_expect_eq(mm_madvise(mm, a, 4096, MM_MADV_REMOVE), -MM_EINVAL);
	cr_expect_eq(mm_madvise(mm, a, 4096, MM_MADV_WILLNEED), 0);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, shared_anon_survives_fork_and_remove)
{
	struct mm *mm = mt_mm(), *child;
	struct mm *both[2];
	uint64_t s;

	cr_assert_eq(do_mmap(mm, 0, 4 * 4096, RW, MM_MAP_SHARED | MM_MAP_ANONYMOUS, &s), 0);
	cr_assert_eq(mt_write(mm, s, 11), FAULT_OK);
	cr_expect_eq(mm->rss_shmem, 1);
	cr_assert_eq(mm_fork(mm, &child), 0);
	both[0] = mm;
	both[1] = child;
	cr_expect_eq(mm_rss_bytes(child), 0, "shared mappings are refaulted by the child");
	cr_expect_eq(mt_read(child, s), 11);
	cr_assert_eq(mt_write(child, s + 1, 12), FAULT_OK);
	cr_expect_eq(mt_read(mm, s + 1), 12, "a child's write is seen by the parent");
	mt_check(both, 2, NULL);
	cr_assert_eq(mt_read(child, s), 11); /* the child maps the page too */
	cr_assert_eq(mm_madvise(mm, s, 4096, MM_MADV_REMOVE), 0);
	cr_expect_eq(mt_read(mm, s), 0);
	cr_expect_eq(mt_read(child, s), 0, "a punched hole reads zeros everywhere");
	mt_check(both, 2, NULL);
	mm_destroy(child);
	mm_destroy(mm);
}

Test(mm, fork_dontfork_and_cow_data)
{
	struct mm *mm = mt_mm(), *child;
	struct mm *both[2];
	uint64_t a = mt_mmap_anon(mm, 8 * 4096, RW), d;

	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(do_mmap(mm, 0x60000000, 4096, RW, ANON, &d), 0);
	cr_assert_eq(mt_write(mm, d, 1), FAULT_OK);
	cr_assert_eq(mm_madvise(mm, d, 4096, MM_MADV_DONTFORK), 0);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(mt_write(mm, a + i * 4096, (uint8_t)(i + 1)), FAULT_OK);
	cr_assert_eq(mm_fork(mm, &child), 0);
	both[0] = mm;
	both[1] = child;
	cr_expect_eq(mm_vma_count(child), 1);
	cr_expect_eq(mt_read(child, d), -(int)FAULT_SIGSEGV);
	cr_expect_eq(mm_rss_bytes(child), 8 * 4096);
	for (int i = 0; i < 8; i++)
		cr_expect_eq(mt_read(child, a + i * 4096), i + 1);
	cr_assert_eq(mt_write(mm, a, 100), FAULT_OK);
	cr_expect_eq(mt_read(child, a), 1);
	mt_check(both, 2, NULL);
	mm_destroy(mm);
	mt_check(&child, 1, NULL);
	mm_destroy(child);
}

Test(mm, mremap_shrink_grow_move)
{
	struct mm *mm = mt_mm();
	uint64_t a, b, n;

	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(do_mmap(mm, 0x70000000, 4 * 4096, RW, ANON | MM_MAP_FIXED, &a), 0);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(mt_write(mm, a + i * 4096, (uint8_t)(i + 1)), FAULT_OK);
	cr_assert_eq(mm_mremap(mm, a, 4 * 4096, 2 * 4096, 0, 0, &n), 0);
	cr_expect_eq(n, a);
	cr_expect_eq(mm_rss_bytes(mm), 2 * 4096);
	cr_assert_eq(mm_mremap(mm, a, 2 * 4096, 6 * 4096, 0, 0, &n), 0);
	cr_expect_eq(n, a, "grows in place");
	cr_expect_eq(mt_read(mm, a + 5 * 4096), 0);
	/* Block growth, then move. */
	cr_assert_eq(do_mmap(mm, a + 6 * 4096, 4096, MM_PROT_READ, ANON | MM_MAP_FIXED, &b), 0);
	cr_expect_eq(mm_mremap(mm, a, 6 * 4096, 8 * 4096, 0, 0, &n), -MM_ENOMEM);
	cr_assert_eq(mm_mremap(mm, a, 6 * 4096, 8 * 4096, MM_MREMAP_MAYMOVE, 0, &n), 0);
	cr_expect_neq(n, a);
	cr_expect_eq(mt_read(mm, n), 1);
	cr_expect_eq(mt_read(mm, n + 4096), 2);
	cr_expect_eq(mt_read(mm, a), -(int)FAULT_SIGSEGV);
	cr_expect_eq(mm_rss_bytes(mm), 2 * 4096);
	/* Fixed. */
	cr_assert_eq(mm_mremap(mm, n, 8 * 4096, 8 * 4096, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED,
			       0x71000000, &b), 0);
	cr_expect_eq(b, 0x71000000);
	cr_expect_eq(mt_read(mm, b + 4096), 2);
	/* Dontunmap: the old VMA stays, empty. */
	cr_assert_eq(mm_mremap(mm, b, 8 * 4096, 8 * 4096,
			       MM_MREMAP_MAYMOVE | MM_MREMAP_DONTUNMAP, 0, &n), 0);
	cr_expect_eq(mt_read(mm, n), 1);
	cr_expect_eq(mt_read(mm, b), 0);
	cr_expect_neq(vma_lookup(&mm->vmas, b), NULL);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, mremap_errors)
{
	struct mm *mm = mt_mm();
	uint64_t a, n;

	cr_assert_eq(do_mmap(mm, 0x70000000, 4 * 4096, RW, ANON | MM_MAP_FIXED, &a), 0);
	cr_expect_eq(mm_mremap(mm, a, 4096, 8192, 8, 0, &n), -MM_EINVAL);
	cr_expect_eq(mm_mremap(mm, a, 4096, 8192, MM_MREMAP_FIXED, 0x80000000, &n), -MM_EINVAL);
	cr_expect_eq(mm_mremap(mm, a, 4096, 8192, MM_MREMAP_MAYMOVE | MM_MREMAP_DONTUNMAP, 0, &n),
		     -MM_EINVAL);
	cr_expect_eq(mm_mremap(mm, a + 1, 4096, 8192, 0, 0, &n), -MM_EINVAL);
	cr_expect_eq(mm_mremap(mm, a, 4096, 0, 0, 0, &n), -MM_EINVAL);
	cr_expect_eq(mm_mremap(mm, 0x90000000, 4096, 8192, 0, 0, &n), -MM_EFAULT);
	cr_expect_eq(mm_mremap(mm, a, 8 * 4096, 9 * 4096, MM_MREMAP_MAYMOVE, 0, &n), -MM_EFAULT);
	cr_expect_eq(mm_mremap(mm, a, 2 * 4096, 2 * 4096, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED,
			       a + 4096, &n), -MM_EINVAL, "overlapping fixed target");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, mremap_moves_huge_leaf_whole)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 2 * MB, RW), n;
	struct pt_lookup l;

	cr_assert_eq(mt_write(mm, a + 4096, 3), FAULT_OK);
	cr_assert_eq(mm_mremap(mm, a, 2 * MB, 2 * MB, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED,
			       0x200000000ull, &n), 0);
	cr_assert_eq(pt_lookup(mm->root_pfn, n, &l), 0);
	cr_expect_eq(l.level, 2);
	cr_expect_eq(mt_read(mm, n + 4096), 3);
	cr_expect_eq(mm_anon_huge_bytes(mm), 2 * MB);
	/* A distance that is not a multiple of 2 MiB splits it. */
	cr_assert_eq(mm_mremap(mm, n, 2 * MB, 2 * MB, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED,
			       0x300001000ull, &a), 0);
	cr_expect_eq(mt_read(mm, a + 4096), 3);
	cr_expect_eq(mm_anon_huge_bytes(mm), 0);
	cr_expect_eq(mm_rss_bytes(mm), 2 * MB);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, brk)
{
	struct mm *mm = mt_mm();
	uint64_t b, a;

	mm_brk_init(mm, 0x500000);
	cr_assert_eq(mm_brk(mm, 0, &b), 0);
	cr_expect_eq(b, 0x500000);
	cr_assert_eq(mm_brk(mm, 0x500000 + 3 * 4096 + 5, &b), 0);
	cr_expect_eq(b, 0x500000 + 3 * 4096 + 5);
	cr_expect_eq(mt_write(mm, 0x500000 + 3 * 4096 + 100, 1), FAULT_OK);
	cr_assert_eq(mm_brk(mm, 0x500000 + 8 * 4096, &b), 0);
	cr_expect_eq(mm_vma_count(mm), 1, "the heap grows by extending its VMA");
	cr_assert_eq(mm_brk(mm, 0x400000, &b), 0);
	cr_expect_eq(b, 0x500000 + 8 * 4096, "never below the start");
	cr_assert_eq(mm_brk(mm, 0x500000 + 4096, &b), 0);
	cr_expect_eq(mt_read(mm, 0x500000 + 3 * 4096), -(int)FAULT_SIGSEGV);
	/* A mapping in the way: the break stays. */
	cr_assert_eq(do_mmap(mm, 0x500000 + 16 * 4096, 4096, RW, ANON | MM_MAP_FIXED, &a), 0);
	cr_assert_eq(mm_brk(mm, 0x500000 + 20 * 4096, &b), 0);
	cr_expect_eq(b, 0x500000 + 4096);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, populate)
{
	struct mm *mm = mt_mm();
	uint64_t a;

	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(do_mmap(mm, 0, 8 * 4096, RW, ANON | MM_MAP_POPULATE, &a), 0);
	cr_expect_eq(mm_rss_bytes(mm), 8 * 4096);
	cr_assert_eq(do_mmap(mm, 0, 8 * 4096, MM_PROT_READ, ANON | MM_MAP_POPULATE, &a), 0);
	cr_expect_eq(mm_rss_bytes(mm), 8 * 4096, "read populate maps the zero page");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, file_mapping_refs)
{
	struct mm *mm = mt_mm();
	struct mt_file *t = mt_file_new(8 * 4096);
	uint64_t a, b;

	cr_assert_eq(mm_mmap(mm, 0, 4 * 4096, MM_PROT_READ, MM_MAP_PRIVATE, &t->f, 0, &a), 0);
	cr_assert_eq(mm_mmap(mm, a + 4 * 4096, 4 * 4096, MM_PROT_READ,
			     MM_MAP_PRIVATE | MM_MAP_FIXED, &t->f, 4 * 4096, &b), 0);
	cr_expect_eq(mm_vma_count(mm), 1, "contiguous file offsets merge");
	cr_expect_eq(t->refs, 2);
	cr_expect_eq(mt_read(mm, a + 5 * 4096 + 1), (5 * 4096 + 1) % 251);
	cr_assert_eq(mm_munmap(mm, a + 4096, 4096), 0);
	cr_expect_eq(t->refs, 3);
	mt_check(&mm, 1, t);
	mm_destroy(mm);
	cr_expect_eq(t->refs, 1);
	mt_file_free(t);
}

/* ---- ENOMEM injection ------------------------------------------------------ */

struct snap {
	uint64_t vmas, rss, huge, total_vm;
};

static struct snap snap_of(struct mm *mm)
{
	return (struct snap){ mm_vma_count(mm), mm_rss_bytes(mm), mm_anon_huge_bytes(mm),
			      mm->total_vm };
}

/* A space with 4 KiB pages, a 2 MiB page and a shared mapping. */
static struct mm *inject_space(uint64_t *base)
{
	struct mm *mm = mt_mm();
	uint64_t a, s;

	cr_assert_eq(do_mmap(mm, 0x40000000, 4 * MB, RW, ANON | MM_MAP_FIXED, &a), 0);
	cr_assert_eq(mt_write(mm, a + 2 * MB + 4096, 1), FAULT_OK);
	mm_config.thp = MM_THP_NEVER;
	for (int i = 0; i < 16; i++)
		cr_assert_eq(mt_write(mm, a + i * 4096, (uint8_t)i), FAULT_OK);
	mm_config.thp = MM_THP_ALWAYS;
	cr_assert_eq(do_mmap(mm, 0x50000000, 4 * 4096, RW, MM_MAP_SHARED | MM_MAP_ANONYMOUS, &s),
		     0);
	cr_assert_eq(mt_write(mm, s, 9), FAULT_OK);
	*base = a;
	return mm;
}

typedef int (*inject_op)(struct mm *mm, uint64_t a);

static int op_munmap(struct mm *mm, uint64_t a)
{
	return mm_munmap(mm, a + 4096, 2 * MB + 8192);
}

static int op_mprotect(struct mm *mm, uint64_t a)
{
	return mm_mprotect(mm, a + 4096, 2 * MB + 8192, MM_PROT_READ);
}

static int op_mmap_fixed(struct mm *mm, uint64_t a)
{
	uint64_t out;

	return mm_mmap(mm, a + 4096, 2 * MB + 8192, MM_PROT_READ,
		       ANON | MM_MAP_FIXED | MM_MAP_POPULATE, NULL, 0, &out);
}

static int op_mmap_shared(struct mm *mm, uint64_t a)
{
	uint64_t out;

	return mm_mmap(mm, 0, 3 * 4096, RW, MM_MAP_SHARED | MM_MAP_ANONYMOUS, NULL, 0, &out);
}

static int op_mremap(struct mm *mm, uint64_t a)
{
	uint64_t out;

	return mm_mremap(mm, a + 4096, 4 * MB - 4096, 6 * MB,
			 MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED, 0x60001000, &out);
}

static int op_madvise(struct mm *mm, uint64_t a)
{
	return mm_madvise(mm, a + 4096, 2 * MB, MM_MADV_NOHUGEPAGE);
}

/*
 * Fail the n-th allocation of op for n = 1, 2, ... until op succeeds
 * without meeting the failure. Every run must leave a consistent space;
 * an ENOMEM from an operation Linux undoes must leave it unchanged.
 */
static void inject_every(inject_op op, bool must_be_unchanged)
{
	unsigned failures = 0;

	for (uint64_t n = 1; n < 200; n++) {
		uint64_t a;
		struct mm *mm = inject_space(&a);
		struct snap before = snap_of(mm);
		int err;
		bool hit;

		sim_fail_countdown = n;
		err = op(mm, a);
		hit = sim_fail_countdown == 0;
		sim_fail_countdown = 0;
		mt_check(&mm, 1, NULL);
		if (err) {
			struct snap after = snap_of(mm);

			cr_assert_eq(err, -MM_ENOMEM, "n=%llu: %d", (unsigned long long)n, err);
			failures++;
			if (must_be_unchanged) {
				cr_expect_eq(after.vmas, before.vmas, "n=%llu", (unsigned long long)n);
				cr_expect_eq(after.rss, before.rss, "n=%llu", (unsigned long long)n);
				cr_expect_eq(after.total_vm, before.total_vm);
			}
			cr_expect_eq(mt_read(mm, a + 4096), 1, "data lost at n=%llu",
				     (unsigned long long)n);
		} else if (op == op_mremap) {
			cr_expect_eq(mt_read(mm, 0x60001000), 1, "moved data lost");
			cr_expect_eq(mt_read(mm, 0x60001000 + 14 * 4096), 15);
		}
		mm_destroy(mm);
		if (!err && !hit) {
			cr_expect_gt(failures, 0, "no allocation failure was ever reported");
			return;
		}
	}
	cr_assert_fail("operation never succeeded");
}

Test(mm, enomem_munmap) { inject_every(op_munmap, false); }
Test(mm, enomem_mprotect) { inject_every(op_mprotect, false); }
Test(mm, enomem_mmap_fixed) { inject_every(op_mmap_fixed, false); }
Test(mm, enomem_mmap_shared) { inject_every(op_mmap_shared, true); }
Test(mm, enomem_mremap) { inject_every(op_mremap, false); }
Test(mm, enomem_madvise) { inject_every(op_madvise, false); }

Test(mm, enomem_fork)
{
	unsigned failures = 0;

	for (uint64_t n = 1; n < 400; n++) {
		uint64_t a;
		struct mm *mm = inject_space(&a), *child = NULL;
		struct snap before = snap_of(mm);
		int err;
		bool hit;

		sim_fail_countdown = n;
		err = mm_fork(mm, &child);
		hit = sim_fail_countdown == 0;
		sim_fail_countdown = 0;
		if (err) {
			cr_assert_eq(err, -MM_ENOMEM);
			failures++;
			mt_check(&mm, 1, NULL);
			cr_expect_eq(snap_of(mm).rss, before.rss);
			cr_expect_eq(mt_read(mm, a + 4096), 1);
		} else {
			struct mm *both[2] = { mm, child };

			mt_check(both, 2, NULL);
			mm_destroy(child);
		}
		mm_destroy(mm);
		if (!err && !hit) {
			cr_expect_gt(failures, 3);
			return;
		}
	}
	cr_assert_fail("fork never succeeded");
}

/* ---- random operations against the checker --------------------------------- */

static uint64_t rnd_state;

static uint64_t rnd(uint64_t n)
{
	rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
	return (rnd_state >> 33) % n;
}

/* Somewhere in a 16 MiB window, page or 2 MiB aligned, so ranges collide often. */
static uint64_t rnd_addr(void)
{
	uint64_t base = 0x40000000;

	return base + (rnd(2) ? rnd(8) * HUGE_SIZE : rnd(4096) * PAGE_SIZE);
}

static uint64_t rnd_len(void)
{
	return rnd(3) == 0 ? (1 + rnd(3)) * HUGE_SIZE : (1 + rnd(700)) * PAGE_SIZE;
}

/* Accesses inside one of mm's VMAs, so faults find something to map. */
static void rnd_touch(struct mm *mm)
{
	struct vma *v = vma_first(&mm->vmas);

	for (uint64_t skip = mm_vma_count(mm) ? rnd(mm_vma_count(mm)) : 0; v && skip; skip--)
		v = vma_next(v);
	if (!v)
		return;
	for (int k = 0; k < 20; k++) {
		uint64_t va = v->start + rnd((v->end - v->start) >> PAGE_SHIFT) * PAGE_SIZE;

		if (rnd(3))
			mt_write(mm, va, (uint8_t)k);
		else
			mt_read(mm, va);
	}
}

static void rnd_op(struct mm **spaces, unsigned *n, struct mt_file *t)
{
	struct mm *mm = spaces[rnd(*n)];
	uint64_t a = rnd_addr(), len = rnd_len(), out;
	int prots[] = { MM_PROT_NONE, MM_PROT_READ, RW, RW | MM_PROT_EXEC };
	int advs[] = { MM_MADV_DONTNEED, MM_MADV_HUGEPAGE, MM_MADV_NOHUGEPAGE,
		       MM_MADV_WILLNEED, MM_MADV_REMOVE, MM_MADV_DONTFORK, MM_MADV_DOFORK };

	switch (rnd(12)) {
	case 0:
		mm_mmap(mm, a, len, prots[rnd(4)], ANON | (rnd(2) ? MM_MAP_FIXED : 0), NULL, 0, &out);
		break;
	case 1:
		mm_mmap(mm, a, len, RW, MM_MAP_SHARED | MM_MAP_ANONYMOUS | MM_MAP_FIXED, NULL, 0, &out);
		break;
	case 2:
		mm_mmap(mm, a, len, prots[rnd(4)],
			(rnd(2) ? MM_MAP_SHARED : MM_MAP_PRIVATE) | MM_MAP_FIXED, &t->f,
			rnd(8) * PAGE_SIZE, &out);
		break;
	case 3:
		mm_munmap(mm, a, len);
		break;
	case 4:
		mm_mprotect(mm, a, len, prots[rnd(4)]);
		break;
	case 5:
		mm_madvise(mm, a, len, advs[rnd(7)]);
		break;
	case 6:
		mm_mremap(mm, a, len, rnd_len(), rnd(2) ? MM_MREMAP_MAYMOVE : 0, 0, &out);
		break;
	case 7:
		mm_mremap(mm, a, len, len, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED, rnd_addr(), &out);
		break;
	case 8:
		if (*n < 4 && mm_fork(mm, &spaces[*n]) == 0)
			(*n)++;
		break;
	case 9:
		if (*n > 1) {
			unsigned i = (unsigned)rnd(*n);

			mm_destroy(spaces[i]);
			spaces[i] = spaces[--(*n)];
		}
		break;
	default:
		rnd_touch(mm);
		break;
	}
}

Test(mm, random_operations_keep_invariants)
{
	struct mt_file *t = mt_file_new(40 * 4096);
	struct mm *spaces[4];
	unsigned n = 1;

	spaces[0] = mt_mm();
	rnd_state = 12345;
	for (int step = 0; step < 3000; step++) {
		mm_config.thp = (enum mm_thp_policy)rnd(3);
		mm_config.faultaround = rnd(2) ? 16 : 0;
		if (rnd(50) == 0)
			sim_fail_countdown = 1 + rnd(5);
		rnd_op(spaces, &n, t);
		sim_fail_countdown = 0;
		mt_check(spaces, n, t);
	}
	while (n > 0)
		mm_destroy(spaces[--n]);
	mt_file_free(t);
}

Test(mm, page_table_kept_while_a_neighbour_shares_it)
{
	struct mm *mm = mt_mm();
	uint64_t a = mt_mmap_anon(mm, 4 * MB, RW), out;
	struct pt_lookup l;

	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(mt_write(mm, a, 1), FAULT_OK);
	cr_assert_eq(mm_munmap(mm, a, 4096), 0);
	cr_assert_eq(do_mmap(mm, a, 4096, RW, ANON | MM_MAP_FIXED, &out), 0);
	cr_expect_eq(mm_vma_count(mm), 1);
	mm_config.thp = MM_THP_ALWAYS;
	/* Linux keeps the (empty) page table: the region faults at 4 KiB. */
	cr_assert_eq(mt_write(mm, a + 8192, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a + 8192, &l), 0);
	cr_expect_eq(l.level, 1);
	/* A whole 2 MiB hole loses its table. */
	cr_assert_eq(mm_munmap(mm, a, 2 * MB), 0);
	cr_assert_eq(do_mmap(mm, a, 2 * MB, RW, ANON | MM_MAP_FIXED, &out), 0);
	cr_assert_eq(mt_write(mm, a + 8192, 1), FAULT_OK);
	cr_assert_eq(pt_lookup(mm->root_pfn, a + 8192, &l), 0);
	cr_expect_eq(l.level, 2);
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, gap_filler_joins_the_vma_below)
{
	struct mm *mm = mt_mm();
	uint64_t a, out;

	mm_config.thp = MM_THP_NEVER;
	cr_assert_eq(do_mmap(mm, 0x40000000, 3 * 4096, RW, ANON | MM_MAP_FIXED, &a), 0);
	cr_assert_eq(mm_munmap(mm, a + 4096, 4096), 0);
	cr_assert_eq(mt_write(mm, a, 1), FAULT_OK);
	cr_assert_eq(mt_write(mm, a + 2 * 4096, 1), FAULT_OK);
	/* Both neighbours have anon_vmas, different ones: only one merge. */
	cr_assert_eq(do_mmap(mm, a + 4096, 4096, RW, ANON | MM_MAP_FIXED, &out), 0);
	cr_expect_eq(mm_vma_count(mm), 2);
	cr_expect_eq(vma_lookup(&mm->vmas, a + 4096)->start, a, "Linux merges with prev first");
	mt_check(&mm, 1, NULL);
	mm_destroy(mm);
}

Test(mm, shmem_outlives_the_creator_and_moves_with_mremap)
{
	struct mm *mm = mt_mm(), *child;
	uint64_t s, n;

	cr_assert_eq(do_mmap(mm, 0, 4 * 4096, RW, MM_MAP_SHARED | MM_MAP_ANONYMOUS, &s), 0);
	cr_assert_eq(mt_write(mm, s + 3 * 4096, 33), FAULT_OK);
	cr_assert_eq(mm_fork(mm, &child), 0);
	mm_destroy(mm);
	cr_expect_eq(mt_read(child, s + 3 * 4096), 33, "the child still holds the object");
	cr_assert_eq(mm_mremap(child, s, 4 * 4096, 8 * 4096, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED,
			       0x70000000, &n), 0);
	cr_expect_eq(mt_read(child, n + 3 * 4096), 33);
	cr_expect_eq(child->rss_shmem, 1);
	cr_expect_eq(mt_read(child, n + 5 * 4096), -(int)FAULT_SIGBUS,
		     "growing past the object's size gives SIGBUS, as Linux's shmem");
	mt_check(&child, 1, NULL);
	mm_destroy(child);
}

Test(mm, private_file_fork_and_cow)
{
	struct mm *mm = mt_mm(), *child;
	struct mt_file *t = mt_file_new(4 * 4096);
	struct mm *both[2];
	uint64_t p;

	cr_assert_eq(mm_mmap(mm, 0, 4 * 4096, RW, MM_MAP_PRIVATE, &t->f, 0, &p), 0);
	cr_expect(flags_at(mm, p) & VM_ACCOUNT);
	cr_assert_eq(mt_read(mm, p + 4096), 4096 % 251);
	cr_assert_eq(mt_write(mm, p, 200), FAULT_OK);
	cr_assert_eq(mm_fork(mm, &child), 0);
	both[0] = mm;
	both[1] = child;
	cr_expect_eq(mm_rss_bytes(child), 2 * 4096, "anon_vma present: leaves are copied");
	cr_assert_eq(mt_write(child, p, 201), FAULT_OK);
	cr_expect_eq(mt_read(mm, p), 200);
	cr_expect_eq(mt_read(child, p), 201);
	cr_assert_eq(mt_write(child, p + 4096, 7), FAULT_OK);
	cr_expect_eq(mt_read(mm, p + 4096), 4096 % 251);
	mt_check(both, 2, t);
	mm_destroy(child);
	mm_destroy(mm);
	mt_file_free(t);
}
