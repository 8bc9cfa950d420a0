/*
 * mmcore/buddy.c - binary buddy allocator over PFN-indexed descriptors.
 *
 * A free block of 2^k frames is represented only by its first frame's
 * descriptor: PG_BUDDY set, order = k, linked into free list k through
 * page.buddy. The other frames of the block carry no flags. Allocated
 * blocks carry PG_ALLOCATED and their order on the first frame.
 *
 * A bitmask of non-empty orders lets allocation find the smallest usable
 * block without walking the orders, and the doubly-linked lists let a merge
 * unlink the buddy in O(1), so no operation costs more than a few steps per
 * order, whatever the number of free blocks.
 *
 * Order-0 cache: a pair of order-0 alloc+free on a well-merged allocator
 * splits a top-order block ten times and merges it back ten times: about
 * 40 ns per pair measured, short of the 30 million pairs/s the fault path
 * is budgeted. As Linux's per-cpu page lists do, up to
 * BUDDY_CACHE_HIGH free order-0 frames are held aside on a stack; order-0
 * requests pop from it and order-0 frees push onto it. It is refilled and
 * drained in batches of BUDDY_CACHE_BATCH, so the split/merge cost is
 * shared by a batch. Cached frames are free: they count in
 * buddy_free_pages() and as order-0 blocks in buddy_stats(), carry PG_BUDDY
 * (a second free is still caught) with order BUDDY_ORDER_CACHED (so no
 * neighbour merges with them), and buddy_drain() returns them all to the
 * lists. A larger request that finds nothing drains the cache and retries,
 * so the cache never causes an allocation failure.
 */
#include "mmcore/buddy.h"

/* Byte written over freed frames so a use after free reads garbage. */
#define BUDDY_POISON 0x6b

struct buddy_area {
	struct page *head;  /* first free block of this order, or NULL */
	uint64_t nr;        /* number of free blocks on the list */
};

static struct buddy_area buddy_areas[BUDDY_MAX_ORDER + 1];
static uint32_t buddy_nonempty;  /* bit k set <=> buddy_areas[k].nr != 0 */
static uint64_t buddy_nr_free;   /* free frames */
static uint64_t buddy_nr_managed;
static mm_lock_t buddy_lock;

/* Order-0 cache: most frames held aside, and frames moved per refill/drain. */
#define BUDDY_CACHE_HIGH 64
#define BUDDY_CACHE_BATCH 16
static struct page *buddy_cache[BUDDY_CACHE_HIGH];
static unsigned buddy_cache_nr;

/* Push block pg onto the free list of `order` and mark it free. */
static void buddy_list_add(struct page *pg, unsigned order)
{
	struct buddy_area *area = &buddy_areas[order];

	pg->flags = PG_BUDDY;
	pg->order = (uint8_t)order;
	pg->buddy.prev = NULL;
	pg->buddy.next = area->head;
	if (area->head)
		area->head->buddy.prev = pg;
	area->head = pg;
	area->nr++;
	buddy_nonempty |= 1u << order;
}

/* Unlink free block pg (of `order`) from its list; it is no longer free. */
static void buddy_list_del(struct page *pg, unsigned order)
{
	struct buddy_area *area = &buddy_areas[order];

	if (pg->buddy.prev)
		pg->buddy.prev->buddy.next = pg->buddy.next;
	else
		area->head = pg->buddy.next;
	if (pg->buddy.next)
		pg->buddy.next->buddy.prev = pg->buddy.prev;
	pg->flags = 0;
	if (--area->nr == 0)
		buddy_nonempty &= ~(1u << order);
}

/*
 * The frame at pfn can merge with a block of `order` when it has a
 * descriptor, heads a free block (PG_BUDDY) that is not reserved memory,
 * and that block has the same order. A PG_BUDDY frame of another order is
 * either part of a larger free block or a smaller piece, and must stay.
 */
static bool buddy_is_free_of_order(uint64_t pfn, unsigned order)
{
	struct page *pg;

	if (!pfn_valid(pfn))
		return false;
	pg = pfn_to_page(pfn);
	return (pg->flags & (PG_BUDDY | PG_RESERVED)) == PG_BUDDY && pg->order == order;
}

/*
 * Insert the free block [pfn, pfn + 2^order) and merge it with its buddy as
 * long as the buddy is free at the same order, up to BUDDY_MAX_ORDER.
 */
static void buddy_insert(uint64_t pfn, unsigned order)
{
	while (order < BUDDY_MAX_ORDER) {
		uint64_t buddy_pfn = pfn ^ (1ull << order);

		if (!buddy_is_free_of_order(buddy_pfn, order))
			break;
		buddy_list_del(pfn_to_page(buddy_pfn), order);
		pfn &= buddy_pfn; /* the merged block starts at the lower of the two */
		order++;
	}
	buddy_list_add(pfn_to_page(pfn), order);
}

