/*
 * simulator/sim_mmu.c - a software x86-64 MMU for user-mode accesses.
 *
 * A translation is looked up in the software TLB (sim_tlb.h); on a miss the
 * four-level tables are walked exactly as the hardware walks them: every
 * level must be present and user-accessible, a write needs RW at every
 * level, a fetch needs NX clear at every level, PS at level 2 ends the walk
 * in a 2 MiB page. The walk sets A on every entry it used and D on the leaf
 * of a write, then fills the TLB. A failed check is a page fault: like the
 * CPU, the MMU drops the TLB entry for the address, calls mm_fault() with
 * `present` telling a protection fault from a missing page, and retries the
 * access once.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim_mmu.h"
#include "sim_tlb.h"

struct sim_mmu_stats sim_mmu_stats;

/* The result of one walk. */
struct mmu_walk {
	uint64_t pfn;  /* 4 KiB frame holding va */
	pte_t *leaf;   /* the leaf entry */
	int level;     /* level of the leaf: 1 (4 KiB) or 2 (2 MiB) */
	uint32_t perm; /* enum sim_tlb_perm */
	bool present;  /* a leaf was found (a protection fault, not a missing page) */
};

static void __attribute__((noreturn)) mmu_bug(const char *what, uint64_t va, pte_t e)
{
	fflush(stdout);
	fprintf(stderr, "sim_mmu: %s (va %#llx, entry %#llx)\n", what, (unsigned long long)va,
		(unsigned long long)e);
	abort();
}

/*
 * Walk root's tables for va. Returns true with *w filled when a present
 * leaf is reached; false with w->present = false when some level is not
 * present.
 */
static bool mmu_walk(uint64_t root_pfn, uint64_t va, struct mmu_walk *w)
{
	uint64_t table = root_pfn;
	bool user = true, write = true, exec = true;

	sim_mmu_stats.walks++;
	w->present = false;
	for (int level = 4; level >= 1; level--) {
		pte_t *e;
		if (!pfn_valid(table))
			mmu_bug("walk reached a table outside RAM", va, table);
		e = &pt_table(table)[pt_index(va, level)];
		if (!(*e & PTE_P))
			return false;
		user = user && (*e & PTE_US);
		write = write && (*e & PTE_RW);
		exec = exec && !(*e & PTE_NX);
		if (level == 1 || (*e & PTE_PS)) {
			if (level > 2)
				mmu_bug("PS set above the PD level", va, *e);
			w->present = true;
			w->leaf = e;
			w->level = level;
			w->pfn = level == 2 ? pte_huge_pfn(*e) + ((va >> 12) & 511) : pte_pfn(*e);
			if (!pfn_valid(w->pfn))
				mmu_bug("leaf maps a frame outside RAM", va, *e);
			w->perm = (write ? SIM_TLB_WRITE : 0) | (exec ? SIM_TLB_EXEC : 0) |
				  (*e & PTE_D ? SIM_TLB_DIRTY : 0);
			if (!user)
				w->perm |= 1u << 31; /* not user-accessible: always refused */
			return true;
		}
		table = pte_pfn(*e);
	}
	return false;
}

/* Whether cached permissions allow the access (a write also needs D set). */
static bool perm_allows(uint32_t perm, enum mm_access access)
{
	if (perm & (1u << 31))
		return false;
	if (access == MM_ACCESS_WRITE)
		return (perm & (SIM_TLB_WRITE | SIM_TLB_DIRTY)) == (SIM_TLB_WRITE | SIM_TLB_DIRTY);
	if (access == MM_ACCESS_EXEC)
		return (perm & SIM_TLB_EXEC) != 0;
	return true;
}

