/*
 * simulator/sim_mmu.h - the simulated MMU: user-mode loads, stores and
 * instruction fetches through the software TLB and mmcore's page tables,
 * with page faults handed to mm_fault() as the CPU hands them to the kernel.
 */
#ifndef SIM_MMU_H
#define SIM_MMU_H

#include "mmcore/mm.h"

struct sim_mmu_stats {
	uint64_t accesses;
	uint64_t walks;       /* page-table walks (TLB misses and D-bit updates) */
	uint64_t page_faults; /* calls into mm_fault() */
};
extern struct sim_mmu_stats sim_mmu_stats;

/*
 * Perform one access of kind `access` at va in mm. A write stores *byte
 * (byte NULL: a write access that leaves the byte as it was), a read or
 * fetch loads into *byte (unless NULL). Returns FAULT_OK when the access
 * happened, or the fault result (SIGSEGV, SIGBUS, OOM) that stopped it.
 * If *large is non-NULL it is set to true when va was translated by a
 * 2 MiB page (so a caller touching pages may skip the rest of it).
 * Aborts the simulator when mm_fault() claims success but the access still
 * faults: that is an mmcore bug, not an input error.
 */
enum fault_result sim_mmu_access(struct mm *mm, uint64_t va, enum mm_access access,
				 uint8_t *byte, bool *large);

#endif