/* Reset the allocator to empty; page_init() must have run. */
void buddy_init(void)
{
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
		buddy_areas[k].head = NULL;
		buddy_areas[k].nr = 0;
	}
	buddy_nonempty = 0;
	buddy_nr_free = 0;
	buddy_nr_managed = 0;
	buddy_cache_nr = 0;
	mm_lock_init(&buddy_lock);
}

/* Largest order whose aligned block starts at pfn and ends by end. */
static unsigned buddy_fit_order(uint64_t pfn, uint64_t end)
{
	unsigned order = BUDDY_MAX_ORDER;

	if (pfn != 0 && (unsigned)__builtin_ctzll(pfn) < order)
		order = (unsigned)__builtin_ctzll(pfn);
	while (end - pfn < (1ull << order))
		order--;
	return order;
}

/*
 * Hand frames [start_pfn, end_pfn) to the allocator in the largest aligned
 * blocks that fit; they merge with free neighbours added earlier. Every
 * frame must have a descriptor and still be PG_RESERVED.
 */
void buddy_add_range(uint64_t start_pfn, uint64_t end_pfn)
{
	MM_ASSERT(start_pfn <= end_pfn, "buddy_add_range: range ends before it starts");
	if (start_pfn == end_pfn)
		return;
	MM_ASSERT(pfn_valid(start_pfn) && pfn_valid(end_pfn - 1),
		  "buddy_add_range: range outside the descriptor map");
	mm_lock(&buddy_lock);
	for (uint64_t pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *pg = pfn_to_page(pfn);

		MM_ASSERT(pg->flags == PG_RESERVED, "buddy_add_range: frame not reserved");
		pg->flags = 0;
	}
	for (uint64_t pfn = start_pfn; pfn < end_pfn;) {
		unsigned order = buddy_fit_order(pfn, end_pfn);

		buddy_insert(pfn, order);
		pfn += 1ull << order;
	}
	buddy_nr_free += end_pfn - start_pfn;
	buddy_nr_managed += end_pfn - start_pfn;
	mm_unlock(&buddy_lock);
}

/* Take the first block off list k and split it down to `order`. */
static struct page *buddy_take(unsigned k, unsigned order)
{
	struct page *pg = buddy_areas[k].head;
	uint64_t pfn = page_to_pfn(pg);

	buddy_list_del(pg, k);
	/* Keep the lower half each time; the upper half becomes a free block. */
	while (k > order) {
		k--;
		buddy_list_add(pfn_to_page(pfn + (1ull << k)), k);
	}
	return pg;
}

/* Hold free order-0 frame pg in the cache; there must be room. */
static void buddy_cache_push(struct page *pg)
{
	pg->flags = PG_BUDDY;
	pg->order = BUDDY_ORDER_CACHED;
	buddy_cache[buddy_cache_nr++] = pg;
}

/* Move up to BUDDY_CACHE_BATCH order-0 frames from the lists into the cache. */
static void buddy_cache_refill(void)
{
	for (unsigned i = 0; i < BUDDY_CACHE_BATCH && buddy_nonempty; i++)
		buddy_cache_push(buddy_take((unsigned)__builtin_ctz(buddy_nonempty), 0));
}

/* Return the `n` oldest cached frames (the bottom of the stack) to the lists. */
static void buddy_cache_drain(unsigned n)
{
	MM_ASSERT(n <= buddy_cache_nr, "buddy_cache_drain: more than cached");
	for (unsigned i = 0; i < n; i++) {
		struct page *pg = buddy_cache[i];

		pg->flags = 0;
		pg->order = 0;
		buddy_insert(page_to_pfn(pg), 0);
	}
	for (unsigned i = n; i < buddy_cache_nr; i++)
		buddy_cache[i - n] = buddy_cache[i];
	buddy_cache_nr -= n;
}

/* Pop a free order-0 frame, refilling the cache first; NULL when none is free. */
static struct page *buddy_alloc_cached(void)
{
	if (buddy_cache_nr == 0)
		buddy_cache_refill();
	if (buddy_cache_nr == 0)
		return NULL;
	return buddy_cache[--buddy_cache_nr];
}

/* Take a block of `order` >= 1 from the lists; NULL when none fits. */
static struct page *buddy_alloc_listed(unsigned order)
{
	uint32_t usable = buddy_nonempty >> order;

	if (usable == 0 && buddy_cache_nr != 0) {
		/* Cached frames may be what keeps a larger block apart. */
		buddy_cache_drain(buddy_cache_nr);
		usable = buddy_nonempty >> order;
	}
	if (usable == 0)
		return NULL;
	return buddy_take(order + (unsigned)__builtin_ctz(usable), order);
}

