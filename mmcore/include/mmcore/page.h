/*
 * mmcore/page.h - one descriptor per physical frame, indexed by PFN.
 *
 * The descriptor array covers [page_base_pfn, page_base_pfn + page_nr);
 * frames in it that were never handed to the buddy allocator stay
 * PG_RESERVED. A 2 MiB compound page is an order-9 block whose first frame
 * (PG_HEAD) carries the reference and map counts for all 512 frames; the
 * other 511 frames are PG_TAIL and record the compound order, so the head
 * is found by aligning the PFN down.
 */
#ifndef MMCORE_PAGE_H
#define MMCORE_PAGE_H

#include "mmcore/types.h"

enum page_flags {
	PG_RESERVED = 1u << 0,  /* never managed by the buddy allocator */
	PG_BUDDY = 1u << 1,     /* first frame of a free buddy block of `order`,
				   or a cached free frame (BUDDY_ORDER_CACHED) */
	PG_HEAD = 1u << 2,      /* first frame of a compound (2 MiB) page */
	PG_TAIL = 1u << 3,      /* other frames of a compound page */
	PG_PAGETABLE = 1u << 4, /* holds a page-table level (pt_level) */
	PG_ANON = 1u << 5,      /* anonymous memory */
	PG_CACHE = 1u << 6,     /* page-cache page of a file (cache.file, cache.index) */
	PG_ZERO = 1u << 7,      /* the shared zero page (4 KiB or huge); never freed */
	PG_DIRTY = 1u << 8,     /* page-cache page written through a shared mapping */
	PG_ALLOCATED = 1u << 9, /* handed out by the buddy allocator (head frame) */
};

struct page {
	uint32_t flags;
	uint8_t order;     /* buddy order (PG_BUDDY), compound order (HEAD/TAIL) */
	uint8_t pt_level;  /* PG_PAGETABLE: 1..4 */
	uint16_t pt_used;  /* PG_PAGETABLE: number of non-empty entries */
	int32_t refcount;  /* references held (mappings, page cache, transient) */
	int32_t mapcount;  /* page-table entries mapping this page (PMD counts 1) */
	union {
		struct {
			struct page *next, *prev;
		} buddy;   /* PG_BUDDY: free-list links */
		struct {
			void *file;
			uint64_t index;
		} cache;   /* PG_CACHE: owner and page index in the file */
	};
};

/* The descriptor array; set up by page_init(). */
extern struct page *page_map;
extern uint64_t page_base_pfn;
extern uint64_t page_nr;

/*
 * Install the descriptor array `descs` of `nr` entries for frames starting
 * at `base_pfn`. Every descriptor is reset to PG_RESERVED.
 */
void page_init(struct page *descs, uint64_t base_pfn, uint64_t nr);

/* True when pfn has a descriptor. */
static inline bool pfn_valid(uint64_t pfn)
{
	return pfn - page_base_pfn < page_nr;
}

/* Descriptor of frame pfn; pfn must be valid. */
static inline struct page *pfn_to_page(uint64_t pfn)
{
	MM_ASSERT_CHEAP(pfn_valid(pfn), "pfn_to_page: pfn outside the descriptor map");
	return &page_map[pfn - page_base_pfn];
}

/* Frame number of descriptor pg. */
static inline uint64_t page_to_pfn(const struct page *pg)
{
	return (uint64_t)(pg - page_map) + page_base_pfn;
}

/* Host-usable address of a frame's contents. */
static inline void *page_address(const struct page *pg)
{
	return mm_plat_phys_to_virt(pfn_to_phys(page_to_pfn(pg)));
}

static inline void *pfn_address(uint64_t pfn)
{
	return mm_plat_phys_to_virt(pfn_to_phys(pfn));
}

/* The head of pg's compound page, or pg itself for an ordinary page. */
static inline struct page *page_compound_head(struct page *pg)
{
	if (pg->flags & PG_TAIL) {
		uint64_t pfn = page_to_pfn(pg);
		return pfn_to_page(pfn & ~((1ull << pg->order) - 1));
	}
	return pg;
}

static inline bool page_is_compound(const struct page *pg)
{
	return (pg->flags & (PG_HEAD | PG_TAIL)) != 0;
}

/*
 * Reference counting. Every function accepts any frame of a compound page
 * and acts on its head, so a 2 MiB page and its 512 frames share one count.
 */
/* Set the count of a freshly allocated page (or compound) to 1. */
void page_ref_init(struct page *pg);
/* Take a reference. */
void page_ref_inc(struct page *pg);
/* Drop a reference; returns the new count. Freeing at 0 is the caller's job. */
int page_ref_dec(struct page *pg);
/* Current reference count (of the head). */
int page_ref_count(struct page *pg);

/* Map counts, also on the head. */
void page_mapcount_inc(struct page *pg);
int page_mapcount_dec(struct page *pg);
int page_mapcount(struct page *pg);

/*
 * Turn an allocated order-`order` block starting at head into a compound
 * page (head + tails). page_compound_clear() undoes it before freeing.
 */
void page_compound_make(struct page *head, unsigned order);
void page_compound_clear(struct page *head);

/*
 * Drop a reference to pg (any frame of it); when the count reaches 0 the
 * whole page (compound or not) goes back to the buddy allocator.
 * Returns true when the page was freed.
 */
bool page_put(struct page *pg);

#endif
