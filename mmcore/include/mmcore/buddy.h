/*
 * mmcore/buddy.h - binary buddy allocator over the frames of page.h.
 *
 * Free blocks of 2^order frames sit on one list per order. A block of order
 * k starting at pfn has its buddy at pfn ^ (1 << k); whether that buddy is a
 * free block of the same order is read from its descriptor (PG_BUDDY and
 * order) in O(1), never by scanning a list. Block alignment is on absolute
 * PFNs, so base PFNs need not be zero.
 */
#ifndef MMCORE_BUDDY_H
#define MMCORE_BUDDY_H

#include "mmcore/page.h"

#define BUDDY_MAX_ORDER 10 /* largest block: 2^10 frames = 4 MiB */

/*
 * Free order-0 frames may be held in a small bounded cache instead of the
 * lists (see buddy.c); they are PG_BUDDY with this order, so nothing merges
 * with them. They still count as free everywhere.
 */
#define BUDDY_ORDER_CACHED 0xff

/* Reset the allocator to empty. page_init() must have run. */
void buddy_init(void);

/*
 * Give frames [start_pfn, end_pfn) to the allocator as free memory, in the
 * largest aligned blocks that fit. The frames must have descriptors and be
 * PG_RESERVED (not already free).
 */
void buddy_add_range(uint64_t start_pfn, uint64_t end_pfn);

/*
 * Allocate a block of 2^order frames. Returns the descriptor of the first
 * frame (flags PG_ALLOCATED, order set, refcount 0, mapcount 0), or NULL
 * when no block is free or mm_plat_alloc_should_fail() says so. Contents are
 * not zeroed.
 */
struct page *buddy_alloc(unsigned order);

/* One order-9 block (a 2 MiB page), or NULL. */
struct page *buddy_alloc_huge(void);

/*
 * Return a block obtained from buddy_alloc(order). Coalesces with free
 * buddies up to BUDDY_MAX_ORDER. MM_ASSERTs on double free, on a page that
 * is still referenced or mapped, and on an order that does not match.
 */
void buddy_free(struct page *pg, unsigned order);

/*
 * Return the frames held in the order-0 cache to the lists, merging them,
 * so buddy_stats() shows the fully coalesced state.
 */
void buddy_drain(void);

/* Total free frames (cached ones included). */
uint64_t buddy_free_pages(void);
/* Total frames ever added with buddy_add_range(). */
uint64_t buddy_managed_pages(void);
/* Number of free blocks of each order 0..BUDDY_MAX_ORDER into counts[]
 * (cached frames count as order-0 blocks). */
void buddy_stats(uint64_t counts[BUDDY_MAX_ORDER + 1]);

/*
 * Verify the allocator: every listed block is PG_BUDDY with its order,
 * aligned, not overlapping, no two free buddies left unmerged, counts match.
 * Returns 0, or panics (MM_ASSERT) with the first inconsistency found.
 */
int buddy_check(void);

#endif