/* Set A on every entry the walk used (and D on the leaf for a write). */
static void walk_mark_used(uint64_t root_pfn, uint64_t va, struct mmu_walk *w,
			   enum mm_access access)
{
	uint64_t table = root_pfn;
	for (int level = 4; level > w->level; level--) {
		pte_t *e = &pt_table(table)[pt_index(va, level)];
		*e |= PTE_A;
		table = pte_pfn(*e);
	}
	*w->leaf |= PTE_A;
	if (access == MM_ACCESS_WRITE) {
		*w->leaf |= PTE_D;
		w->perm |= SIM_TLB_DIRTY;
	}
}

static void tlb_fill(uint64_t root_pfn, uint64_t va, const struct mmu_walk *w)
{
	struct sim_tlb_entry *e = w->level == 2 ? sim_tlb_huge_slot(va) : sim_tlb_slot(va);
	e->root_pfn = root_pfn;
	e->vpn = va >> (w->level == 2 ? 21 : 12);
	e->pfn = w->level == 2 ? w->pfn & ~511ull : w->pfn;
	e->perm = w->perm;
}

/* A TLB hit allowing the access: *pfn and *large set. */
static bool tlb_lookup(uint64_t root_pfn, uint64_t va, enum mm_access access,
		       uint64_t *pfn, bool *large)
{
	struct sim_tlb_entry *e = sim_tlb_slot(va);
	if (e->root_pfn == root_pfn && e->vpn == va >> 12 && perm_allows(e->perm, access)) {
		*pfn = e->pfn;
		*large = false;
		return true;
	}
	e = sim_tlb_huge_slot(va);
	if (e->root_pfn == root_pfn && e->vpn == va >> 21 && perm_allows(e->perm, access)) {
		*pfn = e->pfn + ((va >> 12) & 511);
		*large = true;
		return true;
	}
	return false;
}

/*
 * Translate va for access: TLB, then a walk. Returns true with *pfn;
 * false with *present saying whether a leaf was there.
 */
static bool mmu_translate(uint64_t root_pfn, uint64_t va, enum mm_access access,
			  uint64_t *pfn, bool *large, bool *present)
{
	struct mmu_walk w;
	if (tlb_lookup(root_pfn, va, access, pfn, large)) {
		sim_tlb_stats.hits++;
		return true;
	}
	sim_tlb_stats.misses++;
	if (!mmu_walk(root_pfn, va, &w) || !perm_allows(w.perm | SIM_TLB_DIRTY, access)) {
		*present = w.present;
		/* A faulting access invalidates the TLB entries for its address. */
		sim_tlb_flush_page(root_pfn, va);
		sim_tlb_stats.flush_page--; /* not an mmcore flush */
		return false;
	}
	walk_mark_used(root_pfn, va, &w, access);
	tlb_fill(root_pfn, va, &w);
	*pfn = w.pfn;
	*large = w.level == 2;
	return true;
}

enum fault_result sim_mmu_access(struct mm *mm, uint64_t va, enum mm_access access,
				 uint8_t *byte, bool *large)
{
	uint64_t pfn;
	bool present = false, big = false;
	uint8_t *p;

	sim_mmu_stats.accesses++;
	if (va >= USER_VA_END)
		return FAULT_SIGSEGV; /* kernel half or non-canonical: #GP/#PF -> SIGSEGV */
	if (!mmu_translate(mm->root_pfn, va, access, &pfn, &big, &present)) {
		enum fault_result r;
		sim_mmu_stats.page_faults++;
		r = mm_fault(mm, va, access, present);
		if (r != FAULT_OK)
			return r;
		if (!mmu_translate(mm->root_pfn, va, access, &pfn, &big, &present))
			mmu_bug(present ? "access still refused after mm_fault returned FAULT_OK"
					: "page still missing after mm_fault returned FAULT_OK",
				va, 0);
	}
	p = (uint8_t *)pfn_address(pfn) + (va & 0xfff);
	if (access == MM_ACCESS_WRITE) {
		if (byte)
			*p = *byte;
	} else if (byte) {
		*byte = *p;
	}
	if (large)
		*large = big;
	return FAULT_OK;
}
