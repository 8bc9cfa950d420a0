/*
 * kernel/heap.h - the kernel heap: kmalloc/kfree over power-of-two size
 * classes carved from buddy pages, bigger requests straight from the buddy.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* size bytes, 16-byte aligned, zeroed; NULL when memory is exhausted or size is 0. */
void *kmalloc(size_t size);
/* Free what kmalloc returned; NULL is ignored. Panics on a pointer kmalloc never gave. */
void kfree(void *p);

struct heap_stats {
	uint64_t live_objects; /* kmalloc'd and not yet freed */
	uint64_t slab_pages;   /* pages held by size classes */
	uint64_t large_pages;  /* pages held by large allocations */
};
void heap_stats(struct heap_stats *out);
/* Give empty slab pages back to the buddy allocator. */
void heap_trim(void);

#endif
