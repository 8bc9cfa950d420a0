/*
 * mm/kplatform.h - the kernel's platform for mmcore (MM_PLATFORM_HEADER).
 *
 * Physical memory is reached through the direct map; small objects come
 * from the kernel heap; pages are zeroed and copied with `rep stosb` /
 * `rep movsb` when the CPU has ERMS (fast short-string ops) and with the
 * quadword forms otherwise, the same choice Linux makes; TLB entries go
 * with INVLPG, whole address spaces with a CR3 reload or a CR4.PGE toggle.
 * Only the freestanding headers may be included here: mmcore sees this.
 */
#ifndef KERNEL_KPLATFORM_H
#define KERNEL_KPLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KPLAT_DIRECT_MAP_BASE 0xffff800000000000ull

static inline void *mm_plat_phys_to_virt(uint64_t paddr)
{
	return (void *)(paddr + KPLAT_DIRECT_MAP_BASE);
}

void *mm_plat_obj_alloc(size_t size);
void mm_plat_obj_free(void *p, size_t size);

/* Set at boot from CPUID.7:EBX.ERMS. */
extern bool kplat_erms;

/* kernel/watchdog.h: a fresh or copied page handed out is progress (a
 * MAP_POPULATE of many pages is one long call, not a hang). */
void watchdog_pet(void);

static inline void kplat_zero_page(void *va)
{
	size_t n;
	watchdog_pet();
	if (kplat_erms) {
		n = 4096;
		__asm__ volatile("rep stosb" : "+D"(va), "+c"(n) : "a"(0) : "memory");
	} else {
		n = 512;
		__asm__ volatile("rep stosq" : "+D"(va), "+c"(n) : "a"(0ull) : "memory");
	}
}
#define mm_plat_zero_page(va) kplat_zero_page(va)

static inline void kplat_copy_page(void *dst, const void *src)
{
	size_t n;
	watchdog_pet();
	if (kplat_erms) {
		n = 4096;
		__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	} else {
		n = 512;
		__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	}
}
#define mm_plat_copy_page(dst, src) kplat_copy_page((dst), (src))

static inline void kplat_fill_page(void *va, int b)
{
	/* Poisoning is not a string op Linux tunes; quadwords are fastest everywhere. */
	size_t n = 512;
	uint64_t q = 0x0101010101010101ull * (uint8_t)b;
	__asm__ volatile("rep stosq" : "+D"(va), "+c"(n) : "a"(q) : "memory");
}
#define mm_plat_fill_page(va, b) kplat_fill_page((va), (b))

/* TLB maintenance (kplatform.c): act when root_pfn is live on this CPU. */
void kplat_tlb_flush_page(uint64_t root_pfn, uint64_t va);
void kplat_tlb_flush_range(uint64_t root_pfn, uint64_t start, uint64_t end);
void kplat_tlb_flush_all(uint64_t root_pfn);
#define mm_plat_tlb_flush_page(r, va) kplat_tlb_flush_page((r), (va))
#define mm_plat_tlb_flush_range(r, s, e) kplat_tlb_flush_range((r), (s), (e))
#define mm_plat_tlb_flush_all(r) kplat_tlb_flush_all((r))

/*
 * mm_check(): the kernel's own page tables (upper half, boot tables,
 * kernel-stack slots) come from the buddy allocator too, outside every
 * user space.
 */
#define MM_CHECK_ALL_TABLES_IN_SPACES 0

/* mm/mmcheck.c: in fortress, mm operations are counted to schedule the
 * global mm_check(). */
#if MM_CFG_CHECK_EVERY_OP
void mmcheck_count_op(void);
#define mm_plat_after_op(mm) ((void)(mm), mmcheck_count_op())
#endif

#endif
