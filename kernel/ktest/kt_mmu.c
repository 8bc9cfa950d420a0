/*
 * ktest/kt_mmu.c - mmcore's page tables against the real MMU: mappings
 * made with pt are read and written through the hardware, a live 2 MiB
 * mapping is split under the running CPU, unmaps really take effect
 * (TLB flushes), and the protection bits (NX, SMEP, SMAP, W^X, guard
 * page) do what the profile promised. Faults are caught with the probes
 * of kernel/extable.h.
 */
#include "kernel/cpu.h"
#include "kernel/extable.h"
#include "kernel/kmap.h"
#include "kernel/kstring.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kt_space.h"
#include "mmcore/buddy.h"

#define SMALL_PAGES 8
#define EFAULT 14

static const pte_t KT_RW = PTE_RW;

/* Map SMALL_PAGES fresh frames at KT_VA_SMALL; read, write, unmap through the MMU. */
static int kt_map_4k(void)
{
	uint64_t root, pfns[SMALL_PAGES];
	KT_CHECK(kt_space_create(&root) == 0);
	for (int i = 0; i < SMALL_PAGES; i++) {
		struct page *pg = buddy_alloc(0);
		KT_CHECK(pg);
		pfns[i] = page_to_pfn(pg);
		kt_fill(pfns[i]);
		KT_CHECK(pt_map(root, KT_VA_SMALL + i * PAGE_SIZE, pfns[i], KT_RW | kmap_nx) == 0);
	}
	kt_space_enter(root);
	int bad = 0;
	for (int i = 0; i < SMALL_PAGES; i++) {
		volatile uint64_t *va = (volatile uint64_t *)(KT_VA_SMALL + i * PAGE_SIZE);
		bad |= kt_verify((const void *)va, pfns[i]);
		va[3] = 0x1234567800000000ull | (uint64_t)i; /* written through the MMU */
	}
	kt_space_leave();
	KT_CHECK(!bad);
	for (int i = 0; i < SMALL_PAGES; i++) {
		uint64_t *w = pfn_address(pfns[i]);
		KT_CHECK(w[3] == (0x1234567800000000ull | (uint64_t)i));
	}
	/* Unmap while the space is live: the next access must fault (TLB flushed). */
	kt_space_enter(root);
	uint8_t b;
	int before = probe_read_u8((void *)KT_VA_SMALL, &b);
	int unmap = pt_unmap(root, KT_VA_SMALL, NULL);
	int after = probe_read_u8((void *)KT_VA_SMALL, &b);
	kt_space_leave();
	KT_CHECK(before == 0 && unmap == 0);
	KT_CHECK(after == -EFAULT && extable_last_addr == KT_VA_SMALL);
	for (int i = 1; i < SMALL_PAGES; i++)
		KT_CHECK(pt_unmap(root, KT_VA_SMALL + i * PAGE_SIZE, NULL) == 0);
	for (int i = 0; i < SMALL_PAGES; i++)
		buddy_free(pfn_to_page(pfns[i]), 0);
	kt_space_destroy(root);
	return 0;
}

static int kt_verify_huge(const void *va, uint64_t pfn)
{
	for (unsigned i = 0; i < HUGE_NR_PAGES; i++)
		if (kt_verify((const char *)va + i * PAGE_SIZE, pfn + i))
			return -1;
	return 0;
}

/*
 * A scratch space with one patterned 2 MiB page mapped at KT_VA_HUGE by a
 * single PD leaf. Returns the page, or NULL (nothing left allocated).
 */
static struct page *kt_huge_setup(uint64_t *root)
{
	struct page *pg = buddy_alloc_huge();
	if (!pg)
		return NULL;
	uint64_t pfn = page_to_pfn(pg);
	for (unsigned i = 0; i < HUGE_NR_PAGES; i++)
		kt_fill(pfn + i);
	if (kt_space_create(root) == 0) {
		if (pt_map_huge(*root, KT_VA_HUGE, pfn, KT_RW | kmap_nx) == 0)
			return pg;
		kt_space_destroy(*root);
	}
	buddy_free(pg, HUGE_ORDER);
	return NULL;
}

