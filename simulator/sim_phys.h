/* simulator/sim_phys.h - the simulated machine's physical memory. */
#ifndef SIM_PHYS_H
#define SIM_PHYS_H

#include <stdint.h>

/*
 * Create the arena of `bytes` of RAM (multiple of 4 MiB), its page
 * descriptors, and hand all frames to the buddy allocator. Returns 0, or -1
 * when host memory cannot be had. Calling it again replaces the machine.
 */
int sim_phys_init(uint64_t bytes);
/* Release the arena and descriptors. */
void sim_phys_fini(void);

/* Called (if set) by mm_plat_panic before it aborts, to say what was running. */
extern void (*sim_panic_hook)(void);

/* Objects allocated through mm_plat_obj_alloc and not yet freed. */
extern uint64_t sim_obj_live;
/* More live objects than this and mm_plat_obj_alloc fails (ENOMEM). */
#define SIM_OBJ_MAX (4ull << 20)

#endif
