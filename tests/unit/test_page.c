/*
 * tests/unit/test_page.c - page descriptors: PFN indexing from a non-zero
 * base, exact reference and map counts for 4 KiB and compound pages, and
 * page_put returning whole pages to the buddy allocator.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

#include "mmcore/buddy.h"
#include "sim_phys.h"

#define MACHINE_BYTES (16ull << 20)
#define MACHINE_FRAMES (MACHINE_BYTES >> PAGE_SHIFT)
#define BASE_PFN (SIM_PHYS_BASE >> PAGE_SHIFT)

static void machine_up(void)
{
	cr_assert_eq(sim_phys_init(MACHINE_BYTES), 0);
}

static void machine_down(void)
{
	sim_phys_fini();
}

TestSuite(page, .init = machine_up, .fini = machine_down);

/* Everything free again and merged into top-order blocks. */
static void expect_all_free(void)
{
	uint64_t counts[BUDDY_MAX_ORDER + 1];

	buddy_drain();
	buddy_stats(counts);
	cr_expect_eq(buddy_free_pages(), MACHINE_FRAMES);
	cr_expect_eq(counts[BUDDY_MAX_ORDER], MACHINE_FRAMES >> BUDDY_MAX_ORDER);
	buddy_check();
}

Test(page, init_reserves_every_frame)
{
	static struct page descs[100];

	memset(descs, 0xff, sizeof(descs));
	page_init(descs, 12345, 100);
	for (int i = 0; i < 100; i++) {
		cr_expect_eq(descs[i].flags, PG_RESERVED);
		cr_expect_eq(descs[i].refcount, 0);
		cr_expect_eq(descs[i].mapcount, 0);
	}
	cr_expect(pfn_valid(12345));
	cr_expect(pfn_valid(12444));
	cr_expect_not(pfn_valid(12344));
	cr_expect_not(pfn_valid(12445));
	cr_expect_not(pfn_valid(0));
	page_init(NULL, 0, 0);
	buddy_init();
}

Test(page, pfn_and_descriptor_round_trip_from_a_nonzero_base)
{
	cr_expect_eq(page_base_pfn, BASE_PFN);
	cr_expect_eq(page_nr, MACHINE_FRAMES);
	for (uint64_t pfn = BASE_PFN; pfn < BASE_PFN + MACHINE_FRAMES; pfn += 97) {
		struct page *pg = pfn_to_page(pfn);

		cr_expect_eq(page_to_pfn(pg), pfn);
		cr_expect_eq((uint8_t *)page_address(pg),
			     sim_phys_arena + ((pfn - BASE_PFN) << PAGE_SHIFT));
	}
	cr_expect_not(pfn_valid(BASE_PFN - 1));
	cr_expect_not(pfn_valid(BASE_PFN + MACHINE_FRAMES));
}

Test(page, small_page_counts_are_exact)
{
	struct page *pg = buddy_alloc(0);

	cr_assert_not_null(pg);
	cr_expect_eq(page_ref_count(pg), 0);
	page_ref_init(pg);
	cr_expect_eq(page_ref_count(pg), 1);
	page_ref_inc(pg);
	page_ref_inc(pg);
	cr_expect_eq(page_ref_count(pg), 3);
	cr_expect_eq(page_ref_dec(pg), 2);
	page_mapcount_inc(pg);
	cr_expect_eq(page_mapcount(pg), 1);
	cr_expect_eq(page_mapcount_dec(pg), 0);
	cr_expect_not(page_put(pg));
	cr_expect_eq(page_ref_count(pg), 1);
	cr_expect_eq(buddy_free_pages(), MACHINE_FRAMES - 1);
	cr_expect(page_put(pg));
	expect_all_free();
}