/* Map one 2 MiB page with a single PD leaf and read all of it through the MMU. */
static int kt_map_2m(void)
{
	uint64_t root;
	struct page *pg = kt_huge_setup(&root);
	KT_CHECK(pg);
	uint64_t pfn = page_to_pfn(pg);
	struct pt_lookup lk;
	KT_CHECK(pt_lookup(root, KT_VA_HUGE + 0x12345, &lk) == 0 && lk.level == 2 &&
		 lk.pfn == pfn + 0x12);
	kt_space_enter(root);
	int bad = kt_verify_huge((void *)KT_VA_HUGE, pfn);
	kt_space_leave();
	KT_CHECK(!bad);
	KT_CHECK(pt_unmap_huge(root, KT_VA_HUGE, NULL) == 0);
	kt_space_destroy(root);
	buddy_free(pg, HUGE_ORDER);
	return 0;
}

/*
 * Split a 2 MiB mapping while it is live in CR3 (and in the TLB), then
 * compare every byte through the new 4 KiB entries with the frames.
 */
static int kt_split_live_2m(void)
{
	uint64_t root;
	struct page *pg = kt_huge_setup(&root);
	KT_CHECK(pg);
	uint64_t pfn = page_to_pfn(pg);
	kt_space_enter(root);
	int before = kt_verify_huge((void *)KT_VA_HUGE, pfn);
	int split = pt_split_huge(root, KT_VA_HUGE);
	int same = memcmp((void *)KT_VA_HUGE, pfn_address(pfn), HUGE_SIZE);
	/* Writes land in the right frames through the 4 KiB entries too. */
	for (unsigned i = 0; i < HUGE_NR_PAGES; i += 37)
		*(volatile uint64_t *)(KT_VA_HUGE + i * PAGE_SIZE + 8 * i) = ~0ull - i;
	kt_space_leave();
	KT_CHECK(before == 0 && split == 0 && same == 0);
	for (unsigned i = 0; i < HUGE_NR_PAGES; i += 37)
		KT_CHECK(((uint64_t *)pfn_address(pfn + i))[i] == ~0ull - i);
	struct pt_lookup lk;
	KT_CHECK(pt_lookup(root, KT_VA_HUGE + 0x1ff123, &lk) == 0 && lk.level == 1 &&
		 lk.pfn == pfn + 0x1ff);
	for (unsigned i = 0; i < HUGE_NR_PAGES; i++)
		KT_CHECK(pt_unmap(root, KT_VA_HUGE + i * PAGE_SIZE, NULL) == 0);
	kt_space_destroy(root);
	buddy_free(pg, HUGE_ORDER);
	return 0;
}

/* Kernel-mode faults on test addresses come back as -EFAULT, not a panic. */
static int kt_fault_recovery(void)
{
	uint8_t b;
	uint64_t va = KTEST_BASE + 0x123000;
	KT_CHECK(probe_read_u8((void *)(va + 5), &b) == -EFAULT);
	KT_CHECK(extable_last_addr == va + 5 && extable_last_vector == 14);
	/* A read-only mapping: reads work, writes fault (CR0.WP holds for the kernel). */
	struct page *pg = buddy_alloc(0);
	KT_CHECK(pg);
	uint64_t pfn = page_to_pfn(pg);
	kt_fill(pfn);
	KT_CHECK(pt_map(kmap_root_pfn, va, pfn, kmap_nx) == 0);
	int rd = probe_read_u8((void *)(va + 9), &b);
	int wr = probe_write_u8((void *)(va + 9), 0xab);
	pte_t old;
	KT_CHECK(pt_unmap(kmap_root_pfn, va, &old) == 0);
	buddy_free(pg, 0);
	KT_CHECK(rd == 0 && b == (uint8_t)(kt_pattern(pfn, 8) >> 8));
	KT_CHECK(wr == -EFAULT && extable_last_addr == va + 9);
	/* A non-canonical address raises #GP instead of #PF; also recovered. */
	KT_CHECK(probe_read_u8((void *)0x8000000000000000ull, &b) == -EFAULT);
	KT_CHECK(extable_last_vector == 13);
	return 0;
}

/* `mov $42, %eax; ret` */
static const uint8_t ret42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};
static uint8_t ret42_in_data[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};

