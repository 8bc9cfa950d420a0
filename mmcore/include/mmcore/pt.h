/*
 * mmcore/pt.h - x86-64 4-level page tables in hardware format.
 *
 * An address space is named by the PFN of its PML4 page (root_pfn). Table
 * pages come from the buddy allocator, are PG_PAGETABLE, and count their
 * non-empty entries in page.pt_used so an empty table is known in O(1).
 * Entry flags are the hardware bits below, passed through unchanged.
 *
 * Entries pointing to tables are P|RW|US; permissions live in the leaves.
 * A leaf is "non-empty" when its entry is non-zero: a non-present leaf
 * (e.g. PROT_NONE keeping its frame with P clear) is still a leaf to the
 * iterators, protect and copy, while pt_lookup reports present ones only.
 * pt never touches the reference or map counts of the frames it maps.
 *
 * Addresses: single-address calls accept any canonical address (-MM_EINVAL
 * otherwise); range calls work in the user half [0, USER_VA_END) only.
 * pt_destroy, pt_check and pt_count_tables look below the lower 256 PML4
 * entries only: the upper half holds the kernel's shared tables, which the
 * kernel installs in a new PML4 with pt_entry_set (to keep pt_used exact).
 *
 * TLB: operations that remove or weaken an entry (unmap, protect, split)
 * or free tables (pt_free_empty, pt_destroy) flush through mm_plat_tlb_*().
 * Iterators (pt_for_each_leaf, pt_copy_range) leave flushing to their caller.
 *
 * ENOMEM is all-or-nothing: an operation counts the tables it lacks and
 * takes them all from the allocator before changing anything, so a failed
 * call leaves the tables and the allocator exactly as they were.
 */
#ifndef MMCORE_PT_H
#define MMCORE_PT_H

#include "mmcore/page.h"

typedef uint64_t pte_t;

#define PTE_P (1ull << 0)    /* present */
#define PTE_RW (1ull << 1)   /* writable */
#define PTE_US (1ull << 2)   /* user accessible */
#define PTE_PWT (1ull << 3)  /* write-through */
#define PTE_PCD (1ull << 4)  /* cache disable */
#define PTE_A (1ull << 5)    /* accessed */
#define PTE_D (1ull << 6)    /* dirty (leaf only) */
#define PTE_PS (1ull << 7)   /* page size: 2 MiB leaf at level 2 */
#define PTE_G (1ull << 8)    /* global */
#define PTE_SW0 (1ull << 9)  /* available to software */
#define PTE_SW1 (1ull << 10)
#define PTE_SW2 (1ull << 11)
#define PTE_NX (1ull << 63)  /* no execute */

#define PTE_ADDR_MASK 0x000ffffffffff000ull      /* 52-bit physical, 4 KiB frame */
#define PTE_HUGE_ADDR_MASK 0x000fffffffe00000ull /* 2 MiB frame in a PS entry */
/* Bits that are a leaf's permissions and attributes, not its address. */
#define PTE_FLAGS_MASK (~PTE_ADDR_MASK)

