/*
 * kernel/boot.h - what the kernel learned from its loader, in a form the
 * rest of the kernel uses: the memory map, the command line, the initrd.
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_MEMMAP_MAX 64
#define BOOT_CMDLINE_MAX 1024
#define BOOT_STRUCTURES_MAX 8

struct boot_region {
	uint64_t start, end; /* physical, [start, end) */
	uint32_t type;       /* MEMMAP_* */
};

struct boot_info {
	struct boot_region memmap[BOOT_MEMMAP_MAX];
	unsigned nr_memmap;
	char cmdline[BOOT_CMDLINE_MAX];
	uint64_t initrd_start, initrd_end; /* 0, 0 when none */
	uint64_t rsdp_paddr;               /* 0 when the loader gave none */
	struct boot_region structures[BOOT_STRUCTURES_MAX]; /* loader data to keep reserved */
	unsigned nr_structures;
	uint64_t initrd_checksum;          /* at boot, to prove later it was never reused */
};

extern struct boot_info boot_info;

/* Copy the PVH start_info at physical start_info_pa into boot_info. Returns 0 or -1. */
int boot_parse_pvh(uint64_t start_info_pa);
/*
 * Multiboot2 entry (boot.S, before kmain): describe the Multiboot2
 * information at mbi_pa as a PVH start_info, so kmain reads one format.
 * Returns the start_info's physical address, or 0 when mbi_pa is unusable.
 */
uint32_t boot_multiboot2_to_pvh(uint32_t mbi_pa);

/* Record that [start, start + len) holds loader structures (kept reserved). */
void boot_note_structure(uint64_t start, uint64_t len);

/* FNV-1a over [start, end) of physical memory (through the direct map). */
uint64_t boot_checksum(uint64_t start, uint64_t end);

#endif