Test(page, compound_make_marks_head_and_tails)
{
	struct page *head = buddy_alloc_huge();
	uint64_t pfn;

	cr_assert_not_null(head);
	pfn = page_to_pfn(head);
	page_compound_make(head, HUGE_ORDER);
	cr_expect(head->flags & PG_HEAD);
	cr_expect(page_is_compound(head));
	for (unsigned i = 1; i < HUGE_NR_PAGES; i++) {
		struct page *tail = pfn_to_page(pfn + i);

		cr_assert_eq(tail->flags, PG_TAIL, "frame %u", i);
		cr_assert_eq(tail->order, HUGE_ORDER);
		cr_assert_eq(page_compound_head(tail), head);
	}
	page_compound_clear(head);
	cr_expect_not(page_is_compound(head));
	for (unsigned i = 1; i < HUGE_NR_PAGES; i++)
		cr_assert_eq(pfn_to_page(pfn + i)->flags, 0, "frame %u", i);
	buddy_free(head, HUGE_ORDER);
	expect_all_free();
}

Test(page, compound_counts_act_on_the_head_from_any_frame)
{
	struct page *head = buddy_alloc_huge();
	struct page *t1, *t2;

	cr_assert_not_null(head);
	page_compound_make(head, HUGE_ORDER);
	t1 = head + 1;
	t2 = head + HUGE_NR_PAGES - 1;
	page_ref_init(t2);
	cr_expect_eq(head->refcount, 1);
	page_ref_inc(t1);
	page_ref_inc(head + 200);
	cr_expect_eq(page_ref_count(head), 3);
	cr_expect_eq(page_ref_count(t2), 3);
	cr_expect_eq(t1->refcount, 0, "tails hold no count of their own");
	page_mapcount_inc(t1);
	page_mapcount_inc(t2);
	cr_expect_eq(page_mapcount(head), 2);
	cr_expect_eq(page_mapcount(head + 300), 2);
	cr_expect_eq(page_mapcount_dec(head + 5), 1);
	cr_expect_eq(page_mapcount_dec(t1), 0);
	cr_expect_eq(page_ref_dec(t2), 2);
	cr_expect_not(page_put(t1));
	cr_expect_eq(buddy_free_pages(), MACHINE_FRAMES - HUGE_NR_PAGES);
	/* The last put through a tail frees all 512 frames. */
	cr_expect(page_put(head + 77));
	cr_expect_eq(buddy_free_pages(), MACHINE_FRAMES);
	for (unsigned i = 1; i < HUGE_NR_PAGES; i++)
		cr_assert_eq(head[i].flags & (PG_TAIL | PG_HEAD), 0, "frame %u", i);
	expect_all_free();
}

Test(page, put_forgets_what_the_page_was_used_for)
{
	struct page *pg = buddy_alloc(0);

	page_ref_init(pg);
	pg->flags |= PG_ANON | PG_DIRTY;
	cr_expect(page_put(pg));
	pg = buddy_alloc(0);
	cr_expect_eq(pg->flags, PG_ALLOCATED);
	buddy_free(pg, 0);
	expect_all_free();
}

Test(page, order_two_compound_frees_with_its_order)
{
	struct page *head = buddy_alloc(2);

	page_compound_make(head, 2);
	page_ref_init(head + 3);
	cr_expect_eq(page_compound_head(head + 3), head);
	cr_expect(page_put(head + 2));
	expect_all_free();
}

/* ---- misuse is fatal ---------------------------------------------------- */

Test(page, ref_underflow_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(0);

	page_ref_dec(pg);
}

Test(page, mapcount_underflow_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(0);

	page_mapcount_inc(pg);
	page_mapcount_dec(pg);
	page_mapcount_dec(pg);
}

Test(page, put_without_a_reference_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(0);

	page_ref_init(pg);
	page_put(pg);
	page_put(pg);
}

Test(page, last_put_of_a_mapped_page_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(0);

	page_ref_init(pg);
	page_mapcount_inc(pg);
	page_put(pg);
}

Test(page, last_put_of_the_zero_page_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(0);

	page_ref_init(pg);
	pg->flags |= PG_ZERO;
	page_put(pg);
}

Test(page, compound_make_twice_aborts, .signal = SIGABRT)
{
	struct page *head = buddy_alloc_huge();

	page_compound_make(head, HUGE_ORDER);
	page_compound_make(head, HUGE_ORDER);
}

Test(page, compound_make_with_another_order_aborts, .signal = SIGABRT)
{
	page_compound_make(buddy_alloc(3), 4);
}
