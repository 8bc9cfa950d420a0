/*
 * simulator/sim_proc.c - the process table: a two-level pid map (chunks of
 * 4096 pids allocated on first use, so any pid up to Linux's pid_max costs
 * one small chunk) and a dense array of live processes for iteration.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_proc.h"

/*
 * Name slots held by all processes together. Each process indexes its
 * names by global name id and a fork copies them, so a hostile trace
 * (many names, many forks) could multiply host memory; past this bound
 * binding fails instead.
 */
static uint64_t name_slots_total;

void sim_procs_init(struct sim_procs *t)
{
	memset(t, 0, sizeof(*t));
}

void sim_procs_fini(struct sim_procs *t)
{
	for (unsigned i = 0; i < TRACE_PID_CHUNKS; i++)
		free(t->chunks[i]);
	free(t->live);
	free(t->spaces);
	memset(t, 0, sizeof(*t));
}

struct sim_proc *sim_proc_find(struct sim_procs *t, uint32_t pid)
{
	struct sim_proc **chunk = pid / SIM_PID_CHUNK < TRACE_PID_CHUNKS ?
				  t->chunks[pid / SIM_PID_CHUNK] : NULL;
	return chunk ? chunk[pid % SIM_PID_CHUNK] : NULL;
}

static int live_reserve(struct sim_procs *t)
{
	uint32_t cap;
	void *live, *spaces;
	if (t->nlive < t->cap)
		return 0;
	cap = t->cap ? t->cap * 2 : 16;
	live = realloc(t->live, cap * sizeof(*t->live));
	if (!live)
		return -1;
	t->live = live;
	spaces = realloc(t->spaces, cap * sizeof(*t->spaces));
	if (!spaces)
		return -1;
	t->spaces = spaces;
	t->cap = cap;
	return 0;
}

struct sim_proc *sim_proc_add(struct sim_procs *t, uint32_t pid, struct mm *mm)
{
	struct sim_proc ***chunk;
	struct sim_proc *p;

	if (pid / SIM_PID_CHUNK >= TRACE_PID_CHUNKS || live_reserve(t) < 0)
		return NULL;
	chunk = &t->chunks[pid / SIM_PID_CHUNK];
	if (!*chunk && !(*chunk = calloc(SIM_PID_CHUNK, sizeof(**chunk))))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->mm = mm;
	p->live_index = t->nlive;
	t->live[t->nlive++] = p;
	(*chunk)[pid % SIM_PID_CHUNK] = p;
	t->created++;
	return p;
}

void sim_proc_remove(struct sim_procs *t, struct sim_proc *p)
{
	struct sim_proc *last = t->live[t->nlive - 1];
	last->live_index = p->live_index;
	t->live[p->live_index] = last;
	t->nlive--;
	t->chunks[p->pid / SIM_PID_CHUNK][p->pid % SIM_PID_CHUNK] = NULL;
	name_slots_total -= p->nnames;
	free(p->names);
	free(p);
}

static int names_reserve(struct sim_proc *p, uint32_t n)
{
	uint32_t cap = p->nnames ? p->nnames : 16;
	uint64_t *names;
	if (n <= p->nnames)
		return 0;
	while (cap < n)
		cap *= 2;
	if (name_slots_total - p->nnames + cap > SIM_NAME_SLOTS_MAX)
		return -1;
	names = realloc(p->names, (size_t)cap * sizeof(*names));
	if (!names)
		return -1;
	for (uint32_t i = p->nnames; i < cap; i++)
		names[i] = SIM_NAME_UNBOUND;
	name_slots_total += cap - p->nnames;
	p->names = names;
	p->nnames = cap;
	return 0;
}

int sim_proc_bind(struct sim_proc *p, uint32_t id, uint64_t value)
{
	if (names_reserve(p, id + 1) < 0)
		return -1;
	p->names[id] = value;
	return 0;
}

uint64_t sim_proc_name(const struct sim_proc *p, uint32_t id)
{
	return id < p->nnames ? p->names[id] : SIM_NAME_UNBOUND;
}

int sim_proc_copy_names(struct sim_proc *child, const struct sim_proc *parent)
{
	if (names_reserve(child, parent->nnames) < 0)
		return -1;
	if (parent->nnames)
		memcpy(child->names, parent->names, parent->nnames * sizeof(*parent->names));
	return 0;
}

void sim_proc_clear_names(struct sim_proc *p)
{
	for (uint32_t i = 0; i < p->nnames; i++)
		p->names[i] = SIM_NAME_UNBOUND;
}

struct mm **sim_procs_spaces(struct sim_procs *t)
{
	for (uint32_t i = 0; i < t->nlive; i++)
		t->spaces[i] = t->live[i]->mm;
	return t->spaces;
}
