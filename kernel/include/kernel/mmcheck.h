/*
 * kernel/mmcheck.h - the fortress profile's global invariant check.
 *
 * mmcore checks the one address space an operation touched after every
 * operation (mm_check_space). The global mm_check() - every frame's
 * refcount and mapcount against all mappings of all live spaces, the
 * shmem objects and the tmpfs page cache, and the buddy lists - walks
 * every page descriptor. It runs at the points where no operation is half
 * done, the end of a system call or of a page fault taken in user mode:
 * always after fork, exec and an address-space teardown, and otherwise
 * once MMCHECK_EVERY_OPS mm operations have run since the last check, as
 * long as checks have taken at most about half of the time since (so a
 * fault-heavy program slows down at most about twofold). In the other
 * profiles every hook below is empty.
 */
#ifndef KERNEL_MMCHECK_H
#define KERNEL_MMCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "mmcore/page.h"

/* The global check is due after this many mm operations (faults included). */
#define MMCHECK_EVERY_OPS 1

/* At boot after mm_init(): take the check's count table (fortress; panics
 * without it). */
void mmcheck_init(void);

#if MM_CFG_CHECK_EVERY_OP
/* mmcore finished an operation (mm_plat_after_op, through kplatform.h). */
void mmcheck_count_op(void);
/* An address space is being torn down (exit, exec): check at the next point. */
void mmcheck_request(void);
/* System call nr has returned: run the check when one is due. */
void mmcheck_syscall_exit(long nr);
/* A page fault from user mode was handled: run the check when one is due. */
void mmcheck_user_fault(void);
#else
static inline void mmcheck_request(void) {}
static inline void mmcheck_syscall_exit(long nr) { (void)nr; }
static inline void mmcheck_user_fault(void) {}
#endif

/* Global checks run so far (0 outside fortress). */
uint64_t mmcheck_runs(void);

/* References the tmpfs page cache holds on pg: 1 when pg sits in a regular
 * file's page array, else 0 (fs/regfile.c). */
int32_t regfile_cache_refs(const struct page *pg);

#endif
