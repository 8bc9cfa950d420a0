/*
 * fuzz/fuzz_machine.h - a fresh simulated machine for each fuzz input: the
 * RAM arena is created once per process (sim_phys_init), then every input
 * starts from all frames reserved, an empty allocator and no failure
 * armed.
 */
#ifndef FUZZ_MACHINE_H
#define FUZZ_MACHINE_H

#include <stdbool.h>
#include <stdlib.h>

#include "mmcore/buddy.h"
#include "sim_phys.h"
#include "sim_platform.h"

/*
 * Reset the machine of `bytes` of RAM; with give_all, hand every frame to
 * the buddy allocator (otherwise the caller adds ranges itself).
 */
static inline void fuzz_machine_reset(uint64_t bytes, bool give_all)
{
	static uint64_t ready;

	if (ready != bytes) {
		if (sim_phys_init(bytes) != 0)
			abort();
		ready = bytes;
	}
	page_init(page_map, page_base_pfn, page_nr);
	buddy_init();
	if (give_all)
		buddy_add_range(page_base_pfn, page_base_pfn + page_nr);
	sim_fail_countdown = 0;
	sim_fail_every = 0;
}

#endif
