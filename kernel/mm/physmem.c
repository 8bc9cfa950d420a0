/*
 * mm/physmem.c - from the boot memory map to mmcore's buddy allocator.
 *
 * The page descriptor array covers every frame up to the end of RAM and is
 * carved out of RAM itself (first fit above 1 MiB). The low 1 MiB (BIOS
 * data, real-mode structures), the kernel image, the initrd, the loader's
 * structures and the descriptor array stay PG_RESERVED; the rest of RAM is
 * free memory. RAM above 4 GiB is added only once the direct map covers
 * it, because until then the boot page tables reach 4 GiB and mmcore
 * touches free frames through the direct map (page tables, poisoning).
 */
#include "kernel/physmem.h"

#include "kernel/boot.h"
#include "kernel/kmap.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
#include "kernel/pvh.h"
#include "mmcore/buddy.h"

#define RESERVED_MAX (4 + BOOT_STRUCTURES_MAX)
#define LOW_RESERVED_END 0x100000ull

struct range {
	uint64_t start, end;
};

static struct range reserved[RESERVED_MAX];
static unsigned nr_reserved;
static uint64_t end_pfn;

static void reserve(uint64_t start, uint64_t end)
{
	if (start >= end)
		return;
	if (nr_reserved == RESERVED_MAX)
		panic("physmem: too many reserved ranges");
	unsigned i = nr_reserved++;
	/* Keep the list sorted by start (insertion sort; it is tiny). */
	while (i > 0 && reserved[i - 1].start > start) {
		reserved[i] = reserved[i - 1];
		i--;
	}
	reserved[i] = (struct range){start & ~0xfffull, (end + 0xfff) & ~0xfffull};
}

/* First reserved range that overlaps [start, end), or NULL. */
static const struct range *reserved_overlap(uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < nr_reserved; i++)
		if (reserved[i].start < end && start < reserved[i].end)
			return &reserved[i];
	return NULL;
}

/* Physical memory for boot-time structures: first fit in RAM below limit. */
static uint64_t early_alloc(uint64_t size, uint64_t limit)
{
	size = (size + 0xfff) & ~0xfffull;
	for (unsigned i = 0; i < boot_info.nr_memmap; i++) {
		const struct boot_region *r = &boot_info.memmap[i];
		if (r->type != MEMMAP_RAM)
			continue;
		uint64_t a = (r->start < LOW_RESERVED_END ? LOW_RESERVED_END : r->start + 0xfff) & ~0xfffull;
		const struct range *o;
		while (a + size <= r->end && a + size <= limit && (o = reserved_overlap(a, a + size)))
			a = o->end;
		if (a + size <= r->end && a + size <= limit) {
			reserve(a, a + size);
			return a;
		}
	}
	panic("physmem: no room for %lu bytes of boot structures", size);
}

/* Give RAM in [start, end) minus the reserved ranges to the buddy allocator. */
static void add_free(uint64_t start, uint64_t end)
{
	start = (start + 0xfff) & ~0xfffull;
	end &= ~0xfffull;
	for (unsigned i = 0; i < nr_reserved && start < end; i++) {
		const struct range *r = &reserved[i];
		if (r->end <= start || r->start >= end)
			continue;
		if (r->start > start)
			buddy_add_range(start >> 12, r->start >> 12);
		if (r->end > start)
			start = r->end; /* ranges may nest: never move backwards */
	}
	if (start < end)
		buddy_add_range(start >> 12, end >> 12);
}

void physmem_init(void)
{
	uint64_t ram_end = 0;
	for (unsigned i = 0; i < boot_info.nr_memmap; i++)
		if (boot_info.memmap[i].type == MEMMAP_RAM && boot_info.memmap[i].end > ram_end)
			ram_end = boot_info.memmap[i].end;
	if (!ram_end)
		panic("physmem: the boot memory map lists no RAM");
	end_pfn = ram_end >> 12;

	reserve(0, LOW_RESERVED_END);
	reserve(kimage_to_phys(__kernel_start), kimage_to_phys(__kernel_end));
	for (unsigned i = 0; i < boot_info.nr_structures; i++)
		reserve(boot_info.structures[i].start, boot_info.structures[i].end);
	reserve(boot_info.initrd_start, boot_info.initrd_end);

	uint64_t descs_size = end_pfn * sizeof(struct page);
	uint64_t descs_pa = early_alloc(descs_size, PHYSMEM_EARLY_LIMIT);
	page_init(phys_to_direct(descs_pa), 0, end_pfn);
	buddy_init();
	for (unsigned i = 0; i < boot_info.nr_memmap; i++) {
		const struct boot_region *r = &boot_info.memmap[i];
		if (r->type == MEMMAP_RAM && r->start < PHYSMEM_EARLY_LIMIT)
			add_free(r->start, r->end < PHYSMEM_EARLY_LIMIT ? r->end : PHYSMEM_EARLY_LIMIT);
	}
}

void physmem_add_high(void)
{
	for (unsigned i = 0; i < boot_info.nr_memmap; i++) {
		const struct boot_region *r = &boot_info.memmap[i];
		if (r->type != MEMMAP_RAM || r->end <= PHYSMEM_EARLY_LIMIT)
			continue;
		uint64_t start = r->start > PHYSMEM_EARLY_LIMIT ? r->start : PHYSMEM_EARLY_LIMIT;
		kmap_direct_range(start, r->end);
		add_free(start, r->end);
	}
}

uint64_t physmem_managed_pages(void) { return buddy_managed_pages(); }
uint64_t physmem_end_pfn(void) { return end_pfn; }
