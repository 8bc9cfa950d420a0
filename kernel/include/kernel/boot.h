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
	uint64_t info_start, info_end;     /* loader structures to keep reserved */
	uint64_t initrd_checksum;          /* at boot, to prove later it was never reused */
};

extern struct boot_info boot_info;

/* Copy the PVH start_info at physical start_info_pa into boot_info. Returns 0 or -1. */
int boot_parse_pvh(uint64_t start_info_pa);

/* FNV-1a over [start, end) of physical memory (through the direct map). */
uint64_t boot_checksum(uint64_t start, uint64_t end);

#endif
