/*
 * kernel/kmap.h - the kernel's own address space, built with mmcore's pt:
 * direct map of RAM (2 MiB pages where aligned), the image with per-section
 * permissions, device registers uncached.
 */
#ifndef KERNEL_KMAP_H
#define KERNEL_KMAP_H

#include <stdint.h>

#include "mmcore/pt.h"

/* PML4 frame of the kernel address space (after kmap_init). */
extern uint64_t kmap_root_pfn;
/* PTE_NX when the CPU supports it, else 0 (setting the bit would fault). */
extern pte_t kmap_nx;

/* Build the kernel page tables and switch CR3 to them. */
void kmap_init(void);
/* Direct-map RAM in [start, end) (physical), e.g. memory found above 4 GiB. */
void kmap_direct_range(uint64_t start, uint64_t end);
/* Map nbytes of device registers at phys uncached; returns the virtual address. */
void *kmap_mmio(uint64_t phys, uint64_t nbytes);

#endif
