/*
 * benchmarks/mmcore/bench_mmcore.c - micro-benchmark of mmcore's physical
 * layer on the simulator platform: buddy allocation pairs, 4 KiB page-table
 * map/unmap pairs, and a check that allocator cost does not depend on how
 * many free blocks exist.
 *
 * Each figure is the best of several timed rounds (the least disturbed by
 * the host). Usage: bench_mmcore [--quick]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmcore/buddy.h"
#if BENCH_HAVE_PT
#include "mmcore/pt.h"
#endif
#include "sim_phys.h"

#define BENCH_ROUNDS 5

static uint64_t bench_scale = 1; /* --quick divides iteration counts by 10 */

static uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void bench_die(const char *what)
{
	fprintf(stderr, "bench_mmcore: %s\n", what);
	exit(1);
}

/* Time `iters` alloc+free pairs of `order`; returns ns per pair. */
static double bench_pairs_once(unsigned order, uint64_t iters)
{
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < iters; i++) {
		struct page *pg = buddy_alloc(order);

		if (!pg)
			bench_die("allocation failed during a pair");
		buddy_free(pg, order);
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

/*
 * Time `rounds` of: allocate `burst` order-0 frames, then free them all.
 * Returns the best ns per frame (one alloc plus one free); bursts larger
 * than the order-0 cache go through its refill and drain paths.
 */
static double bench_bursts(uint64_t burst, uint64_t rounds)
{
	struct page **held = calloc(burst, sizeof(*held));
	double best = 1e30;

	if (!held)
		bench_die("out of host memory");
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		uint64_t t0 = bench_now_ns();
		double ns;

		for (uint64_t n = 0; n < rounds; n++) {
			for (uint64_t i = 0; i < burst; i++)
				if (!(held[i] = buddy_alloc(0)))
					bench_die("allocation failed during a burst");
			for (uint64_t i = 0; i < burst; i++)
				buddy_free(held[i], 0);
		}
		ns = (double)(bench_now_ns() - t0) / (double)(rounds * burst);
		if (ns < best)
			best = ns;
	}
	free(held);
	return best;
}

/* Best ns per alloc+free pair of `order` over BENCH_ROUNDS rounds. */
static double bench_pairs(unsigned order, uint64_t iters)
{
	double best = 1e30;

	for (int r = 0; r < BENCH_ROUNDS; r++) {
		double ns = bench_pairs_once(order, iters);

		if (ns < best)
			best = ns;
	}
	return best;
}

static void bench_report(const char *what, double ns)
{
	printf("%-44s %10.1f ns  %12.0f /s\n", what, ns, 1e9 / ns);
}

#if BENCH_HAVE_PT
/* Best ns per pt_map + pt_unmap pair of one 4 KiB page, tables kept. */
static double bench_pt_pairs(uint64_t iters)
{
	uint64_t root, va = 0x400000;
	struct page *frame = buddy_alloc(0);
	double best = 1e30;

	if (!frame || pt_create(&root) != 0)
		bench_die("cannot set up an address space");
	/* The first map builds the intermediate tables; the pairs reuse them. */
	if (pt_map(root, va, page_to_pfn(frame), PTE_RW | PTE_US) != 0 ||
	    pt_unmap(root, va, NULL) != 0)
		bench_die("pt_map/pt_unmap failed");
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		uint64_t t0 = bench_now_ns();
		double ns;

		for (uint64_t i = 0; i < iters; i++) {
			if (pt_map(root, va, page_to_pfn(frame), PTE_RW | PTE_US) != 0 ||
			    pt_unmap(root, va, NULL) != 0)
				bench_die("pt_map/pt_unmap failed");
		}
		ns = (double)(bench_now_ns() - t0) / (double)iters;
		if (ns < best)
			best = ns;
	}
	pt_free_empty(root, 0, USER_VA_END);
	pt_destroy(root);
	buddy_free(frame, 0);
	return best;
}
#endif

/*
 * Allocate every frame singly, then free `scattered` frames at even PFN
 * offsets (their buddies stay allocated, so they cannot merge) and the last
 * aligned order-10 run (so an order-1 request must split 9 times). Returns
 * the descriptors still held, indexed by PFN offset (NULL where freed).
 */
