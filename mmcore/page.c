/*
 * mmcore/page.c - page descriptors: reference and map counts, compound
 * (2 MiB) pages, and the final put that returns a page to the buddy.
 *
 * Counts always live on the compound head, so a caller holding any of the
 * 512 frames of a huge page sees the same number as one holding the head.
 */
#include "mmcore/buddy.h"
#include "mmcore/page.h"

struct page *page_map;
uint64_t page_base_pfn;
uint64_t page_nr;

/* Flags that describe a page's use; the final put forgets them. */
#define PAGE_USE_FLAGS (PG_ANON | PG_CACHE | PG_DIRTY)

/*
 * Install the descriptor array for frames [base_pfn, base_pfn + nr) and mark
 * every frame reserved until buddy_add_range() hands it out. descs may be
 * NULL only with nr == 0 (an empty machine).
 */
void page_init(struct page *descs, uint64_t base_pfn, uint64_t nr)
{
	MM_ASSERT(descs != NULL || nr == 0, "page_init: no descriptor array");
	page_map = descs;
	page_base_pfn = base_pfn;
	page_nr = nr;
	for (uint64_t i = 0; i < nr; i++) {
		__builtin_memset(&descs[i], 0, sizeof(descs[i]));
		descs[i].flags = PG_RESERVED;
	}
}

/* Set the reference count of pg's head to 1 (a fresh allocation). */
void page_ref_init(struct page *pg)
{
	struct page *head = page_compound_head(pg);

	MM_ASSERT_CHEAP(!(head->flags & (PG_BUDDY | PG_RESERVED)),
			"page_ref_init: page is not allocated");
	head->refcount = 1;
}

/* Take one more reference on pg's head. */
void page_ref_inc(struct page *pg)
{
	struct page *head = page_compound_head(pg);

	MM_ASSERT_CHEAP(!(head->flags & PG_BUDDY), "page_ref_inc: page is free");
	MM_ASSERT(head->refcount >= 0, "page_ref_inc: negative refcount");
	head->refcount++;
}

/* Drop one reference on pg's head; returns the count left. */
int page_ref_dec(struct page *pg)
{
	struct page *head = page_compound_head(pg);

	MM_ASSERT(head->refcount > 0, "page_ref_dec: refcount underflow");
	return --head->refcount;
}

/* The reference count held on pg's head. */
int page_ref_count(struct page *pg)
{
	return page_compound_head(pg)->refcount;
}

/* Record one more page-table entry mapping pg (counted on the head). */
void page_mapcount_inc(struct page *pg)
{
	struct page *head = page_compound_head(pg);

	MM_ASSERT(head->mapcount >= 0, "page_mapcount_inc: negative mapcount");
	head->mapcount++;
}

/* Forget one page-table entry mapping pg; returns the count left. */
int page_mapcount_dec(struct page *pg)
{
	struct page *head = page_compound_head(pg);

	MM_ASSERT(head->mapcount > 0, "page_mapcount_dec: mapcount underflow");
	return --head->mapcount;
}

/* Number of page-table entries mapping pg's head. */
int page_mapcount(struct page *pg)
{
	return page_compound_head(pg)->mapcount;
}

/*
 * Turn the allocated block of 2^order frames at head into a compound page:
 * head gets PG_HEAD, the others PG_TAIL, and all record `order` so any frame
 * finds its head by aligning its PFN down. order must be 1..BUDDY_MAX_ORDER
 * and match the allocation.
 */
void page_compound_make(struct page *head, unsigned order)
{
	uint64_t pfn = page_to_pfn(head);
	uint64_t n = 1ull << order;

	MM_ASSERT(order >= 1 && order <= BUDDY_MAX_ORDER,
		  "page_compound_make: bad order");
	MM_ASSERT(IS_ALIGNED(pfn, n), "page_compound_make: head not aligned");
	MM_ASSERT((head->flags & PG_ALLOCATED) && head->order == order,
		  "page_compound_make: not an allocated block of this order");
	MM_ASSERT(!page_is_compound(head), "page_compound_make: already compound");
	head->flags |= PG_HEAD;
	for (uint64_t i = 1; i < n; i++) {
		struct page *tail = head + i;

		MM_ASSERT_CHEAP(tail->flags == 0, "page_compound_make: tail frame in use");
		tail->flags = PG_TAIL;
		tail->order = (uint8_t)order;
	}
}

/*
 * Undo page_compound_make(): tails become plain frames again and head loses
 * PG_HEAD but keeps its allocation order, ready for buddy_free().
 */
void page_compound_clear(struct page *head)
{
	uint64_t n;

	MM_ASSERT(head->flags & PG_HEAD, "page_compound_clear: not a compound head");
	n = 1ull << head->order;
	for (uint64_t i = 1; i < n; i++) {
		struct page *tail = head + i;

		MM_ASSERT_CHEAP(tail->flags == PG_TAIL && tail->order == head->order,
				"page_compound_clear: tail frame corrupted");
		tail->flags = 0;
		tail->order = 0;
	}
	head->flags &= ~PG_HEAD;
}

/*
 * Drop a reference to pg (any frame of it). At zero the whole page, compound
 * or not, goes back to the buddy allocator in the order it was allocated;
 * returns true then. The page must no longer be mapped.
 */
bool page_put(struct page *pg)
{
	struct page *head = page_compound_head(pg);
	unsigned order;

	if (page_ref_dec(head) != 0)
		return false;
	MM_ASSERT(!(head->flags & PG_ZERO), "page_put: last reference to the zero page");
	if (head->flags & PG_HEAD)
		page_compound_clear(head);
	order = head->order;
	head->flags &= ~PAGE_USE_FLAGS;
	buddy_free(head, order);
	return true;
}
