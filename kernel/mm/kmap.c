/*
 * mm/kmap.c - the kernel address space, built with mmcore's pt (the same
 * code that manages user page tables) and then loaded into CR3.
 *
 *  - Direct map: RAM and ACPI memory at DIRECT_MAP_BASE + phys, 2 MiB
 *    pages wherever a whole aligned 2 MiB chunk is covered, 4 KiB pages at
 *    the ragged edges; read/write, never executable. The frames of the
 *    kernel's text and rodata are mapped read-only there too, so no
 *    writable alias of kernel code exists (W^X).
 *  - Image: text read+execute, rodata read-only+NX, data and bss
 *    read/write+NX, with the page below the boot stack left unmapped
 *    (guard) in the profiles that want guard pages.
 *  - Device registers: uncached 4 KiB pages from MMIO_BASE upward.
 */
#include "kernel/kmap.h"

#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
#include "kernel/physmem.h"
#include "kernel/pvh.h"
#include "mmcore/pt.h"

#ifndef KCFG_STACK_GUARD
#define KCFG_STACK_GUARD 1
#endif

uint64_t kmap_root_pfn;
pte_t kmap_nx;
static uint64_t mmio_next = MMIO_BASE;

static bool phys_in_kernel_ro(uint64_t pa)
{
	return pa >= kimage_to_phys(__text_start) && pa < kimage_to_phys(__rodata_end);
}

static void map_or_panic(uint64_t va, uint64_t pfn, pte_t flags)
{
	int err = pt_map(kmap_root_pfn, va, pfn, flags);
	if (err && err != -MM_EEXIST)
		panic("kmap: pt_map %lx -> pfn %lx failed (%d)", va, pfn, err);
}

static void direct_map_small(uint64_t start, uint64_t end, pte_t flags)
{
	for (uint64_t pa = start; pa < end; pa += PAGE_SIZE) {
		pte_t f = phys_in_kernel_ro(pa) ? (flags & ~PTE_RW) : flags;
		map_or_panic(DIRECT_MAP_BASE + pa, pa >> PAGE_SHIFT, f);
	}
}

void kmap_direct_range(uint64_t start, uint64_t end)
{
	const pte_t flags = PTE_RW | PTE_G | PTE_A | PTE_D | kmap_nx;
	uint64_t kstart = kimage_to_phys(__text_start) & HUGE_MASK;
	uint64_t kend = ALIGN_UP(kimage_to_phys(__rodata_end), HUGE_SIZE);
	start &= PAGE_MASK;
	end = ALIGN_UP(end, PAGE_SIZE);
	while (start < end) {
		uint64_t chunk_end = MM_MIN(ALIGN_DOWN(start, HUGE_SIZE) + HUGE_SIZE, end);
		bool whole = IS_ALIGNED(start, HUGE_SIZE) && chunk_end - start == HUGE_SIZE;
		bool kernel = start < kend && chunk_end > kstart;
		if (whole && !kernel) {
			int err = pt_map_huge(kmap_root_pfn, DIRECT_MAP_BASE + start,
					      start >> PAGE_SHIFT, flags);
			if (err == -MM_EEXIST) /* partly mapped with 4 KiB pages already */
				direct_map_small(start, chunk_end, flags);
			else if (err)
				panic("kmap: pt_map_huge %lx failed (%d)", start, err);
		} else {
			direct_map_small(start, chunk_end, flags);
		}
		start = chunk_end;
	}
}

static void map_image(void)
{
	for (char *va = __kernel_start; va < __kernel_end; va += PAGE_SIZE) {
		pte_t flags = PTE_G | PTE_A;
		if (KCFG_STACK_GUARD && va == __stack_guard)
			continue;
		if (va >= __text_start && va < __text_end)
			;                          /* read + execute */
		else if (va >= __rodata_start && va < __rodata_end)
			flags |= kmap_nx;          /* read only */
		else
			flags |= PTE_RW | PTE_D | kmap_nx;
		map_or_panic((uint64_t)va, kimage_to_phys(va) >> PAGE_SHIFT, flags);
	}
}

void kmap_init(void)
{
	kmap_nx = cpu_features.nx ? PTE_NX : 0;
	if (pt_create(&kmap_root_pfn))
		panic("kmap: no memory for the kernel PML4");
	for (unsigned i = 0; i < boot_info.nr_memmap; i++) {
		const struct boot_region *r = &boot_info.memmap[i];
		bool ram_like = r->type == MEMMAP_RAM || r->type == MEMMAP_ACPI || r->type == MEMMAP_NVS;
		if (ram_like && r->start < PHYSMEM_EARLY_LIMIT)
			kmap_direct_range(r->start, MM_MIN(r->end, PHYSMEM_EARLY_LIMIT));
	}
	map_image();
	write_cr3(pfn_to_phys(kmap_root_pfn));
}

void *kmap_mmio(uint64_t phys, uint64_t nbytes)
{
	uint64_t first = phys & PAGE_MASK, last = ALIGN_UP(phys + nbytes, PAGE_SIZE);
	uint64_t va = mmio_next;
	for (uint64_t pa = first; pa < last; pa += PAGE_SIZE, mmio_next += PAGE_SIZE)
		map_or_panic(mmio_next, pa >> PAGE_SHIFT,
			     PTE_RW | PTE_PCD | PTE_PWT | PTE_G | PTE_A | PTE_D | kmap_nx);
	return (void *)(va + (phys - first));
}
