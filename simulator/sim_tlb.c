/*
 * simulator/sim_tlb.c - TLB flush hooks of the simulator platform.
 * The software MMU (sim_mmu.c) keeps its cached translations here; a flush
 * drops them, so an operation that forgets to flush shows a stale entry.
 */
#include "sim_tlb.h"

struct sim_tlb_entry sim_tlb[SIM_TLB_SIZE];
uint64_t sim_tlb_flushes;

void sim_tlb_flush_page(uint64_t root_pfn, uint64_t va)
{
	struct sim_tlb_entry *e = &sim_tlb[sim_tlb_slot(va)];
	sim_tlb_flushes++;
	if (e->valid && e->root_pfn == root_pfn && e->vpn == (va >> 12))
		e->valid = false;
}

void sim_tlb_flush_range(uint64_t root_pfn, uint64_t start, uint64_t end)
{
	sim_tlb_flushes++;
	for (unsigned i = 0; i < SIM_TLB_SIZE; i++) {
		struct sim_tlb_entry *e = &sim_tlb[i];
		uint64_t va = e->vpn << 12;
		if (e->valid && e->root_pfn == root_pfn && va >= (start & ~0xfffull) && va < end)
			e->valid = false;
	}
}

void sim_tlb_flush_all(uint64_t root_pfn)
{
	sim_tlb_flushes++;
	for (unsigned i = 0; i < SIM_TLB_SIZE; i++)
		if (sim_tlb[i].root_pfn == root_pfn)
			sim_tlb[i].valid = false;
}
