/*
 * kernel/physmem.h - physical memory bring-up: the boot memory map becomes
 * mmcore's page descriptors and buddy free lists, with the kernel image,
 * the initrd and the loader's structures kept out.
 */
#ifndef KERNEL_PHYSMEM_H
#define KERNEL_PHYSMEM_H

#include <stdint.h>

/* Highest RAM address the early boot page tables reach (4 GiB). */
#define PHYSMEM_EARLY_LIMIT 0x100000000ull

/* Set up descriptors and give RAM below PHYSMEM_EARLY_LIMIT to the buddy allocator. */
void physmem_init(void);
/* Give RAM above PHYSMEM_EARLY_LIMIT too (after the direct map covers it). */
void physmem_add_high(void);
/* Frames handed to the buddy allocator. */
uint64_t physmem_managed_pages(void);
/* One past the highest RAM frame. */
uint64_t physmem_end_pfn(void);

#endif
