/*
 * ktest/kt_mem.c - physical memory and the kernel heap: every free frame
 * can be allocated, written through the direct map and freed, and the
 * same frames come back the second time; the buddy lists stay consistent;
 * kmalloc objects do not overlap and all go back.
 */
#include <stdbool.h>

#include "kernel/boot.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/ktest.h"
#include "kernel/physmem.h"
#include "mmcore/buddy.h"

/* Allocate every free frame, mark it in map, write its number into it. */
static uint64_t alloc_everything(uint8_t *map, struct page **chain)
{
	uint64_t n = 0;
	struct page *pg;
	*chain = NULL;
	while ((pg = buddy_alloc(0)) != NULL) {
		uint64_t pfn = page_to_pfn(pg);
		uint64_t *w = page_address(pg);
		if (map[pfn / 8] & (1u << (pfn % 8)))
			return 0; /* the same frame twice: the caller fails the test */
		map[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
		w[0] = pfn;
		w[1] = (uint64_t)*chain; /* free frames link themselves: no extra memory */
		*chain = pg;
		n++;
	}
	return n;
}

/* Free the chain, checking each frame still holds its own number. */
static int free_everything(struct page *chain)
{
	int bad = 0;
	while (chain) {
		uint64_t *w = page_address(chain);
		struct page *next = (struct page *)w[1];
		bad |= w[0] != page_to_pfn(chain);
		buddy_free(chain, 0);
		chain = next;
	}
	return bad;
}

/*
 * True when frame pfn lies inside a free buddy block: some aligned head at
 * or below it is PG_BUDDY with an order that reaches pfn.
 */
static bool pfn_is_free(uint64_t pfn)
{
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
		uint64_t head = pfn & ~((1ull << k) - 1);
		if (!pfn_valid(head))
			break;
		struct page *pg = pfn_to_page(head);
		if ((pg->flags & PG_BUDDY) && pg->order != BUDDY_ORDER_CACHED && pg->order >= k)
			return true;
	}
	return false;
}

static int kt_buddy_all_ram(void)
{
	uint64_t nr_pfn = physmem_end_pfn();
	uint8_t *map = kmalloc((nr_pfn + 7) / 8);
	KT_CHECK(map);
	buddy_drain();
	uint64_t free_before = buddy_free_pages();
	KT_CHECK(free_before * 10 > buddy_managed_pages() * 9); /* "most of RAM" is free */
	struct page *chain;
	uint64_t n = alloc_everything(map, &chain);
	KT_CHECK(n == free_before);
	KT_CHECK(buddy_free_pages() == 0);
	KT_CHECK(free_everything(chain) == 0);
	buddy_drain();
	KT_CHECK(buddy_free_pages() == free_before);
	/* Every frame handed out is back in a free block, and nothing else is. */
	uint64_t back = 0;
	for (uint64_t pfn = 0; pfn < nr_pfn; pfn++) {
		bool was_allocated = map[pfn / 8] & (1u << (pfn % 8));
		KT_CHECK(pfn_is_free(pfn) == was_allocated);
		back += was_allocated;
	}
	KT_CHECK(back == n);
	KT_CHECK(buddy_check() == 0);
	kprintf("    %lu frames (%lu MiB) allocated, written, freed and found back\n", n, n >> 8);
	kfree(map);
	return 0;
}

#define HEAP_OBJS 200

static int kt_heap(void)
{
	static void *objs[HEAP_OBJS];
	static size_t sizes[HEAP_OBJS];
	struct heap_stats before, during, after;
	heap_stats(&before);
	for (int i = 0; i < HEAP_OBJS; i++) {
		sizes[i] = 1 + (size_t)(i * 97) % (i % 10 == 9 ? 20000 : 1100);
		objs[i] = kmalloc(sizes[i]);
		KT_CHECK(objs[i] && ((uintptr_t)objs[i] & 15) == 0);
		for (size_t j = 0; j < sizes[i]; j++)
			KT_CHECK(((uint8_t *)objs[i])[j] == 0);
		memset(objs[i], i & 0xff, sizes[i]);
	}
	for (int i = 0; i < HEAP_OBJS; i++)
		for (size_t j = 0; j < sizes[i]; j++)
			KT_CHECK(((uint8_t *)objs[i])[j] == (i & 0xff)); /* nobody overlapped */
	heap_stats(&during);
	KT_CHECK(during.live_objects == before.live_objects + HEAP_OBJS);
	for (int i = 0; i < HEAP_OBJS; i += 2)
		kfree(objs[i]);
	for (int i = 1; i < HEAP_OBJS; i += 2)
		kfree(objs[i]);
	kfree(NULL);
	KT_CHECK(kmalloc(0) == NULL);
	heap_trim();
	heap_stats(&after);
	KT_CHECK(after.live_objects == before.live_objects);
	KT_CHECK(after.large_pages == before.large_pages);
	KT_CHECK(after.slab_pages <= before.slab_pages + 1);
	return 0;
}

/* After all of RAM went through the allocator, the initrd is untouched. */
static int kt_initrd_reserved(void)
{
	if (!boot_info.initrd_end) {
		kprintf("    (no initrd given)\n");
		return 0;
	}
	KT_CHECK(boot_checksum(boot_info.initrd_start, boot_info.initrd_end) ==
		 boot_info.initrd_checksum);
	return 0;
}

const struct ktest ktests_mem[] = {
	{"heap_kmalloc_kfree", kt_heap},
	{"buddy_all_ram", kt_buddy_all_ram},
	{"initrd_reserved", kt_initrd_reserved},
	{NULL, NULL},
};
