/*
 * fuzz/fuzz_buddy.c - the buddy allocator against a model of free memory.
 *
 * The model is one bit per frame (managed or not, allocated or not) plus the
 * list of live blocks. Because a coalescing buddy allocator never leaves two
 * free buddies apart, it makes three exact predictions that the fuzzer
 * checks after every step:
 *   - buddy_alloc(k) succeeds iff some 2^k-aligned run of 2^k frames is
 *     entirely free (and no failure is being injected);
 *   - the free blocks per order (buddy_stats) are the greedy decomposition
 *     of the free frames into the largest aligned runs, up to order 10;
 *   - the free and managed totals match the bitmaps.
 * Each allocated frame carries a stamp (first and last byte) checked at
 * free time, so two live blocks that overlap show up as a changed stamp.
 *
 * The allocator keeps a small cache of free order-0 frames outside the
 * lists; the per-order comparison runs after buddy_drain(), on request of
 * the input and at the end, so the cache's own paths stay exercised.
 *
 * Input: a few ranges handed to the allocator, then operations, one byte of
 * opcode each (see buddy_step).
 */
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_machine.h"
#include "mmcore/buddy.h"
#include "sim_phys.h"
#include "sim_platform.h"

#define FB_MEM (8ull << 20)
#define FB_FRAMES (FB_MEM >> PAGE_SHIFT)
#define FB_MAX_LIVE 256

struct fb_block {
	struct page *pg;
	unsigned order;
	uint8_t stamp;
};

static struct {
	uint8_t managed[FB_FRAMES];
	uint8_t used[FB_FRAMES];
	struct fb_block live[FB_MAX_LIVE];
	unsigned nlive;
	uint64_t countdown; /* model of sim_fail_countdown */
	uint8_t next_stamp;
} fb;

static uint64_t fb_idx(const struct page *pg)
{
	return page_to_pfn(pg) - page_base_pfn;
}

static inline bool fb_free_frame(uint64_t i)
{
	return fb.managed[i] && !fb.used[i];
}

/*
 * The model's scans run after every step and are no coverage signal of the
 * allocator: keep libFuzzer's comparison hooks out of them.
 */
#define FB_MODEL_SCAN __attribute__((no_sanitize("coverage")))

/* Free frames before index i, rebuilt by fb_prefix_update() when frames change. */
static uint32_t fb_prefix[FB_FRAMES + 1];

FB_MODEL_SCAN static void fb_prefix_update(void)
{
	for (uint64_t i = 0; i < FB_FRAMES; i++)
		fb_prefix[i + 1] = fb_prefix[i] + fb_free_frame(i);
}

/* True when the 2^order frames at index i are all free (O(1) from the prefix sums). */
static bool fb_run_free(uint64_t i, unsigned order)
{
	uint64_t n = 1ull << order;

	return i + n <= FB_FRAMES && fb_prefix[i + n] - fb_prefix[i] == n;
}

/* Some aligned free run of 2^order frames exists. */
FB_MODEL_SCAN static bool fb_model_can_alloc(unsigned order)
{
	fb_prefix_update();
	for (uint64_t i = 0; i < FB_FRAMES; i++) {
		if ((page_base_pfn + i) & ((1ull << order) - 1))
			continue;
		if (fb_run_free(i, order))
			return true;
	}
	return false;
}

/* The free blocks per order a fully coalesced allocator must hold. */
FB_MODEL_SCAN static void fb_model_stats(uint64_t counts[BUDDY_MAX_ORDER + 1], uint64_t *free, uint64_t *managed)
{
	memset(counts, 0, sizeof(uint64_t) * (BUDDY_MAX_ORDER + 1));
	*free = *managed = 0;
	fb_prefix_update();
	for (uint64_t i = 0; i < FB_FRAMES; i++)
		*managed += fb.managed[i];
	for (uint64_t i = 0; i < FB_FRAMES;) {
		int k;
		if (!fb_free_frame(i)) {
			i++;
			continue;
		}
		for (k = BUDDY_MAX_ORDER; k > 0; k--)
			if (!((page_base_pfn + i) & ((1ull << k) - 1)) && fb_run_free(i, (unsigned)k))
				break;
		counts[k]++;
		*free += 1ull << k;
		i += 1ull << k;
	}
}

/*
 * Compare totals with the model; with `coalesced`, first drain the order-0
 * cache and compare the free blocks per order too.
 */
static void fb_check(bool coalesced)
{
	uint64_t want[BUDDY_MAX_ORDER + 1], got[BUDDY_MAX_ORDER + 1], free, managed;

	buddy_check();
	fb_model_stats(want, &free, &managed);
	FUZZ_EXPECT(buddy_free_pages() == free, "free pages %llu, model %llu",
		    (unsigned long long)buddy_free_pages(), (unsigned long long)free);
	FUZZ_EXPECT(buddy_managed_pages() == managed, "managed pages %llu, model %llu",
		    (unsigned long long)buddy_managed_pages(), (unsigned long long)managed);
	if (!coalesced)
		return;
	buddy_drain();
	buddy_check();
	buddy_stats(got);
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
		FUZZ_EXPECT(got[k] == want[k], "order %u: %llu free blocks, model %llu "
			    "(a merge was missed or made wrongly)", k,
			    (unsigned long long)got[k], (unsigned long long)want[k]);
}

