/*
 * simulator/sim_phys.c - physical RAM for the simulator: a host arena, the
 * page descriptor array, object allocation and allocation-failure injection.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mmcore/buddy.h"
#include "sim_phys.h"

uint8_t *sim_phys_arena;
uint64_t sim_phys_size;
uint64_t sim_fail_countdown;
uint64_t sim_fail_every;
uint64_t sim_obj_live;
void (*sim_panic_hook)(void);

static struct page *sim_descs;

void mm_plat_panic(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "mmcore panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (sim_panic_hook)
		sim_panic_hook();
	abort();
}

void mm_plat_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

bool sim_alloc_should_fail(void)
{
	if (sim_fail_countdown == 0)
		return false;
	if (--sim_fail_countdown > 0)
		return false;
	sim_fail_countdown = sim_fail_every;
	return true;
}

void *mm_plat_obj_alloc(size_t size)
{
	void *p;
	if (sim_alloc_should_fail())
		return NULL;
	/* Kernel memory is finite: a hostile trace must get ENOMEM, not exhaust the host. */
	if (sim_obj_live >= SIM_OBJ_MAX)
		return NULL;
	p = calloc(1, size);
	if (p)
		sim_obj_live++;
	return p;
}

void mm_plat_obj_free(void *p, size_t size)
{
	(void)size;
	if (!p)
		return;
	sim_obj_live--;
	free(p);
}

void sim_phys_fini(void)
{
	if (sim_phys_arena)
		munmap(sim_phys_arena, sim_phys_size);
	free(sim_descs);
	sim_phys_arena = NULL;
	sim_descs = NULL;
	sim_phys_size = 0;
	page_init(NULL, 0, 0);
	buddy_init();
}

int sim_phys_init(uint64_t bytes)
{
	uint64_t npages = bytes >> PAGE_SHIFT;
	uint64_t base_pfn = SIM_PHYS_BASE >> PAGE_SHIFT;

	sim_phys_fini();
	/* MAP_NORESERVE: untouched simulated RAM costs the host nothing. */
	sim_phys_arena = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (sim_phys_arena == MAP_FAILED) {
		sim_phys_arena = NULL;
		return -1;
	}
	sim_descs = calloc(npages, sizeof(*sim_descs));
	if (!sim_descs) {
		munmap(sim_phys_arena, bytes);
		sim_phys_arena = NULL;
		return -1;
	}
	sim_phys_size = bytes;
	page_init(sim_descs, base_pfn, npages);
	buddy_init();
	buddy_add_range(base_pfn, base_pfn + npages);
	return 0;
}
