/*
 * mm/kplatform.c - the out-of-line half of the kernel's mmcore platform:
 * object allocation over kmalloc, TLB flushes, panic and log.
 */
#include "platform.h"

#include "kernel/cpu.h"
#include "kernel/heap.h"
#include "kernel/panic.h"
#include "kernel/printf.h"

bool kplat_erms;

/* Beyond this many pages one full flush is cheaper than INVLPG each. */
#define FLUSH_RANGE_MAX_PAGES 64

void *mm_plat_obj_alloc(size_t size) { return kmalloc(size); }

void mm_plat_obj_free(void *p, size_t size)
{
	(void)size;
	kfree(p);
}

/*
 * Entries of root_pfn can be in this CPU's TLB when it is the loaded root,
 * or when va is in the kernel half, which every root shares.
 */
static bool tlb_may_hold(uint64_t root_pfn, uint64_t va)
{
	return (read_cr3() >> 12) == root_pfn || va >= 0xffff800000000000ull;
}

void kplat_tlb_flush_page(uint64_t root_pfn, uint64_t va)
{
	if (tlb_may_hold(root_pfn, va))
		invlpg(va);
}

/* Drop every translation, global ones included. */
static void tlb_flush_everything(void)
{
	uint64_t cr4 = read_cr4();
	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

void kplat_tlb_flush_all(uint64_t root_pfn)
{
	if ((read_cr3() >> 12) == root_pfn)
		tlb_flush_everything();
}

void kplat_tlb_flush_range(uint64_t root_pfn, uint64_t start, uint64_t end)
{
	if (!tlb_may_hold(root_pfn, start))
		return;
	if (end - start > FLUSH_RANGE_MAX_PAGES * 4096ull) {
		tlb_flush_everything();
		return;
	}
	for (uint64_t va = start & ~0xfffull; va < end; va += 4096)
		invlpg(va);
}

void mm_plat_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	panic_va(fmt, ap);
}

void mm_plat_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
