/*
 * simulator/sim_tlb.c - the flush hooks mmcore calls (mm_plat_tlb_*). They
 * drop exactly what INVLPG or a CR3 reload would drop on hardware: a page
 * flush invalidates the 4 KiB entry of that page and the 2 MiB entry
 * covering it, so a missing flush in mmcore leaves a stale translation the
 * software MMU (sim_mmu.c) will use.
 */
#include <string.h>

#include "sim_tlb.h"

struct sim_tlb_entry sim_tlb[SIM_TLB_SIZE];
struct sim_tlb_entry sim_tlb_huge[SIM_TLB_HUGE_SIZE];
struct sim_tlb_stats sim_tlb_stats;

void sim_tlb_reset(void)
{
	memset(sim_tlb, 0, sizeof(sim_tlb));
	memset(sim_tlb_huge, 0, sizeof(sim_tlb_huge));
}

/* Invalidate the entries translating va in address space root. */
static void tlb_drop(uint64_t root_pfn, uint64_t va)
{
	struct sim_tlb_entry *e = sim_tlb_slot(va);
	struct sim_tlb_entry *h = sim_tlb_huge_slot(va);
	if (e->root_pfn == root_pfn && e->vpn == va >> 12)
		e->root_pfn = 0;
	if (h->root_pfn == root_pfn && h->vpn == va >> 21)
		h->root_pfn = 0;
}

void sim_tlb_flush_page(uint64_t root_pfn, uint64_t va)
{
	sim_tlb_stats.flush_page++;
	tlb_drop(root_pfn, va);
}

/* Drop entries of root whose page overlaps [start, end), scanning one array. */
static void tlb_scan(struct sim_tlb_entry *tlb, unsigned n, unsigned shift,
		     uint64_t root_pfn, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t lo = tlb[i].vpn << shift, hi = lo + (1ull << shift);
		if (tlb[i].root_pfn == root_pfn && lo < end && hi > start)
			tlb[i].root_pfn = 0;
	}
}

void sim_tlb_flush_range(uint64_t root_pfn, uint64_t start, uint64_t end)
{
	sim_tlb_stats.flush_range++;
	if (end <= start)
		return;
	if ((end - start) >> 12 <= SIM_TLB_SIZE) {
		/* Few pages: probing their slots is cheaper than a scan. */
		for (uint64_t va = start & ~0xfffull; va < end; va += 4096)
			tlb_drop(root_pfn, va);
		return;
	}
	tlb_scan(sim_tlb, SIM_TLB_SIZE, 12, root_pfn, start, end);
	tlb_scan(sim_tlb_huge, SIM_TLB_HUGE_SIZE, 21, root_pfn, start, end);
}

void sim_tlb_flush_all(uint64_t root_pfn)
{
	sim_tlb_stats.flush_all++;
	tlb_scan(sim_tlb, SIM_TLB_SIZE, 12, root_pfn, 0, UINT64_MAX);
	tlb_scan(sim_tlb_huge, SIM_TLB_HUGE_SIZE, 21, root_pfn, 0, UINT64_MAX);
}