/* Index of va in the table at `level` (4 = PML4 .. 1 = PT). */
static inline unsigned pt_index(uint64_t va, int level)
{
	return (unsigned)(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511u;
}

static inline bool pte_present(pte_t e) { return (e & PTE_P) != 0; }
static inline bool pte_none(pte_t e) { return e == 0; }
static inline bool pte_huge(pte_t e) { return (e & PTE_PS) != 0; }
static inline bool pte_write(pte_t e) { return (e & PTE_RW) != 0; }
static inline uint64_t pte_pfn(pte_t e) { return (e & PTE_ADDR_MASK) >> PAGE_SHIFT; }
static inline uint64_t pte_huge_pfn(pte_t e) { return (e & PTE_HUGE_ADDR_MASK) >> PAGE_SHIFT; }
static inline pte_t pte_mk(uint64_t pfn, pte_t flags)
{
	return (pfn << PAGE_SHIFT) | (flags & PTE_FLAGS_MASK);
}
static inline pte_t pte_wrprotect(pte_t e) { return e & ~PTE_RW; }
static inline pte_t pte_mkwrite(pte_t e) { return e | PTE_RW; }

/* Table page at `pfn` as an array of 512 entries. */
static inline pte_t *pt_table(uint64_t pfn) { return (pte_t *)pfn_address(pfn); }

/*
 * Store/clear one entry of the table page `table`, keeping table->pt_used
 * exact. Use these instead of plain stores on any entry.
 */
void pt_entry_set(struct page *table, pte_t *entry, pte_t val);
void pt_entry_clear(struct page *table, pte_t *entry);

/*
 * Root-to-table traversals made so far (one per pt_walk-style descent, one
 * per range walk). Statistics only; tests read it to check batching.
 */
extern uint64_t pt_stat_walks;

/* Allocate an empty PML4. Returns 0 or -MM_ENOMEM. */
int pt_create(uint64_t *root_pfn);

/*
 * Free every table page reachable from the PML4 entries covering
 * [0, USER_VA_END) and then the PML4 itself. Leaves must already be gone
 * (the frames they mapped are the caller's); MM_ASSERTs otherwise.
 */
void pt_destroy(uint64_t root_pfn);

/*
 * Pointer to the entry at `level` (1 = PTE, 2 = PDE, ...) covering va, and
 * the table page holding it in *table (may be NULL). With alloc, missing
 * intermediate tables are created (-MM_ENOMEM leaves none behind).
 * Returns NULL when a table is missing (and !alloc), when a 2 MiB leaf sits
 * above the requested level, on allocation failure, or for a bad level or
 * non-canonical va (*err tells which: -MM_ENOENT, -MM_EEXIST, -MM_ENOMEM,
 * -MM_EINVAL; 0 on success; err may be NULL).
 */
pte_t *pt_walk(uint64_t root_pfn, uint64_t va, int level, bool alloc,
	       struct page **table, int *err);

struct pt_lookup {
	uint64_t pfn;  /* the 4 KiB frame holding va (inside a 2 MiB page too) */
	pte_t entry;   /* the leaf entry */
	int level;     /* 1 for a 4 KiB leaf, 2 for a 2 MiB leaf */
};

/*
 * Translate va. Returns 0 and fills *out, -MM_ENOENT when no present leaf
 * covers va, -MM_EINVAL for a non-canonical va.
 */
int pt_lookup(uint64_t root_pfn, uint64_t va, struct pt_lookup *out);

/*
 * Map the 4 KiB frame pfn at va with leaf flags (PTE_P is implied).
 * Returns 0, -MM_EEXIST (an entry or a 2 MiB leaf is there), -MM_ENOMEM,
 * -MM_EINVAL (non-canonical va, pfn beyond 52-bit physical).
 */
int pt_map(uint64_t root_pfn, uint64_t va, uint64_t pfn, pte_t flags);

/*
 * Remove the 4 KiB leaf at va, returning it in *old (may be NULL), and
 * flush its TLB entry. Empty tables are kept (see pt_free_empty).
 * Returns 0, -MM_ENOENT (entry empty), -MM_EEXIST (a 2 MiB leaf covers va),
 * -MM_EINVAL (non-canonical va). A non-present, non-zero entry is removed.
 */
int pt_unmap(uint64_t root_pfn, uint64_t va, pte_t *old);

/*
 * True when the PD entry for va is empty (or its PDPT/PD is missing): no
 * table below it, no 2 MiB leaf. False for a non-canonical va.
 */
bool pt_pd_entry_is_empty(uint64_t root_pfn, uint64_t va);

/*
 * Map the 2 MiB frame run starting at pfn (512-aligned) at va (2 MiB
 * aligned) with one PS leaf (PTE_P|PTE_PS implied). Only into an empty PD
 * entry. Returns 0, -MM_EEXIST, -MM_ENOMEM, -MM_EINVAL (misaligned va or
 * pfn, non-canonical va).
 */
int pt_map_huge(uint64_t root_pfn, uint64_t va, uint64_t pfn, pte_t flags);

/*
 * Remove the 2 MiB leaf covering va, returning it in *old (may be NULL),
 * and flush its 2 MiB range. Returns 0 or -MM_ENOENT.
 */
int pt_unmap_huge(uint64_t root_pfn, uint64_t va, pte_t *old);

/*
 * Replace the 2 MiB leaf covering va by a fresh table of 512 PTEs mapping
 * the same frames with the same flags (PS dropped; A/D carried into every
 * PTE). The 2 MiB range is flushed. Returns 0, -MM_ENOENT (no 2 MiB leaf
 * there) or -MM_ENOMEM (the mapping is unchanged).
 */
int pt_split_huge(uint64_t root_pfn, uint64_t va);

/*
 * Map n consecutive 4 KiB pages starting at va: pfns[i] at va + i*4096,
 * skipping i where pfns[i] == PT_BATCH_SKIP or the entry is already
 * non-empty (PTE_P is implied). Returns the number of entries written,
 * -MM_ENOMEM (nothing written, no table allocated) or -MM_EINVAL (the run
 * leaves the user half, n > INT32_MAX, a pfn beyond 52-bit physical).
 * A read-only pass first counts the tables to create (that is what makes
 * ENOMEM all-or-nothing) and remembers the page tables of the first 8 page
 * tables' worth of the run, so an existing page table is walked to once and
 * a missing one twice. Pages under 2 MiB leaves are skipped.
 */
#define PT_BATCH_SKIP (~0ull)
int pt_map_batch(uint64_t root_pfn, uint64_t va, const uint64_t *pfns,
		 unsigned n, pte_t flags);

/*
 * For every non-empty leaf in [start, end) (rounded out to pages):
 * entry = (entry & ~clear) | set, atomically against the MMU's A/D updates.
 * Only flag bits change (never the address or PS). 2 MiB leaves only partly
 * inside the range are split first. Flushes the TLB for the range when
 * something changed. Returns 0, -MM_ENOMEM (nothing changed, nothing
 * split) or -MM_EINVAL (range outside the user half or start > end).
 */
int pt_protect(uint64_t root_pfn, uint64_t start, uint64_t end, pte_t set,
	       pte_t clear);

/*
 * Call fn for every non-empty leaf in [start, end) (rounded out to pages)
 * in ascending order. level is 1 or 2 (2 MiB leaf; va is then its 2 MiB-
 * aligned start even if start lies inside it). fn may modify or clear the
 * entry through pt_entry_set/pt_entry_clear on `table`, but must not map
 * or free tables. A non-zero return from fn stops the walk and is
 * returned; -MM_EINVAL for a range outside the user half.
 */
typedef int (*pt_leaf_fn)(void *ctx, uint64_t va, pte_t *entry, int level,
			  struct page *table);
int pt_for_each_leaf(uint64_t root_pfn, uint64_t start, uint64_t end,
		     pt_leaf_fn fn, void *ctx);

/*
 * Fork helper: for every non-empty leaf of src in [start, end), call fn,
 * which returns the entry to install at the same va and level in dst
 * (0 to skip; a level-2 result must keep PS) and may modify the source
 * entry through pt_entry_set. A leaf whose slot in dst is already occupied
 * (or covered by a dst 2 MiB leaf) is skipped without calling fn. Tables
 * in dst are allocated as needed, all before fn is first called.
 * Returns 0, -MM_ENOMEM (dst unchanged, fn never called) or -MM_EINVAL
 * (range outside the user half, dst_root == src_root).
 */
typedef pte_t (*pt_copy_fn)(void *ctx, uint64_t va, pte_t *src_entry,
			    int level, struct page *src_table);
int pt_copy_range(uint64_t dst_root, uint64_t src_root, uint64_t start,
		  uint64_t end, pt_copy_fn fn, void *ctx);

/*
 * Free the empty table pages below the PML4 whose coverage intersects
 * [start, end) (user half), children first, so a table emptied by freeing
 * its children goes too. A table that maps anything is never freed. The
 * span covered by freed tables is flushed (paging-structure caches).
 */
void pt_free_empty(uint64_t root_pfn, uint64_t start, uint64_t end);

/*
 * Free the empty page tables (level 1) of the 2 MiB regions wholly inside
 * [start, end), and flush them; tables above stay. What Linux's PT_RECLAIM
 * does after MADV_DONTNEED zapped such a region.
 */
void pt_free_empty_ptes(uint64_t root_pfn, uint64_t start, uint64_t end);

/* Count table pages per level (counts[1..4]; counts[0] = 0), PML4 included. */
void pt_count_tables(uint64_t root_pfn, uint64_t counts[5]);

/*
 * Verify one address space's tables: pt_used matches the entries, every
 * table page is PG_PAGETABLE at the right level with refcount 1, table
 * pointers are present, no PS above level 2, no reserved bits in 2 MiB
 * leaves. Adds the number of table pages to *tables if non-NULL.
 * Returns 0; panics (MM_ASSERT) on the first inconsistency.
 */
int pt_check(uint64_t root_pfn, uint64_t *tables);

#endif
