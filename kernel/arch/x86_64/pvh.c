/*
 * arch/x86_64/pvh.c - read the PVH start_info into struct boot_info while
 * the early page tables still map it (the direct map covers 0..4 GiB).
 */
#include "kernel/boot.h"
#include "kernel/layout.h"
#include "kernel/pvh.h"

struct boot_info boot_info;

static void info_extend(uint64_t start, uint64_t len)
{
	if (!len)
		return;
	if (!boot_info.info_start || start < boot_info.info_start)
		boot_info.info_start = start;
	if (start + len > boot_info.info_end)
		boot_info.info_end = start + len;
}

static void copy_cmdline(uint64_t pa)
{
	const char *s = phys_to_direct(pa);
	unsigned n = 0;
	if (pa)
		while (s[n] && n + 1 < BOOT_CMDLINE_MAX)
			boot_info.cmdline[n] = s[n], n++;
	boot_info.cmdline[n] = '\0';
	info_extend(pa, n + 1);
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
	/* Early tables cover 4 GiB; the loader puts start_info low. */
	if (!start_info_pa || start_info_pa >= 0x100000000ull)
		return -1;
	const struct hvm_start_info *si = phys_to_direct(start_info_pa);
	if (si->magic != HVM_START_MAGIC)
		return -1;
	info_extend(start_info_pa, sizeof(*si));
	copy_cmdline(si->cmdline_paddr);
	boot_info.rsdp_paddr = si->rsdp_paddr;
	if (si->nr_modules && si->modlist_paddr) {
		const struct hvm_modlist_entry *m = phys_to_direct(si->modlist_paddr);
		info_extend(si->modlist_paddr, si->nr_modules * sizeof(*m));
		boot_info.initrd_start = m[0].paddr;
		boot_info.initrd_end = m[0].paddr + m[0].size;
		boot_info.initrd_checksum = boot_checksum(boot_info.initrd_start, boot_info.initrd_end);
	}
	if (si->version < 1 || !si->memmap_paddr)
		return -1; /* no memory map: nothing we can do */
	const struct hvm_memmap_entry *e = phys_to_direct(si->memmap_paddr);
	info_extend(si->memmap_paddr, si->memmap_entries * sizeof(*e));
	for (uint32_t i = 0; i < si->memmap_entries && boot_info.nr_memmap < BOOT_MEMMAP_MAX; i++) {
		if (!e[i].size || e[i].addr + e[i].size < e[i].addr)
			continue; /* empty or wrapping entries are junk */
		struct boot_region *r = &boot_info.memmap[boot_info.nr_memmap++];
		r->start = e[i].addr;
		r->end = e[i].addr + e[i].size;
		r->type = e[i].type;
	}
	return 0;
}
