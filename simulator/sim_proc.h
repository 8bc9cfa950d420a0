/*
 * simulator/sim_proc.h - the simulated processes: pid -> address space and
 * the names the process has bound (NAME in the trace language). A forked
 * child copies its parent's names; exec and death clear them.
 */
#ifndef SIM_PROC_H
#define SIM_PROC_H

#include "mmcore/mm.h"
#include "trace.h"

#define TRACE_PID_CHUNKS (TRACE_PID_MAX / 4096u + 1)

#define SIM_NAME_UNBOUND UINT64_MAX
#define SIM_NAME_SLOTS_MAX (16ull << 20) /* all processes' name slots: 128 MiB of host memory */

struct sim_proc {
	uint32_t pid;
	uint32_t live_index;  /* position in sim_procs.live */
	struct mm *mm;
	uint64_t *names;      /* name id -> bound value, SIM_NAME_UNBOUND if none */
	uint32_t nnames;      /* entries allocated in names[] */
};

#define SIM_PID_CHUNK 4096u

struct sim_procs {
	struct sim_proc **chunks[TRACE_PID_CHUNKS]; /* pid -> process, allocated per chunk */
	struct sim_proc **live; /* every live process, in no particular order */
	struct mm **spaces;     /* their address spaces, for mm_check() */
	uint32_t nlive, cap;
	uint64_t created;       /* processes ever created */
};

/* An empty process table. */
void sim_procs_init(struct sim_procs *t);
/* Free the table (processes must all be gone). */
void sim_procs_fini(struct sim_procs *t);

/* The live process pid, or NULL. */
struct sim_proc *sim_proc_find(struct sim_procs *t, uint32_t pid);

/*
 * Add process pid (which must not exist) owning mm, with no names.
 * Returns it, or NULL when host memory runs out.
 */
struct sim_proc *sim_proc_add(struct sim_procs *t, uint32_t pid, struct mm *mm);

/* Remove p from the table and free it (its mm must already be released). */
void sim_proc_remove(struct sim_procs *t, struct sim_proc *p);

/*
 * Bind name id to value. Returns 0, or -1 when host memory runs out or all
 * processes together would hold more than SIM_NAME_SLOTS_MAX name slots.
 */
int sim_proc_bind(struct sim_proc *p, uint32_t id, uint64_t value);
/* The value bound to id, or SIM_NAME_UNBOUND. */
uint64_t sim_proc_name(const struct sim_proc *p, uint32_t id);
/* Give child a copy of parent's names. Returns 0 or -1 (as sim_proc_bind). */
int sim_proc_copy_names(struct sim_proc *child, const struct sim_proc *parent);
/* Forget every name (exec). */
void sim_proc_clear_names(struct sim_proc *p);

/* The address spaces of all live processes (valid until the table changes). */
struct mm **sim_procs_spaces(struct sim_procs *t);

#endif
