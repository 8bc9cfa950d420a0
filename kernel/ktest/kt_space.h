/*
 * ktest/kt_space.h - scratch address spaces for the self-tests: a fresh
 * PML4 from mmcore's pt with the kernel half installed, loaded into CR3
 * while a test touches its lower half through the real MMU.
 */
#ifndef KTEST_KT_SPACE_H
#define KTEST_KT_SPACE_H

#include <stdint.h>

#include "mmcore/pt.h"

/* Lower-half addresses the tests map at. */
#define KT_VA_SMALL 0x0000000040000000ull
#define KT_VA_HUGE 0x0000000080000000ull

/* A new address space sharing the kernel half. Returns 0 or -MM_ENOMEM. */
int kt_space_create(uint64_t *root_pfn);
/* Switch CR3 to root (kt_space_leave switches back to the kernel's). */
void kt_space_enter(uint64_t root_pfn);
void kt_space_leave(void);
/* Free the tables of root; all leaves must be gone. */
void kt_space_destroy(uint64_t root_pfn);

/* The 64-bit word a test writes at byte offset off of frame pfn. */
static inline uint64_t kt_pattern(uint64_t pfn, uint64_t off)
{
	return (pfn << 24) ^ (off * 0x9e3779b97f4a7c15ull);
}
/* Fill a frame with kt_pattern; check it at va. */
void kt_fill(uint64_t pfn);
int kt_verify(const void *va, uint64_t pfn);

#endif
