/*
 * simulator/sim_platform.h - the simulator's platform for mmcore: physical
 * RAM is an arena of host memory (sim_phys.c), frames are numbered from a
 * non-zero base PFN so PFN arithmetic is exercised, invariant failures
 * abort(), and page allocation can be made to fail on the Nth call.
 */
#ifndef SIM_PLATFORM_H
#define SIM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* First physical address of the arena: 4 GiB, so PFN 0x100000 is frame 0. */
#define SIM_PHYS_BASE 0x100000000ull

extern uint8_t *sim_phys_arena;
extern uint64_t sim_phys_size;

static inline void *mm_plat_phys_to_virt(uint64_t paddr)
{
	return sim_phys_arena + (paddr - SIM_PHYS_BASE);
}

void *mm_plat_obj_alloc(size_t size);
void mm_plat_obj_free(void *p, size_t size);

/* Allocation-failure injection: fail the Nth allocation from now (1-based); 0 = never. */
extern uint64_t sim_fail_countdown;
extern uint64_t sim_fail_every; /* after a failure, fail again every N calls (0 = once) */
bool sim_alloc_should_fail(void);
#define mm_plat_alloc_should_fail() sim_alloc_should_fail()

/*
 * Page fills with 16-byte vector stores (GCC/Clang vector extension, plain
 * SSE2 on x86-64): the `rep stos` that __builtin_memset becomes costs about
 * twice as much per page on common x86 hosts, and zeroing and poisoning
 * pages is most of what a fault-heavy replay does.
 */
typedef uint64_t sim_vec16 __attribute__((vector_size(16), aligned(16)));
static inline void sim_fill_page(void *va, int b)
{
	uint64_t w = 0x0101010101010101ull * (uint8_t)b;
	sim_vec16 v = {w, w};
	sim_vec16 *p = (sim_vec16 *)va;
	for (unsigned i = 0; i < 4096 / sizeof(v); i += 4) {
		p[i] = v;
		p[i + 1] = v;
		p[i + 2] = v;
		p[i + 3] = v;
	}
}
#define mm_plat_zero_page(va) sim_fill_page((va), 0)
#define mm_plat_fill_page(va, b) sim_fill_page((va), (b))

/* Software TLB in sim_mmu.c: flushes drop cached translations. */
void sim_tlb_flush_page(uint64_t root_pfn, uint64_t va);
void sim_tlb_flush_range(uint64_t root_pfn, uint64_t start, uint64_t end);
void sim_tlb_flush_all(uint64_t root_pfn);
#define mm_plat_tlb_flush_page(r, va) sim_tlb_flush_page((r), (va))
#define mm_plat_tlb_flush_range(r, s, e) sim_tlb_flush_range((r), (s), (e))
#define mm_plat_tlb_flush_all(r) sim_tlb_flush_all((r))

#endif
