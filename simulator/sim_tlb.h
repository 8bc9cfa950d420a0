/*
 * simulator/sim_tlb.h - the software TLB of the simulated MMU.
 *
 * Two direct-mapped arrays like a real second-level TLB: one for 4 KiB
 * translations, indexed by the virtual page number, and one for 2 MiB
 * translations, indexed by the 2 MiB page number. Entries are tagged with
 * the address space's root PFN (as PCIDs tag them), so switching between
 * processes needs no flush; an mmcore operation that weakens or removes a
 * translation must flush it, or the stale entry stays visible.
 */
#ifndef SIM_TLB_H
#define SIM_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_platform.h"

#define SIM_TLB_SIZE 1024u     /* 4 KiB entries */
#define SIM_TLB_HUGE_SIZE 64u  /* 2 MiB entries */

/* Effective permissions cached with a translation (all levels combined). */
enum sim_tlb_perm {
	SIM_TLB_WRITE = 1u << 0, /* RW set at every level */
	SIM_TLB_EXEC = 1u << 1,  /* NX clear at every level */
	SIM_TLB_DIRTY = 1u << 2, /* the leaf's D bit was set when cached */
};

struct sim_tlb_entry {
	uint64_t root_pfn; /* 0 = invalid (no PML4 lives at PFN 0) */
	uint64_t vpn;      /* virtual page number (4 KiB or 2 MiB units) */
	uint64_t pfn;      /* first 4 KiB frame of the page */
	uint32_t perm;     /* enum sim_tlb_perm */
};

struct sim_tlb_stats {
	uint64_t hits, misses, flush_page, flush_range, flush_all;
};

extern struct sim_tlb_entry sim_tlb[SIM_TLB_SIZE];
extern struct sim_tlb_entry sim_tlb_huge[SIM_TLB_HUGE_SIZE];
extern struct sim_tlb_stats sim_tlb_stats;

static inline struct sim_tlb_entry *sim_tlb_slot(uint64_t va)
{
	return &sim_tlb[(va >> 12) & (SIM_TLB_SIZE - 1)];
}

static inline struct sim_tlb_entry *sim_tlb_huge_slot(uint64_t va)
{
	return &sim_tlb_huge[(va >> 21) & (SIM_TLB_HUGE_SIZE - 1)];
}

/* Forget every entry of every address space (a new machine). */
void sim_tlb_reset(void);

#endif