/* Hand [start, start+len) to the allocator, skipping frames already managed. */
static void fb_add_range(uint64_t start, uint64_t len)
{
	uint64_t end = MM_MIN(start + len, FB_FRAMES);

	for (uint64_t i = start; i < end;) {
		uint64_t j = i;
		if (fb.managed[i]) {
			i++;
			continue;
		}
		while (j < end && !fb.managed[j])
			fb.managed[j++] = 1;
		buddy_add_range(page_base_pfn + i, page_base_pfn + j);
		i = j;
	}
}

static void fb_stamp(const struct fb_block *b)
{
	for (uint64_t f = 0; f < (1ull << b->order); f++) {
		uint8_t *p = pfn_address(page_to_pfn(b->pg) + f);
		p[0] = b->stamp;
		p[PAGE_SIZE - 1] = (uint8_t)~b->stamp;
	}
}

static void fb_verify_stamp(const struct fb_block *b)
{
	for (uint64_t f = 0; f < (1ull << b->order); f++) {
		uint8_t *p = pfn_address(page_to_pfn(b->pg) + f);
		FUZZ_EXPECT(p[0] == b->stamp && p[PAGE_SIZE - 1] == (uint8_t)~b->stamp,
			    "frame %llu of a live order-%u block was overwritten "
			    "(handed out twice?)", (unsigned long long)f, b->order);
	}
}

static void fb_alloc(unsigned order)
{
	bool inject = false, expect;
	struct page *pg;
	struct fb_block *b;

	if (order <= BUDDY_MAX_ORDER && fb.countdown && --fb.countdown == 0)
		inject = true;
	expect = order <= BUDDY_MAX_ORDER && !inject && fb_model_can_alloc(order);
	pg = buddy_alloc(order);
	FUZZ_EXPECT((pg != NULL) == expect, "buddy_alloc(%u) %s, model says %s%s", order,
		    pg ? "succeeded" : "failed", expect ? "it fits" : "it must fail",
		    inject ? " (failure injected)" : "");
	if (!pg)
		return;
	uint64_t i = fb_idx(pg);
	FUZZ_EXPECT(!((page_to_pfn(pg)) & ((1ull << order) - 1)), "block not aligned");
	fb_prefix_update();
	FUZZ_EXPECT(fb_run_free(i, order), "buddy_alloc(%u) returned frames that are not free", order);
	FUZZ_EXPECT(pg->flags == PG_ALLOCATED && pg->order == order && pg->refcount == 0 &&
		    pg->mapcount == 0, "fresh block has flags %#x order %u ref %d map %d",
		    pg->flags, pg->order, pg->refcount, pg->mapcount);
	memset(&fb.used[i], 1, 1ull << order);
	if (fb.nlive == FB_MAX_LIVE) { /* keep the table bounded: free the oldest */
		fb_verify_stamp(&fb.live[0]);
		memset(&fb.used[fb_idx(fb.live[0].pg)], 0, 1ull << fb.live[0].order);
		buddy_free(fb.live[0].pg, fb.live[0].order);
		fb.live[0] = fb.live[--fb.nlive];
	}
	b = &fb.live[fb.nlive++];
	b->pg = pg;
	b->order = order;
	b->stamp = fb.next_stamp++;
	fb_stamp(b);
}

static void fb_free(unsigned which)
{
	struct fb_block b;

	if (!fb.nlive)
		return;
	which %= fb.nlive;
	b = fb.live[which];
	fb.live[which] = fb.live[--fb.nlive];
	fb_verify_stamp(&b);
	memset(&fb.used[fb_idx(b.pg)], 0, 1ull << b.order);
	buddy_free(b.pg, b.order);
}

/* One operation; returns false at the end of the input. */
static bool buddy_step(struct fuzz_input *in)
{
	uint8_t op = fuzz_u8(in);
	bool coalesced = false;

	if (fuzz_input_done(in))
		return false;
	switch (op % 9) {
	case 0: case 1: case 2: /* small orders are what real callers ask for */
		fb_alloc(fuzz_u8(in) % 4);
		break;
	case 3:
		fb_alloc(fuzz_u8(in) % (BUDDY_MAX_ORDER + 3)); /* includes invalid orders */
		break;
	case 4: case 5:
		fb_free(fuzz_u8(in));
		break;
	case 6: /* fail the Nth allocation from now */
		fb.countdown = sim_fail_countdown = 1 + fuzz_u8(in) % 4;
		break;
	case 7:
		fb_add_range(fuzz_below(in, FB_FRAMES), 1 + fuzz_below(in, FB_FRAMES / 4));
		break;
	case 8:
		coalesced = true;
		break;
	}
	fb_check(coalesced);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;

	/* A fresh machine: every frame reserved, then the input's ranges. */
	fuzz_machine_reset(FB_MEM, false);
	memset(&fb, 0, sizeof(fb));
	fuzz_input_init(&in, data, size);
	for (unsigned n = 1 + fuzz_u8(&in) % 4; n; n--) {
		uint64_t start = fuzz_below(&in, FB_FRAMES);
		fb_add_range(start, fuzz_below(&in, FB_FRAMES + 1));
	}
	fb_check(true);
	while (buddy_step(&in))
		;
	while (fb.nlive)
		fb_free(0);
	sim_fail_countdown = 0;
	fb_check(true);
	return 0;
}