/* Code runs from an executable mapping and is refused from an NX one. */
static int kt_nx(void)
{
	if (!cpu_features.nx) {
		kprintf("    (CPU without NX: only the executable half runs)\n");
	}
	uint64_t va = KTEST_BASE + 0x200000;
	struct page *pg = buddy_alloc(0);
	KT_CHECK(pg);
	memcpy(page_address(pg), ret42, sizeof(ret42));
	KT_CHECK(pt_map(kmap_root_pfn, va, page_to_pfn(pg), 0) == 0);
	KT_CHECK(pt_map(kmap_root_pfn, va + PAGE_SIZE, page_to_pfn(pg), PTE_NX & kmap_nx) == 0);
	int exec = probe_exec((void *)va);
	int noexec = probe_exec((void *)(va + PAGE_SIZE));
	pt_unmap(kmap_root_pfn, va, NULL);
	pt_unmap(kmap_root_pfn, va + PAGE_SIZE, NULL);
	buddy_free(pg, 0);
	KT_CHECK(exec == 42);
	if (cpu_features.nx)
		KT_CHECK(noexec == -EFAULT && extable_last_addr == va + PAGE_SIZE);
	return 0;
}

/* The image is W^X: text is not writable, rodata neither, data not executable. */
static int kt_image_wx(void)
{
	uint8_t b;
	KT_CHECK(probe_read_u8((const void *)kt_image_wx, &b) == 0);
	KT_CHECK(probe_write_u8((void *)kt_image_wx, b) == -EFAULT);
	KT_CHECK(probe_write_u8((void *)ret42, ret42[0]) == -EFAULT);
	/* The direct-map alias of the text is read-only as well. */
	void *alias = phys_to_direct(kimage_to_phys((const void *)kt_image_wx));
	KT_CHECK(probe_read_u8(alias, &b) == 0);
	KT_CHECK(probe_write_u8(alias, b) == -EFAULT);
	if (cpu_features.nx)
		KT_CHECK(probe_exec(ret42_in_data) == -EFAULT);
	return 0;
}

/* SMEP: the kernel never runs user code; SMAP: never reads user data unasked. */
static int kt_smep_smap(void)
{
	if (!cpu_features.smep_on && !cpu_features.smap_on) {
		kprintf("    (SMEP and SMAP are off in this profile or CPU)\n");
		return 0;
	}
	uint64_t root;
	struct page *pg = buddy_alloc(0);
	KT_CHECK(pg);
	memcpy(page_address(pg), ret42, sizeof(ret42));
	KT_CHECK(kt_space_create(&root) == 0);
	KT_CHECK(pt_map(root, KT_VA_SMALL, page_to_pfn(pg), PTE_US) == 0);
	kt_space_enter(root);
	int exec = probe_exec((void *)KT_VA_SMALL);
	uint8_t b = 0;
	int rd = probe_read_u8((void *)KT_VA_SMALL, &b);
	cpu_user_access_begin();
	int rd_allowed = cpu_features.smap_on ? probe_read_u8((void *)KT_VA_SMALL, &b) : 0;
	cpu_user_access_end();
	kt_space_leave();
	pt_unmap(root, KT_VA_SMALL, NULL);
	kt_space_destroy(root);
	buddy_free(pg, 0);
	if (cpu_features.smep_on)
		KT_CHECK(exec == -EFAULT);
	if (cpu_features.smap_on) {
		KT_CHECK(rd == -EFAULT);
		KT_CHECK(rd_allowed == 0 && b == ret42[0]);
	}
	return 0;
}

/* The page below the boot stack is a hole in the guarded profiles. */
static int kt_stack_guard(void)
{
	uint8_t b;
	int r = probe_read_u8(__stack_guard + 100, &b);
#if KCFG_STACK_GUARD
	KT_CHECK(r == -EFAULT);
#else
	KT_CHECK(r == 0);
#endif
	KT_CHECK(probe_read_u8(__stack_bottom, &b) == 0);
	return 0;
}

const struct ktest ktests_mmu[] = {
	{"mmu_map_4k", kt_map_4k},
	{"mmu_map_2m", kt_map_2m},
	{"mmu_split_live_2m", kt_split_live_2m},
	{"mmu_fault_recovery", kt_fault_recovery},
	{"mmu_nx", kt_nx},
	{"mmu_image_wx", kt_image_wx},
	{"mmu_smep_smap", kt_smep_smap},
	{"mmu_stack_guard", kt_stack_guard},
	{NULL, NULL},
};
