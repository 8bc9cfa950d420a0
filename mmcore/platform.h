/*
 * mmcore/platform.h - the whole surface between mmcore and the home it is
 * compiled into (kernel, simulator, fuzzers and unit tests).
 *
 * The build defines MM_PLATFORM_HEADER as the home's own header, e.g.
 *   -DMM_PLATFORM_HEADER='"sim_platform.h"'
 * That header must supply:
 *
 *   void *mm_plat_phys_to_virt(uint64_t paddr);
 *       Host-usable pointer to physical address paddr (page tables, page
 *       contents). Must work for every frame handed to buddy_add_range().
 *
 *   void *mm_plat_obj_alloc(size_t size);
 *   void mm_plat_obj_free(void *p, size_t size);
 *       Small kernel objects (VMAs, address spaces). obj_alloc returns NULL
 *       on exhaustion (and under fault injection); mmcore handles it.
 *
 * and may override any of the #ifndef defaults below by defining a macro of
 * the same name (a function-like macro or a static inline plus a #define).
 *
 * mmcore includes no other kernel or libc header: only the compiler's
 * freestanding headers (stdint, stddef, stdbool, stdarg).
 */
#ifndef MMCORE_PLATFORM_H
#define MMCORE_PLATFORM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef MM_PLATFORM_HEADER
#error "MM_PLATFORM_HEADER must name the home's platform header"
#endif
#include MM_PLATFORM_HEADER

/* ---- configuration from the safety profile ----------------------------- */
/* MM_CFG_CHEAP_ASSERTS: cheap MM_ASSERTs are compiled in (fortress, balanced). */
#ifndef MM_CFG_CHEAP_ASSERTS
#define MM_CFG_CHEAP_ASSERTS 1
#endif
/* MM_CFG_CHECK_EVERY_OP: mm_check_space() after every mm operation, and
 * mm_plat_after_op() for the home's global mm_check() (fortress). */
#ifndef MM_CFG_CHECK_EVERY_OP
#define MM_CFG_CHECK_EVERY_OP 0
#endif
/* MM_CFG_POISON_FREE: fill freed pages with a poison pattern. */
#ifndef MM_CFG_POISON_FREE
#define MM_CFG_POISON_FREE MM_CFG_CHEAP_ASSERTS
#endif

/* ---- panic, assert, log ------------------------------------------------ */
#ifndef mm_plat_panic
/* Never returns. The home prints the message and stops (abort, kernel panic). */
void mm_plat_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
#endif

#ifndef mm_plat_log
void mm_plat_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif

/*
 * MM_ASSERT(cond, "function: reason") - an invariant that must hold. Always
 * checked (use for invariants whose break would corrupt memory, e.g. double
 * free). MM_ASSERT_CHEAP is compiled out in performance/ludicrous profiles.
 */
#define MM_ASSERT(cond, msg)                                                   \
	do {                                                                   \
		if (__builtin_expect(!(cond), 0))                              \
			mm_plat_panic("%s (%s:%d: %s)", (msg), __FILE__,       \
				      __LINE__, #cond);                        \
	} while (0)

#if MM_CFG_CHEAP_ASSERTS
#define MM_ASSERT_CHEAP(cond, msg) MM_ASSERT(cond, msg)
#else
#define MM_ASSERT_CHEAP(cond, msg) ((void)0)
#endif

/* ---- page contents ----------------------------------------------------- */
#ifndef mm_plat_zero_page
/* Zero one 4 KiB page at kernel-virtual address va. */
static inline void mm_plat_zero_page(void *va) { __builtin_memset(va, 0, 4096); }
#endif

#ifndef mm_plat_copy_page
/* Copy one 4 KiB page. */
static inline void mm_plat_copy_page(void *dst, const void *src)
{
	__builtin_memcpy(dst, src, 4096);
}
#endif

#ifndef mm_plat_fill_page
/* Fill one 4 KiB page with byte b (poisoning). */
static inline void mm_plat_fill_page(void *va, int b) { __builtin_memset(va, b, 4096); }
#endif

/* ---- TLB ---------------------------------------------------------------- */
/*
 * root_pfn identifies the address space (PML4 frame). The home decides
 * whether that address space is live on this CPU; the sim keeps a software
 * TLB per root so a missing flush shows up as a stale translation.
 */
#ifndef mm_plat_tlb_flush_page
static inline void mm_plat_tlb_flush_page(uint64_t root_pfn, uint64_t va)
{
	(void)root_pfn; (void)va;
}
#endif
#ifndef mm_plat_tlb_flush_range
static inline void mm_plat_tlb_flush_range(uint64_t root_pfn, uint64_t start, uint64_t end)
{
	(void)root_pfn; (void)start; (void)end;
}
#endif
#ifndef mm_plat_tlb_flush_all
static inline void mm_plat_tlb_flush_all(uint64_t root_pfn) { (void)root_pfn; }
#endif

/* ---- locks -------------------------------------------------------------- */
#ifndef mm_lock_t
typedef struct { int unused; } mm_lock_t;
#define mm_lock_t mm_lock_t
static inline void mm_lock_init(mm_lock_t *l) { (void)l; }
static inline void mm_lock(mm_lock_t *l) { (void)l; }
static inline void mm_unlock(mm_lock_t *l) { (void)l; }
#endif

/* ---- checking (fortress) -------------------------------------------------- */
#ifndef mm_plat_after_op
struct mm;
/*
 * Called after every mm operation, after its per-space check, when
 * MM_CFG_CHECK_EVERY_OP is on. A home that holds page references of its
 * own (a page cache) uses it to schedule the global mm_check() at a point
 * where no operation is half done; the default does nothing.
 */
static inline void mm_plat_after_op(struct mm *mm) { (void)mm; }
#endif

/* ---- fault injection (sim, unit tests, fuzzers) --------------------------- */
#ifndef mm_plat_alloc_should_fail
/* True when the next page allocation must fail (ENOMEM injection). */
static inline bool mm_plat_alloc_should_fail(void) { return false; }
#endif

#endif /* MMCORE_PLATFORM_H */
