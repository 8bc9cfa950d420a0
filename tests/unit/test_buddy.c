/*
 * tests/unit/test_buddy.c - the buddy allocator against an independent
 * model: coalescing, exclusive hand-out, odd ranges, huge blocks, failure
 * injection, the order-0 cache, poisoning and the fatal misuse checks.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "mmcore/buddy.h"
#include "sim_phys.h"

#define MACHINE_BYTES (64ull << 20)
#define MACHINE_FRAMES (MACHINE_BYTES >> PAGE_SHIFT)
#define TOP_BLOCKS (MACHINE_FRAMES >> BUDDY_MAX_ORDER)
#define BASE_PFN (SIM_PHYS_BASE >> PAGE_SHIFT)

static void machine_up(void)
{
	cr_assert_eq(sim_phys_init(MACHINE_BYTES), 0);
}

static void machine_down(void)
{
	sim_fail_countdown = 0;
	sim_fail_every = 0;
	sim_phys_fini();
}

TestSuite(buddy, .init = machine_up, .fini = machine_down);

/* xorshift64*: a small seeded generator so failures replay exactly. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t rng_below(uint64_t n)
{
	return rng_next() % n;
}

/* Drain the cache and expect every frame merged back into top-order blocks. */
static void expect_fully_merged(uint64_t top_blocks)
{
	uint64_t counts[BUDDY_MAX_ORDER + 1];

	buddy_drain();
	buddy_stats(counts);
	for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++)
		cr_expect_eq(counts[k], 0, "order %u still has %llu free blocks", k,
			     (unsigned long long)counts[k]);
	cr_expect_eq(counts[BUDDY_MAX_ORDER], top_blocks);
	cr_expect_eq(buddy_free_pages(), buddy_managed_pages());
	buddy_check();
}

Test(buddy, starts_as_top_order_blocks)
{
	cr_expect_eq(buddy_managed_pages(), MACHINE_FRAMES);
	cr_expect_eq(buddy_free_pages(), MACHINE_FRAMES);
	expect_fully_merged(TOP_BLOCKS);
}

Test(buddy, allocation_splits_and_reports_its_block)
{
	uint64_t counts[BUDDY_MAX_ORDER + 1];
	struct page *pg = buddy_alloc(3);

	cr_assert_not_null(pg);
	cr_expect_eq(pg->flags, PG_ALLOCATED);
	cr_expect_eq(pg->order, 3);
	cr_expect_eq(pg->refcount, 0);
	cr_expect_eq(pg->mapcount, 0);
	cr_expect(IS_ALIGNED(page_to_pfn(pg), 8));
	cr_expect_eq(buddy_free_pages(), MACHINE_FRAMES - 8);
	/* One top block split down to order 3 leaves one free block at 3..9. */
	buddy_stats(counts);
	for (unsigned k = 0; k < 3; k++)
		cr_expect_eq(counts[k], 0);
	for (unsigned k = 3; k < BUDDY_MAX_ORDER; k++)
		cr_expect_eq(counts[k], 1, "order %u", k);
	cr_expect_eq(counts[BUDDY_MAX_ORDER], TOP_BLOCKS - 1);
	buddy_check();
	buddy_free(pg, 3);
	expect_fully_merged(TOP_BLOCKS);
}

/* Allocate random orders until memory runs out, free in random order. */
static void random_fill_and_free(uint64_t seed)
{
	struct page **blocks = calloc(MACHINE_FRAMES, sizeof(*blocks));
	unsigned *orders = calloc(MACHINE_FRAMES, sizeof(*orders));
	uint64_t n = 0, frames = 0;

	cr_assert(blocks && orders);
	rng_state = seed;
	for (;;) {
		unsigned order = (unsigned)rng_below(BUDDY_MAX_ORDER + 1);
		struct page *pg = buddy_alloc(order);

		if (!pg) {
			/* Failure must mean no free block of that order exists. */
			uint64_t counts[BUDDY_MAX_ORDER + 1];

			buddy_stats(counts);
			for (unsigned k = order; k <= BUDDY_MAX_ORDER; k++)
				cr_assert_eq(counts[k], 0, "alloc(%u) failed with order %u free", order, k);
			if (order == 0)
				break;
			continue;
		}
		blocks[n] = pg;
		orders[n++] = order;
		frames += 1ull << order;
	}
	cr_expect_eq(frames, MACHINE_FRAMES, "every frame handed out");
	cr_expect_eq(buddy_free_pages(), 0);
	buddy_check();
	/* Fisher-Yates shuffle of the free order. */
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = rng_below(i);
		struct page *tp = blocks[i - 1];
		unsigned to = orders[i - 1];

		blocks[i - 1] = blocks[j];
		orders[i - 1] = orders[j];
		blocks[j] = tp;
		orders[j] = to;
	}
	for (uint64_t i = 0; i < n; i++) {
		buddy_free(blocks[i], orders[i]);
		if (i % 1024 == 0)
			buddy_check();
	}
	expect_fully_merged(TOP_BLOCKS);
	free(blocks);
	free(orders);
}

