/*
 * arch/x86_64/pvh.c - read the PVH start_info (QEMU -kernel, or the one
 * multiboot2.c builds) into struct boot_info while the boot page tables
 * still map the low 4 GiB.
 */
#include "kernel/boot.h"
#include "kernel/layout.h"
#include "kernel/pvh.h"

#define LOW_4G 0x100000000ull

struct boot_info boot_info;

void boot_note_structure(uint64_t start, uint64_t len)
{
	if (!len || boot_info.nr_structures == BOOT_STRUCTURES_MAX)
		return;
	/* Structures inside the kernel image are reserved with it already. */
	if (start >= kimage_to_phys(__kernel_start) && start < kimage_to_phys(__kernel_end))
		return;
	struct boot_region *r = &boot_info.structures[boot_info.nr_structures++];
	r->start = start;
	r->end = start + len;
}

static void copy_cmdline(uint64_t pa)
{
	unsigned n = 0;
	if (pa && pa < LOW_4G) {
		const char *s = phys_to_direct(pa);
		while (s[n] && n + 1 < BOOT_CMDLINE_MAX) {
			boot_info.cmdline[n] = s[n];
			n++;
		}
		boot_note_structure(pa, n + 1);
	}
	boot_info.cmdline[n] = '\0';
}

static void add_region(uint64_t addr, uint64_t size, uint32_t type)
{
	if (!size || addr + size < addr || boot_info.nr_memmap == BOOT_MEMMAP_MAX)
		return; /* junk (empty, wrapping) entries are dropped */
	struct boot_region *r = &boot_info.memmap[boot_info.nr_memmap++];
	r->start = addr;
	r->end = addr + size;
	r->type = type;
}

static void set_initrd(uint64_t start, uint64_t end)
{
	if (end <= start || end > LOW_4G)
		return; /* the checksum reads it through the boot mapping of 4 GiB */
	boot_info.initrd_start = start;
	boot_info.initrd_end = end;
	boot_info.initrd_checksum = boot_checksum(start, end);
}

uint64_t boot_checksum(uint64_t start, uint64_t end)
{
	const uint8_t *p = phys_to_direct(start);
	uint64_t h = 0xcbf29ce484222325ull;
	for (uint64_t i = 0; i < end - start; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

int boot_parse_pvh(uint64_t start_info_pa)
{
	if (!start_info_pa || start_info_pa >= LOW_4G)
		return -1;
	const struct hvm_start_info *si = phys_to_direct(start_info_pa);
	if (si->magic != HVM_START_MAGIC)
		return -1;
	boot_note_structure(start_info_pa, sizeof(*si));
	copy_cmdline(si->cmdline_paddr);
	boot_info.rsdp_paddr = si->rsdp_paddr;
	if (si->nr_modules && si->modlist_paddr && si->modlist_paddr < LOW_4G) {
		const struct hvm_modlist_entry *m = phys_to_direct(si->modlist_paddr);
		boot_note_structure(si->modlist_paddr, si->nr_modules * sizeof(*m));
		set_initrd(m[0].paddr, m[0].paddr + m[0].size);
	}
	if (si->version < 1 || !si->memmap_paddr || si->memmap_paddr >= LOW_4G)
		return -1; /* no memory map: nothing we can do */
	const struct hvm_memmap_entry *e = phys_to_direct(si->memmap_paddr);
	boot_note_structure(si->memmap_paddr, si->memmap_entries * sizeof(*e));
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		add_region(e[i].addr, e[i].size, e[i].type);
	return 0;
}