/*
 * Allocate 2^order frames. Returns the first frame's descriptor marked
 * PG_ALLOCATED with `order`, zero counts; NULL when order is too large,
 * nothing fits, or failure is being injected.
 */
struct page *buddy_alloc(unsigned order)
{
	struct page *pg;

	if (order > BUDDY_MAX_ORDER)
		return NULL;
	if (mm_plat_alloc_should_fail())
		return NULL;
	mm_lock(&buddy_lock);
	pg = order == 0 ? buddy_alloc_cached() : buddy_alloc_listed(order);
	if (pg)
		buddy_nr_free -= 1ull << order;
	mm_unlock(&buddy_lock);
	if (!pg)
		return NULL;

	pg->flags = PG_ALLOCATED;
	pg->order = (uint8_t)order;
	pg->pt_level = 0;
	pg->pt_used = 0;
	pg->refcount = 0;
	pg->mapcount = 0;
	pg->cache.file = NULL;
	pg->cache.index = 0;
	return pg;
}

/* One order-9 block (a 2 MiB page), or NULL. */
struct page *buddy_alloc_huge(void)
{
	return buddy_alloc(HUGE_ORDER);
}

/* Panic unless pg heads an allocated, unused block of `order`. */
static void buddy_free_validate(struct page *pg, unsigned order)
{
	MM_ASSERT(order <= BUDDY_MAX_ORDER, "buddy_free: order out of range");
	MM_ASSERT(!(pg->flags & PG_BUDDY), "buddy_free: double free");
	MM_ASSERT(!(pg->flags & PG_TAIL), "buddy_free: tail frame of a compound page");
	MM_ASSERT(!(pg->flags & PG_HEAD), "buddy_free: compound page not cleared");
	MM_ASSERT(!(pg->flags & PG_PAGETABLE), "buddy_free: page still holds a page table");
	MM_ASSERT(!(pg->flags & PG_ZERO), "buddy_free: the zero page is never freed");
	MM_ASSERT(pg->flags & PG_ALLOCATED, "buddy_free: block was not allocated");
	MM_ASSERT(pg->order == order, "buddy_free: order does not match the allocation");
	MM_ASSERT(pg->refcount == 0, "buddy_free: page still referenced");
	MM_ASSERT(pg->mapcount == 0, "buddy_free: page still mapped");
}

/*
 * Return the block at pg, obtained from buddy_alloc(order), and merge it
 * with free buddies. Panics on a double free, a wrong order, or a page
 * still referenced, mapped, compound or holding a page table.
 */
void buddy_free(struct page *pg, unsigned order)
{
	uint64_t pfn = page_to_pfn(pg);

	buddy_free_validate(pg, order);
	if (MM_CFG_POISON_FREE) {
		for (uint64_t i = 0; i < (1ull << order); i++)
			mm_plat_fill_page(pfn_address(pfn + i), BUDDY_POISON);
	}
	/* Forget the allocation: if pg ends up inside a merged block it must look unused. */
	pg->flags = 0;
	pg->order = 0;
	mm_lock(&buddy_lock);
	if (order == 0) {
		if (buddy_cache_nr == BUDDY_CACHE_HIGH)
			buddy_cache_drain(BUDDY_CACHE_BATCH);
		buddy_cache_push(pg);
	} else {
		buddy_insert(pfn, order);
	}
	buddy_nr_free += 1ull << order;
	mm_unlock(&buddy_lock);
}

/* Return every frame held in the order-0 cache to the lists, merging. */
void buddy_drain(void)
{
	mm_lock(&buddy_lock);
	buddy_cache_drain(buddy_cache_nr);
	mm_unlock(&buddy_lock);
}

/* Total free frames. */
uint64_t buddy_free_pages(void)
{
	return buddy_nr_free;
}

/* Total frames ever given with buddy_add_range(). */
uint64_t buddy_managed_pages(void)
{
	return buddy_nr_managed;
}

/* Copy the number of free blocks of each order into counts[]. */
void buddy_stats(uint64_t counts[BUDDY_MAX_ORDER + 1])
{
	mm_lock(&buddy_lock);
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
		counts[k] = buddy_areas[k].nr;
	counts[0] += buddy_cache_nr; /* cached frames are free order-0 blocks */
	mm_unlock(&buddy_lock);
}

/*
 * Check free list k: links consistent, every block PG_BUDDY of order k,
 * aligned, inside the map, and not mergeable with its buddy. Returns the
 * frames on the list.
 */
