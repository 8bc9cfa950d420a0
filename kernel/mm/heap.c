/*
 * mm/heap.c - kmalloc/kfree.
 *
 * Requests up to 1 KiB come from size classes (16, 32, ... 1024 bytes):
 * each class owns whole buddy pages ("slabs") whose first 16 bytes are a
 * header (magic, class, live count) and whose free objects sit on the
 * class's free list. Bigger requests take a buddy block of the right order
 * whose first 16 bytes are the same header. So kfree finds everything it
 * needs from the pointer alone: round down to the page, read the header.
 * A slab whose objects are all free goes back to the buddy allocator.
 */
#include "kernel/heap.h"

#include <stdbool.h>

#include "kernel/kstring.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
#include "mmcore/buddy.h"

#ifndef KCFG_POISON
#define KCFG_POISON 1
#endif

#define HEAP_MAGIC_SLAB 0x534c4142u  /* "SLAB" */
#define HEAP_MAGIC_LARGE 0x4c415247u /* "LARG" */
#define HEADER_SIZE 16
#define MIN_SHIFT 4
#define NR_CLASSES 7 /* 16 .. 1024 */
#define POISON_BYTE 0x6b

struct heap_header {
	uint32_t magic;
	uint16_t cls;   /* size class (slab) or buddy order (large) */
	uint16_t live;  /* objects handed out from this slab */
	uint32_t total; /* objects the slab holds */
	uint32_t pad;
};

struct free_obj {
	struct free_obj *next;
};

static struct free_obj *free_lists[NR_CLASSES];
static struct heap_stats stats;

static unsigned size_class(size_t size)
{
	unsigned c = 0;
	while (((size_t)1 << (c + MIN_SHIFT)) < size)
		c++;
	return c;
}

static struct heap_header *header_of(const void *p)
{
	return (struct heap_header *)((uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1));
}

/* Carve a fresh page into objects of class cls. Returns false on ENOMEM. */
static bool slab_grow(unsigned cls)
{
	struct page *pg = buddy_alloc(0);
	if (!pg)
		return false;
	size_t objsize = (size_t)1 << (cls + MIN_SHIFT);
	size_t first = objsize < HEADER_SIZE ? HEADER_SIZE : objsize;
	char *base = page_address(pg);
	struct heap_header *h = (struct heap_header *)base;
	*h = (struct heap_header){.magic = HEAP_MAGIC_SLAB, .cls = (uint16_t)cls};
	for (size_t off = first; off + objsize <= PAGE_SIZE; off += objsize) {
		struct free_obj *o = (struct free_obj *)(base + off);
		o->next = free_lists[cls];
		free_lists[cls] = o;
		h->total++;
	}
	stats.slab_pages++;
	return true;
}

static void *large_alloc(size_t size)
{
	unsigned order = 0;
	while ((PAGE_SIZE << order) < size + HEADER_SIZE)
		if (++order > BUDDY_MAX_ORDER)
			return NULL;
	struct page *pg = buddy_alloc(order);
	if (!pg)
		return NULL;
	struct heap_header *h = page_address(pg);
	*h = (struct heap_header){.magic = HEAP_MAGIC_LARGE, .cls = (uint16_t)order, .live = 1};
	stats.large_pages += 1ull << order;
	stats.live_objects++;
	memset(h + 1, 0, (PAGE_SIZE << order) - HEADER_SIZE);
	return h + 1;
}

void *kmalloc(size_t size)
{
	if (size == 0)
		return NULL;
	if (size > ((size_t)1 << (NR_CLASSES - 1 + MIN_SHIFT)))
		return large_alloc(size);
	unsigned cls = size_class(size);
	if (!free_lists[cls] && !slab_grow(cls))
		return NULL;
	struct free_obj *o = free_lists[cls];
	free_lists[cls] = o->next;
	header_of(o)->live++;
	stats.live_objects++;
	memset(o, 0, (size_t)1 << (cls + MIN_SHIFT));
	return o;
}

/* Take every object of an empty slab off its free list and free the page. */
static void slab_release(struct heap_header *h)
{
	for (struct free_obj **pp = &free_lists[h->cls]; *pp;) {
		if (header_of(*pp) == h)
			*pp = (*pp)->next;
		else
			pp = &(*pp)->next;
	}
	h->magic = 0;
	stats.slab_pages--;
	buddy_free(pfn_to_page(direct_to_phys(h) >> PAGE_SHIFT), 0);
}

void kfree(void *p)
{
	if (!p)
		return;
	struct heap_header *h = header_of(p);
	if (h->magic == HEAP_MAGIC_LARGE && p == (void *)(h + 1)) {
		unsigned order = h->cls;
		h->magic = 0;
		stats.large_pages -= 1ull << order;
		stats.live_objects--;
		buddy_free(pfn_to_page(direct_to_phys(h) >> PAGE_SHIFT), order);
		return;
	}
	size_t objsize = (size_t)1 << (h->cls + MIN_SHIFT);
	size_t off = (uintptr_t)p & (PAGE_SIZE - 1);
	if (h->magic != HEAP_MAGIC_SLAB || h->cls >= NR_CLASSES || off < HEADER_SIZE ||
	    off % objsize || h->live == 0)
		panic("kfree: %p was not returned by kmalloc (or was freed twice)", p);
	if (KCFG_POISON)
		memset(p, POISON_BYTE, objsize);
	struct free_obj *o = p;
	o->next = free_lists[h->cls];
	free_lists[h->cls] = o;
	h->live--;
	stats.live_objects--;
	/* Keep one spare page per class; release the rest when empty. */
	if (h->live == 0 && stats.slab_pages > NR_CLASSES)
		slab_release(h);
}

void heap_stats(struct heap_stats *out) { *out = stats; }

void heap_trim(void)
{
	for (unsigned c = 0; c < NR_CLASSES; c++) {
		struct free_obj *o = free_lists[c];
		while (o) {
			struct heap_header *h = header_of(o);
			o = o->next;
			if (h->live == 0) {
				slab_release(h);
				o = free_lists[c]; /* the list changed under us: restart */
			}
		}
	}
}
