/*
 * mmcore/mm_stat.h - what one VMA has resident, counted from its page
 * tables the way Linux's /proc/PID/smaps counts: a frame mapped by one
 * page-table entry (and held by nothing else) is private, one mapped more
 * often is shared and adds only its share to Pss. The zero pages count
 * nowhere, as Linux's vm_normal_page() skips them.
 */
#ifndef MMCORE_MM_STAT_H
#define MMCORE_MM_STAT_H
#include "mmcore/vma.h"

/* Linux's fixed-point scale of Pss (bytes << MM_PSS_SHIFT). */
#define MM_PSS_SHIFT 12

/* Byte counts; the pss fields are bytes << MM_PSS_SHIFT. */
struct mm_vma_stat {
	uint64_t rss;
	uint64_t pss, pss_dirty, pss_anon, pss_file, pss_shmem;
	uint64_t shared_clean, shared_dirty;
	uint64_t private_clean, private_dirty;
	uint64_t referenced;
	uint64_t anonymous;
	uint64_t anon_huge;   /* anonymous memory mapped by 2 MiB leaves */
	uint64_t shmem_huge;  /* shared memory mapped by 2 MiB leaves (ShmemPmdMapped) */
	uint64_t file_huge;   /* file memory mapped by 2 MiB leaves (FilePmdMapped) */
	uint64_t locked;
};

struct mm;

/*
 * Add what v (a VMA of mm) has resident to *st (the caller zeroes it once,
 * so several VMAs can be summed as smaps_rollup does). Reads the tables
 * only; takes no locks and changes nothing.
 */
void mm_vma_stat(const struct mm *mm, const struct vma *v, struct mm_vma_stat *st);

#endif
