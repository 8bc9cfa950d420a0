/*
 * ktest/kt_isolation.c - the kernel kept apart from itself and from user
 * memory, checked in the page tables and by deliberate faults.
 *
 * `ktest` runs the page-table checks: every page of the image has the
 * permissions its section needs (text read-only and executable, rodata
 * read-only and NX, data and bss writable and NX) and no kernel leaf is
 * user-accessible. `ktest=smap`, `ktest=smep` and `ktest=hang` fault on
 * purpose instead: a plain kernel read of a present user page (not through
 * the user-copy routines), a kernel jump into a user page, and a kernel
 * loop with interrupts on; each must end in the panic screen with the
 * message the boot test looks for (SMAP, SMEP, watchdog).
 */
#include "kernel/cpu.h"
#include "kernel/kmap.h"
#include "kernel/kstring.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
#include "kt_space.h"
#include "mmcore/buddy.h"

/* What the profile asks for (kernel/SConscript defines KCFG_SMEP/SMAP). */
#ifdef KCFG_SMEP
#define KT_SMEP KCFG_SMEP
#else
#define KT_SMEP 1
#endif
#ifdef KCFG_SMAP
#define KT_SMAP KCFG_SMAP
#else
#define KT_SMAP 1
#endif

/* Every page in [start, end) is present, supervisor-only and has exactly
 * the RW and NX bits want (NX only where the CPU has it); the boot stack's
 * guard page is the one hole allowed. */
static int kt_range_perms(const char *start, const char *end, pte_t want)
{
	pte_t nx = kmap_nx;
	for (uint64_t va = (uint64_t)start & ~(PAGE_SIZE - 1); va < (uint64_t)end; va += PAGE_SIZE) {
		struct pt_lookup l;
		int r = pt_lookup(kmap_root_pfn, va, &l);
		if (r && KCFG_STACK_GUARD && va == ((uint64_t)__stack_guard & ~(PAGE_SIZE - 1)))
			continue;
		KT_CHECK(r == 0);
		KT_CHECK(!(l.entry & PTE_US));
		KT_CHECK((l.entry & PTE_RW) == (want & PTE_RW));
		KT_CHECK((l.entry & nx) == (want & nx));
	}
	return 0;
}

/* The image's sections in the kernel page tables: W^X page by page. */
static int kt_image_tables(void)
{
	KT_CHECK(kt_range_perms(__text_start, __text_end, 0) == 0);
	KT_CHECK(kt_range_perms(__rodata_start, __rodata_end, PTE_NX) == 0);
	KT_CHECK(kt_range_perms(__data_start, __bss_end, PTE_RW | PTE_NX) == 0);
	return 0;
}

/* The protections the profile promised are switched on in CR4 and EFER. */
static int kt_protection_bits(void)
{
	KT_CHECK(read_cr0() & CR0_WP); /* the kernel honours read-only pages */
	if (cpu_features.smep && KT_SMEP)
		KT_CHECK(cpu_features.smep_on && (read_cr4() & CR4_SMEP));
	if (cpu_features.smap && KT_SMAP)
		KT_CHECK(cpu_features.smap_on && (read_cr4() & CR4_SMAP));
	return 0;
}

const struct ktest ktests_isolation[] = {
	{"isolation_image_tables", kt_image_tables},
	{"isolation_protection_bits", kt_protection_bits},
	{NULL, NULL},
};

static const uint8_t ret_insn[] = {0xc3};

/* A user page holding `ret`, mapped at KT_VA_SMALL in a scratch space now loaded. */
static volatile uint8_t *kt_user_page(void)
{
	uint64_t root;
	struct page *pg = buddy_alloc(0);
	if (!pg || kt_space_create(&root))
		panic("ktest: no memory for the user page");
	memcpy(page_address(pg), ret_insn, sizeof(ret_insn));
	if (pt_map(root, KT_VA_SMALL, page_to_pfn(pg), PTE_US))
		panic("ktest: cannot map the user page");
	kt_space_enter(root);
	return (volatile uint8_t *)KT_VA_SMALL;
}

/* Read a user page with a plain load: SMAP must stop it. Not inlined, so
 * the backtrace names it. */
__attribute__((noinline)) static void ktest_smap_fault(void)
{
	volatile uint8_t *u = kt_user_page();
	if (!cpu_features.smap_on)
		panic("ktest: SMAP is off in this profile or CPU; nothing to test");
	kprintf("ktest: reading user memory at %p without the user-copy routines\n", (void *)u);
	uint8_t b = *u;
	panic("ktest: the kernel read user memory (byte %x): SMAP did not stop it", b);
}

/* Call into a user page: SMEP must stop it. */
__attribute__((noinline)) static void ktest_smep_fault(void)
{
	volatile uint8_t *u = kt_user_page();
	if (!cpu_features.smep_on)
		panic("ktest: SMEP is off in this profile or CPU; nothing to test");
	kprintf("ktest: calling user code at %p\n", (void *)u);
	((void (*)(void))(uint64_t)u)();
	panic("ktest: the kernel ran user code: SMEP did not stop it");
}

/* Loop in the kernel with interrupts on: the watchdog must end it. */
__attribute__((noinline)) static void ktest_hang(void)
{
	kprintf("ktest: looping in the kernel with interrupts on\n");
	cpu_irq_enable();
	for (;;)
		cpu_relax();
}

void ktest_deliberate(const char *what)
{
	if (!strcmp(what, "panic"))
		ktest_deliberate_fault();
	if (!strcmp(what, "smap"))
		ktest_smap_fault();
	if (!strcmp(what, "smep"))
		ktest_smep_fault();
	if (!strcmp(what, "hang"))
		ktest_hang();
}
