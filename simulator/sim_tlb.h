/* simulator/sim_tlb.h - the software TLB shared by sim_mmu.c and the flush hooks. */
#ifndef SIM_TLB_H
#define SIM_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_platform.h"

#define SIM_TLB_SIZE 256u

struct sim_tlb_entry {
	bool valid;
	uint64_t root_pfn;
	uint64_t vpn;      /* virtual page number */
	uint64_t pfn;      /* frame */
	uint64_t pte;      /* the leaf entry's flags when cached */
};

extern struct sim_tlb_entry sim_tlb[SIM_TLB_SIZE];
extern uint64_t sim_tlb_flushes;

static inline unsigned sim_tlb_slot(uint64_t va)
{
	return (unsigned)((va >> 12) & (SIM_TLB_SIZE - 1));
}

#endif
