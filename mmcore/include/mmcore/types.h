/*
 * mmcore/types.h - address-bit layout and page sizes shared by every layer.
 *
 * x86-64, 4-level paging, 48-bit virtual addresses:
 *
 *   63    48 47     39 38     30 29     21 20     12 11       0
 *  +--------+---------+---------+---------+---------+----------+
 *  | sign   | PML4 (4)| PDPT (3)| PD  (2) | PT  (1) |  offset  |
 *  +--------+---------+---------+---------+---------+----------+
 *
 * A PD entry with PS set maps a 2 MiB page (bits 20..0 are the offset).
 * Levels are numbered 4 (PML4) down to 1 (PT) throughout mmcore.
 */
#ifndef MMCORE_TYPES_H
#define MMCORE_TYPES_H

#include "platform.h"
#include "mmcore/errno.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define HUGE_SHIFT 21
#define HUGE_SIZE (1ull << HUGE_SHIFT)
#define HUGE_MASK (~(HUGE_SIZE - 1))
#define HUGE_ORDER (HUGE_SHIFT - PAGE_SHIFT) /* 9 */
#define HUGE_NR_PAGES (1u << HUGE_ORDER)     /* 512 */

#define PT_ENTRIES 512
#define PT_LEVELS 4

/* Lowest non-canonical address: user space is [0, USER_VA_END). */
#define USER_VA_END 0x0000800000000000ull

#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a) (((x) + (uint64_t)(a) - 1) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)

#define MM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MM_MAX(a, b) ((a) > (b) ? (a) : (b))

static inline uint64_t pfn_to_phys(uint64_t pfn) { return pfn << PAGE_SHIFT; }
static inline uint64_t phys_to_pfn(uint64_t pa) { return pa >> PAGE_SHIFT; }

#endif