static uint64_t buddy_check_list(unsigned k)
{
	struct buddy_area *area = &buddy_areas[k];
	struct page *prev = NULL;
	uint64_t n = 0;

	MM_ASSERT(((buddy_nonempty >> k) & 1) == (area->nr != 0),
		  "buddy_check: non-empty mask disagrees with list");
	for (struct page *pg = area->head; pg; prev = pg, pg = pg->buddy.next) {
		uint64_t pfn;

		MM_ASSERT(n < area->nr, "buddy_check: list longer than its count (cycle?)");
		MM_ASSERT(pg >= page_map && pg < page_map + page_nr,
			  "buddy_check: listed block outside the descriptor map");
		pfn = page_to_pfn(pg);
		MM_ASSERT(pg->buddy.prev == prev, "buddy_check: broken back link");
		MM_ASSERT(pg->flags == PG_BUDDY, "buddy_check: listed block not PG_BUDDY");
		MM_ASSERT(pg->order == k, "buddy_check: listed block has the wrong order");
		MM_ASSERT(IS_ALIGNED(pfn, 1ull << k), "buddy_check: block not aligned");
		MM_ASSERT(pfn_valid(pfn + (1ull << k) - 1),
			  "buddy_check: block runs past the descriptor map");
		MM_ASSERT(k == BUDDY_MAX_ORDER || !buddy_is_free_of_order(pfn ^ (1ull << k), k),
			  "buddy_check: two free buddies left unmerged");
		n++;
	}
	MM_ASSERT(n == area->nr, "buddy_check: list shorter than its count");
	return n << k;
}

/*
 * Check the order-0 cache: every entry is a frame of the map marked as
 * cached, and no frame is held twice. Returns the number of cached frames.
 */
static uint64_t buddy_check_cache(void)
{
	MM_ASSERT(buddy_cache_nr <= BUDDY_CACHE_HIGH, "buddy_check: cache overfull");
	for (unsigned i = 0; i < buddy_cache_nr; i++) {
		struct page *pg = buddy_cache[i];

		MM_ASSERT(pg >= page_map && pg < page_map + page_nr,
			  "buddy_check: cached frame outside the descriptor map");
		MM_ASSERT(pg->flags == PG_BUDDY && pg->order == BUDDY_ORDER_CACHED,
			  "buddy_check: cached frame not marked cached");
		for (unsigned j = 0; j < i; j++)
			MM_ASSERT(buddy_cache[j] != pg, "buddy_check: frame cached twice");
	}
	return buddy_cache_nr;
}

/*
 * Walk every descriptor: each PG_BUDDY frame must head a listed block whose
 * other frames are unused (no overlap) or be a cached frame, and the free
 * and managed frame totals must match the counters. Returns the number of
 * listed blocks in *blocks and cached frames in *cached.
 */
static void buddy_check_descriptors(uint64_t *blocks, uint64_t *cached)
{
	uint64_t free = 0, managed = 0;

	*blocks = *cached = 0;
	for (uint64_t i = 0; i < page_nr;) {
		struct page *pg = &page_map[i];
		uint64_t n;

		if (!(pg->flags & PG_BUDDY)) {
			managed += !(pg->flags & PG_RESERVED);
			i++;
			continue;
		}
		if (pg->order == BUDDY_ORDER_CACHED) {
			(*cached)++;
			free++;
			managed++;
			i++;
			continue;
		}
		MM_ASSERT(pg->order <= BUDDY_MAX_ORDER, "buddy_check: free block order too large");
		n = 1ull << pg->order;
		MM_ASSERT(i + n <= page_nr, "buddy_check: free block runs past the descriptor map");
		for (uint64_t j = 1; j < n; j++)
			MM_ASSERT(pg[j].flags == 0, "buddy_check: free block overlaps a used frame");
		(*blocks)++;
		free += n;
		managed += n;
		i += n;
	}
	MM_ASSERT(free == buddy_nr_free, "buddy_check: free frames disagree with descriptors");
	MM_ASSERT(managed == buddy_nr_managed, "buddy_check: managed frames disagree");
}

/*
 * Verify the whole allocator (lists and cache against descriptors,
 * alignment, no overlap, nothing left unmerged, totals). Returns 0 or
 * panics.
 */
int buddy_check(void)
{
	uint64_t listed_frames = 0, listed_blocks = 0, cached, blocks, marked;

	mm_lock(&buddy_lock);
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
		listed_frames += buddy_check_list(k);
		listed_blocks += buddy_areas[k].nr;
	}
	cached = buddy_check_cache();
	MM_ASSERT(listed_frames + cached == buddy_nr_free,
		  "buddy_check: lists and cache disagree with free count");
	/*
	 * Every listed block and cached frame is marked in its descriptor and
	 * none is held twice, so equal counts mean every marked descriptor is held.
	 */
	buddy_check_descriptors(&blocks, &marked);
	MM_ASSERT(blocks == listed_blocks, "buddy_check: free descriptor missing from the lists");
	MM_ASSERT(marked == cached, "buddy_check: cached descriptor missing from the cache");
	mm_unlock(&buddy_lock);
	return 0;
}