Test(buddy, coalesces_to_top_order_after_random_alloc_and_free)
{
	for (uint64_t seed = 1; seed <= 4; seed++)
		random_fill_and_free(seed * 0x9e3779b97f4a7c15ull);
}

/*
 * 100k random operations checked against a bitmap of allocated frames:
 * no frame is ever handed out twice, blocks are aligned and inside the
 * machine, and the free count is exact at every step.
 */
Test(buddy, never_hands_out_a_frame_twice)
{
	static uint8_t model[MACHINE_FRAMES];
	struct page **blocks = calloc(MACHINE_FRAMES, sizeof(*blocks));
	unsigned *orders = calloc(MACHINE_FRAMES, sizeof(*orders));
	uint64_t n = 0, used = 0, failures = 0;

	cr_assert(blocks && orders);
	memset(model, 0, sizeof(model));
	rng_state = 0x1234567887654321ull;
	for (int op = 0; op < 100000; op++) {
		/* Mostly small orders; allocate more than free until half full. */
		bool do_alloc = n == 0 || rng_below(100) < (used < MACHINE_FRAMES / 2 ? 60 : 45);

		if (do_alloc) {
			unsigned order = rng_below(8) == 0 ? (unsigned)rng_below(BUDDY_MAX_ORDER + 1)
							 : (unsigned)rng_below(3);
			struct page *pg = buddy_alloc(order);
			uint64_t pfn;

			if (!pg) {
				failures++;
				continue;
			}
			pfn = page_to_pfn(pg);
			cr_assert(IS_ALIGNED(pfn, 1ull << order), "misaligned block at %llx",
				  (unsigned long long)pfn);
			cr_assert(pfn >= BASE_PFN && pfn + (1ull << order) <= BASE_PFN + MACHINE_FRAMES);
			for (uint64_t i = 0; i < (1ull << order); i++) {
				cr_assert_eq(model[pfn - BASE_PFN + i], 0, "frame %llx handed out twice",
					     (unsigned long long)(pfn + i));
				model[pfn - BASE_PFN + i] = 1;
			}
			blocks[n] = pg;
			orders[n++] = order;
			used += 1ull << order;
		} else {
			uint64_t i = rng_below(n);
			uint64_t pfn = page_to_pfn(blocks[i]);

			for (uint64_t f = 0; f < (1ull << orders[i]); f++)
				model[pfn - BASE_PFN + f] = 0;
			used -= 1ull << orders[i];
			buddy_free(blocks[i], orders[i]);
			blocks[i] = blocks[--n];
			orders[i] = orders[n];
		}
		cr_assert_eq(buddy_free_pages(), MACHINE_FRAMES - used);
		if (op % 10000 == 0)
			buddy_check();
	}
	cr_log_info("%llu allocations failed (fragmentation)", (unsigned long long)failures);
	buddy_check();
	while (n > 0) {
		n--;
		buddy_free(blocks[n], orders[n]);
	}
	expect_fully_merged(TOP_BLOCKS);
	free(blocks);
	free(orders);
}

/*
 * Expected free blocks per order for the frames marked in `free_map`
 * (indexed from `base`): the unique decomposition into maximal blocks
 * aligned on absolute PFNs.
 */
static void model_blocks(const uint8_t *free_map, uint64_t base, uint64_t nr,
			 uint64_t counts[BUDDY_MAX_ORDER + 1])
{
	memset(counts, 0, sizeof(uint64_t) * (BUDDY_MAX_ORDER + 1));
	for (uint64_t i = 0; i < nr;) {
		int order = -1;

		for (int k = BUDDY_MAX_ORDER; k >= 0 && order < 0; k--) {
			uint64_t size = 1ull << k;
			bool all = IS_ALIGNED(base + i, size) && i + size <= nr;

			for (uint64_t j = 0; all && j < size; j++)
				all = free_map[i + j];
			if (all)
				order = k;
		}
		if (order < 0) {
			i++;
			continue;
		}
		counts[order]++;
		i += 1ull << order;
	}
}

/* A descriptor map of our own over part of the arena, at an unaligned base. */
#define ODD_BASE (BASE_PFN + 5)
#define ODD_NR 5000

