/*
 * arch/x86_64/multiboot2.c - the Multiboot2 entry (GRUB's `multiboot2`).
 * boot.S calls boot_multiboot2_to_pvh() before kmain: it re-describes the
 * Multiboot2 information (command line, first module = initrd, memory map,
 * the loader's copy of the ACPI RSDP) as a PVH start_info in .bss, so the
 * rest of the kernel reads a single boot format. Tags are 8-byte aligned
 * and state their size; anything malformed ends the walk.
 */
#include "kernel/boot.h"
#include "kernel/layout.h"
#include "kernel/pvh.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_INFO_MAX (1u << 20)

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

struct mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved;
};

static struct hvm_start_info mb2_si;
static struct hvm_memmap_entry mb2_map[BOOT_MEMMAP_MAX];
static struct hvm_modlist_entry mb2_module;

static void mb2_memory_map(const uint8_t *tag, uint32_t size)
{
	uint32_t entry_size = *(const uint32_t *)(tag + 8);
	if (entry_size < sizeof(struct mb2_mmap_entry))
		return;
	for (uint32_t off = 16; off + entry_size <= size; off += entry_size) {
		const struct mb2_mmap_entry *e = (const void *)(tag + off);
		if (mb2_si.memmap_entries == BOOT_MEMMAP_MAX)
			return;
		/* Multiboot2 memory types use the E820 numbers. */
		mb2_map[mb2_si.memmap_entries++] =
			(struct hvm_memmap_entry){.addr = e->addr, .size = e->len, .type = e->type};
	}
}

static void mb2_tag(uint64_t tag_pa, const uint8_t *tag, uint32_t size, uint64_t *rsdp_old,
		    uint64_t *rsdp_new)
{
	uint32_t type = ((const struct mb2_tag *)tag)->type;
	if (type == MB2_TAG_CMDLINE) {
		mb2_si.cmdline_paddr = tag_pa + 8;
	} else if (type == MB2_TAG_MODULE && size >= 16 && !mb2_si.nr_modules) {
		uint32_t start = *(const uint32_t *)(tag + 8), end = *(const uint32_t *)(tag + 12);
		if (end > start) {
			mb2_module = (struct hvm_modlist_entry){.paddr = start, .size = end - start};
			mb2_si.nr_modules = 1;
			mb2_si.modlist_paddr = kimage_to_phys(&mb2_module);
		}
	} else if (type == MB2_TAG_MMAP && size >= 16) {
		mb2_memory_map(tag, size);
	} else if (type == MB2_TAG_ACPI_OLD && size >= 8 + 20) {
		*rsdp_old = tag_pa + 8;
	} else if (type == MB2_TAG_ACPI_NEW && size >= 8 + 36) {
		*rsdp_new = tag_pa + 8;
	}
}

uint32_t boot_multiboot2_to_pvh(uint32_t mbi_pa)
{
	if (!mbi_pa || mbi_pa >= 0x100000000ull - MB2_INFO_MAX)
		return 0;
	const uint8_t *mbi = phys_to_direct(mbi_pa);
	uint32_t total = *(const uint32_t *)mbi;
	if (total < 16 || total > MB2_INFO_MAX)
		return 0;
	boot_note_structure(mbi_pa, total);
	mb2_si = (struct hvm_start_info){.magic = HVM_START_MAGIC, .version = 1};
	uint64_t rsdp_old = 0, rsdp_new = 0;
	for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
		const struct mb2_tag *t = (const void *)(mbi + off);
		if (t->type == MB2_TAG_END || t->size < sizeof(*t) || t->size > total - off)
			break;
		mb2_tag(mbi_pa + off, mbi + off, t->size, &rsdp_old, &rsdp_new);
		off += (t->size + 7) & ~7u;
	}
	mb2_si.rsdp_paddr = rsdp_new ? rsdp_new : rsdp_old;
	if (mb2_si.memmap_entries)
		mb2_si.memmap_paddr = kimage_to_phys(mb2_map);
	return (uint32_t)kimage_to_phys(&mb2_si);
}