static struct page **bench_fragment(uint64_t scattered, uint64_t *nr_out)
{
	uint64_t nr = buddy_free_pages(), big = 1ull << BUDDY_MAX_ORDER;
	struct page **held = calloc(nr, sizeof(*held));

	if (!held)
		bench_die("out of host memory");
	if (nr != page_nr || 2 * scattered + big > nr || !IS_ALIGNED(page_base_pfn, big))
		bench_die("machine unfit for the fragmentation test");
	for (uint64_t i = 0; i < nr; i++) {
		struct page *pg = buddy_alloc(0);

		if (!pg)
			bench_die("cannot allocate every frame");
		held[page_to_pfn(pg) - page_base_pfn] = pg;
	}
	for (uint64_t i = 0; i < scattered; i++) {
		buddy_free(held[2 * i], 0);
		held[2 * i] = NULL;
	}
	for (uint64_t i = nr - big; i < nr; i++) {
		buddy_free(held[i], 0);
		held[i] = NULL;
	}
	buddy_drain(); /* so the order-10 run is whole and nothing stays cached */
	*nr_out = nr;
	return held;
}

static void bench_unfragment(struct page **held, uint64_t nr)
{
	for (uint64_t i = 0; i < nr; i++)
		if (held[i])
			buddy_free(held[i], 0);
	free(held);
}

/*
 * Pair costs with few and with many unmergeable free blocks present. The
 * two set-ups alternate round by round so that host noise hits both alike.
 */
static void bench_free_block_independence(void)
{
	static const uint64_t counts[2] = {1000, 60000};
	double ns0[2] = {1e30, 1e30}, ns1[2] = {1e30, 1e30};

	for (int r = 0; r < BENCH_ROUNDS; r++) {
		for (int c = 0; c < 2; c++) {
			uint64_t nr;
			struct page **held = bench_fragment(counts[c], &nr);
			double ns;

			ns = bench_pairs_once(0, 1000000 / bench_scale);
			ns0[c] = ns < ns0[c] ? ns : ns0[c];
			ns = bench_pairs_once(1, 1000000 / bench_scale);
			ns1[c] = ns < ns1[c] ? ns : ns1[c];
			buddy_check();
			bench_unfragment(held, nr);
		}
	}
	printf("order-0 pair with %5llu / %5llu free blocks     %6.1f / %6.1f ns  ratio %.2f\n",
	       (unsigned long long)counts[0], (unsigned long long)counts[1],
	       ns0[0], ns0[1], ns0[1] / ns0[0]);
	printf("order-1 pair (9 splits) with same           %6.1f / %6.1f ns  ratio %.2f\n",
	       ns1[0], ns1[1], ns1[1] / ns1[0]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--quick") == 0)
		bench_scale = 10;
	/* 512 MiB leaves room for 60k scattered free frames plus their buddies. */
	if (sim_phys_init(512ull << 20) != 0)
		bench_die("cannot create the simulated machine");
	printf("mmcore micro-benchmark (simulator platform; cheap asserts %s, poison on free %s)\n",
	       MM_CFG_CHEAP_ASSERTS ? "on" : "off", MM_CFG_POISON_FREE ? "on" : "off");
	bench_report("order-0 alloc+free pair",
		     bench_pairs(0, 20000000 / bench_scale));
	bench_report("order-0 per frame, bursts of 1000",
		     bench_bursts(1000, 20000 / bench_scale));
	buddy_drain(); /* all merged again: the next pairs split from order 10 */
	bench_report("order-1 alloc+free pair (splits from 10)",
		     bench_pairs(1, 5000000 / bench_scale));
	bench_report("order-9 alloc+free pair (2 MiB)",
		     bench_pairs(HUGE_ORDER, (MM_CFG_POISON_FREE ? 20000 : 2000000) / bench_scale));
#if BENCH_HAVE_PT
	bench_report("4 KiB pt_map+pt_unmap pair", bench_pt_pairs(10000000 / bench_scale));
#else
	printf("4 KiB pt_map+pt_unmap pair: not built (mmcore/pt.c missing)\n");
#endif
	bench_free_block_independence();
	buddy_check();
	if (buddy_free_pages() != buddy_managed_pages())
		bench_die("frames leaked during the benchmark");
	sim_phys_fini();
	return 0;
}