static void expect_model(const uint8_t *free_map)
{
	uint64_t want[BUDDY_MAX_ORDER + 1], got[BUDDY_MAX_ORDER + 1];

	model_blocks(free_map, ODD_BASE, ODD_NR, want);
	buddy_drain();
	buddy_stats(got);
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
		cr_expect_eq(got[k], want[k], "order %u: %llu blocks, model says %llu", k,
			     (unsigned long long)got[k], (unsigned long long)want[k]);
	buddy_check();
}

Test(buddy, add_range_with_odd_ranges_builds_maximal_aligned_blocks)
{
	static struct page descs[ODD_NR];
	static uint8_t free_map[ODD_NR];
	static const uint64_t ranges[][2] = {
		{0, 1}, {3, 4}, {2, 3}, {7, 1030}, {1030, 1031}, {2048 - 5, 4096 - 5 + 17},
		{4999, 5000}, {1, 2}, {4500, 4501},
	};
	uint64_t total = 0, got = 0;
	struct page *pg;

	page_init(descs, ODD_BASE, ODD_NR);
	buddy_init();
	memset(free_map, 0, sizeof(free_map));
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		buddy_add_range(ODD_BASE + ranges[r][0], ODD_BASE + ranges[r][1]);
		for (uint64_t i = ranges[r][0]; i < ranges[r][1]; i++)
			free_map[i] = 1;
		total += ranges[r][1] - ranges[r][0];
		cr_expect_eq(buddy_free_pages(), total);
		cr_expect_eq(buddy_managed_pages(), total);
		expect_model(free_map);
	}
	buddy_add_range(ODD_BASE + 10, ODD_BASE + 10); /* empty: nothing changes */
	cr_expect_eq(buddy_free_pages(), total);
	/* Every frame handed out lies inside one of the ranges, once. */
	while ((pg = buddy_alloc(0)) != NULL) {
		uint64_t i = page_to_pfn(pg) - ODD_BASE;

		cr_assert(i < ODD_NR && free_map[i] == 1, "frame %llu was not given",
			  (unsigned long long)i);
		free_map[i] = 2;
		got++;
	}
	cr_expect_eq(got, total);
	cr_expect_eq(buddy_free_pages(), 0);
	/* Frames outside every range stay reserved. */
	for (uint64_t i = 0; i < ODD_NR; i++)
		if (free_map[i] == 0)
			cr_expect_eq(descs[i].flags, PG_RESERVED, "frame %llu", (unsigned long long)i);
	for (uint64_t i = 0; i < ODD_NR; i++) {
		if (free_map[i] == 2) {
			buddy_free(&descs[i], 0);
			free_map[i] = 1;
		}
	}
	expect_model(free_map);
	page_init(NULL, 0, 0);
	buddy_init();
}

Test(buddy, adjacent_ranges_merge_across_calls)
{
	static struct page descs[2048];
	uint64_t counts[BUDDY_MAX_ORDER + 1];

	page_init(descs, BASE_PFN, 2048);
	buddy_init();
	for (uint64_t pfn = BASE_PFN + 2047;; pfn--) {
		buddy_add_range(pfn, pfn + 1);
		if (pfn == BASE_PFN)
			break;
	}
	buddy_stats(counts);
	cr_expect_eq(counts[BUDDY_MAX_ORDER], 2);
	buddy_check();
	page_init(NULL, 0, 0);
	buddy_init();
}

Test(buddy, huge_blocks_are_aligned_and_exhaust_cleanly)
{
	struct page *huge[MACHINE_FRAMES / HUGE_NR_PAGES];
	uint64_t n = 0;
	struct page *pg;

	while ((pg = buddy_alloc_huge()) != NULL) {
		cr_assert_lt(n, MACHINE_FRAMES / HUGE_NR_PAGES);
		cr_expect(IS_ALIGNED(page_to_pfn(pg), HUGE_NR_PAGES));
		cr_expect_eq(pg->order, HUGE_ORDER);
		huge[n++] = pg;
	}
	cr_expect_eq(n, MACHINE_FRAMES / HUGE_NR_PAGES);
	cr_expect_eq(buddy_free_pages(), 0);
	cr_expect_null(buddy_alloc(0));
	buddy_check();
	while (n > 0)
		buddy_free(huge[--n], HUGE_ORDER);
	expect_fully_merged(TOP_BLOCKS);
}

Test(buddy, injected_failure_hits_exactly_the_nth_allocation)
{
	struct page *a, *b, *c, *d;

	sim_fail_countdown = 3;
	a = buddy_alloc(0);
	b = buddy_alloc(2);
	c = buddy_alloc(0);
	d = buddy_alloc_huge();
	cr_expect_not_null(a);
	cr_expect_not_null(b);
	cr_expect_null(c, "third allocation must fail");
	cr_expect_not_null(d, "failure is injected once");
	cr_expect_eq(buddy_free_pages(), MACHINE_FRAMES - 1 - 4 - HUGE_NR_PAGES);
	buddy_check();
	buddy_free(a, 0);
	buddy_free(b, 2);
	buddy_free(d, HUGE_ORDER);
	expect_fully_merged(TOP_BLOCKS);
}

Test(buddy, bad_order_is_refused)
{
	cr_expect_null(buddy_alloc(BUDDY_MAX_ORDER + 1));
	cr_expect_null(buddy_alloc(1000));
	cr_expect_eq(buddy_free_pages(), MACHINE_FRAMES);
}

/*
 * The order-0 cache never makes a larger allocation fail: after every frame
 * was taken singly and given back, all huge pages are still available.
 */
Test(buddy, cached_frames_do_not_block_large_allocations)
{
	struct page **frames = calloc(MACHINE_FRAMES, sizeof(*frames));
	struct page *huge[MACHINE_FRAMES / HUGE_NR_PAGES];
	uint64_t counts[BUDDY_MAX_ORDER + 1], n = 0;

	cr_assert_not_null(frames);
	for (uint64_t i = 0; i < MACHINE_FRAMES; i++)
		cr_assert_not_null(frames[i] = buddy_alloc(0));
	cr_expect_null(buddy_alloc(0));
	for (uint64_t i = 0; i < MACHINE_FRAMES; i++)
		buddy_free(frames[i], 0);
	/* Stats and totals are exact whether or not frames sit in the cache. */
	cr_expect_eq(buddy_free_pages(), MACHINE_FRAMES);
	buddy_stats(counts);
	{
		uint64_t frames_counted = 0;

		for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
			frames_counted += counts[k] << k;
		cr_expect_eq(frames_counted, MACHINE_FRAMES);
	}
	buddy_check();
	while ((huge[n] = buddy_alloc_huge()) != NULL)
		n++;
	cr_expect_eq(n, MACHINE_FRAMES / HUGE_NR_PAGES);
	while (n > 0)
		buddy_free(huge[--n], HUGE_ORDER);
	expect_fully_merged(TOP_BLOCKS);
	free(frames);
}

#if MM_CFG_POISON_FREE
Test(buddy, freed_frames_are_poisoned)
{
	struct page *pg = buddy_alloc(1);
	uint8_t *p;

	cr_assert_not_null(pg);
	p = page_address(pg);
	memset(p, 0x11, 2 * PAGE_SIZE);
	buddy_free(pg, 1);
	for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
		cr_assert_neq(p[i], 0x11, "byte %zu survived the free", i);
}
#endif

/* ---- misuse is fatal ---------------------------------------------------- */

Test(buddy, double_free_of_a_cached_frame_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(0);

	buddy_free(pg, 0);
	buddy_free(pg, 0);
}

Test(buddy, double_free_of_a_block_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(4);

	buddy_free(pg, 4);
	buddy_free(pg, 4);
}

Test(buddy, double_free_after_merge_aborts, .signal = SIGABRT)
{
	struct page *a = buddy_alloc(3);
	struct page *b = buddy_alloc(3);

	/* a and b are buddies; freeing both merges them into one block. */
	cr_assert_eq(page_to_pfn(a) ^ 8, page_to_pfn(b));
	buddy_free(b, 3);
	buddy_free(a, 3);
	buddy_free(b, 3);
}

Test(buddy, free_with_wrong_order_aborts, .signal = SIGABRT)
{
	buddy_free(buddy_alloc(2), 3);
}

Test(buddy, free_of_a_referenced_page_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(0);

	page_ref_init(pg);
	buddy_free(pg, 0);
}

Test(buddy, free_of_a_mapped_page_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(0);

	page_mapcount_inc(pg);
	buddy_free(pg, 0);
}

Test(buddy, free_of_a_page_table_page_aborts, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(0);

	pg->flags |= PG_PAGETABLE;
	buddy_free(pg, 0);
}

Test(buddy, free_of_a_tail_frame_aborts, .signal = SIGABRT)
{
	struct page *head = buddy_alloc_huge();

	page_compound_make(head, HUGE_ORDER);
	buddy_free(head + 1, 0);
}

Test(buddy, free_of_a_never_allocated_frame_aborts, .signal = SIGABRT)
{
	/* Frame 1 is inside a free top-order block; it was never handed out. */
	buddy_free(pfn_to_page(BASE_PFN + 1), 0);
}

Test(buddy, check_catches_a_corrupted_free_list, .signal = SIGABRT)
{
	struct page *pg = buddy_alloc(5);

	buddy_free(pg, 5);
	/* Forge a second free marker inside a free block. */
	pfn_to_page(page_to_pfn(pg) + 1)->flags = PG_BUDDY;
	buddy_check();
}
