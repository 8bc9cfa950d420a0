/*
 * fuzz/fuzz_pt.c - page tables against a model of translations.
 *
 * Two address spaces share six 2 MiB regions of virtual address space,
 * placed so that they hit neighbouring PD entries, another PDPT entry and
 * other PML4 entries. The model of each region is either one 2 MiB leaf or
 * 512 PTE values, plus whether a page table sits under its PD entry. Every
 * pt_* call's return value is predicted exactly; after every step the
 * touched translations are compared through pt_lookup, pt_check() runs on
 * both spaces, and every few steps pt_for_each_leaf must enumerate exactly
 * the model, in order.
 *
 * This target supplies the platform's TLB flush hooks itself (instead of
 * simulator/sim_tlb.c): a small TLB filled from lookups, which the hooks
 * invalidate. An entry that still grants more than the tables after an
 * operation means a missing flush. At the end every leaf is removed, the tables are freed,
 * and the allocator must be back to where it started (no leaked tables).
 */
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_machine.h"
#include "mmcore/buddy.h"
#include "mmcore/pt.h"
#include "sim_phys.h"
#include "sim_platform.h"

#define FP_MEM (16ull << 20)
#define FP_SPACES 2
#define FP_REGIONS 6
#define FP_DATA_BLOCKS 2

static const uint64_t fp_region_va[FP_REGIONS] = {
	0x0000000000400000ull, /* PD entries 2, 3 and 4 of one PD: neighbours */
	0x0000000000600000ull,
	0x0000000000800000ull,
	0x0000000040000000ull, /* another PDPT entry */
	0x0000008000000000ull, /* PML4 entry 1 */
	0x00007fffffe00000ull, /* the last 2 MiB of user space */
};

/* Leaf bits the fuzzer sets and clears; never P, PS or address bits. */
static const pte_t fp_flag_bits[] = {PTE_RW, PTE_US, PTE_A, PTE_D, PTE_NX, PTE_SW0, PTE_SW1};

struct fp_region {
	bool huge;
	bool has_table;
	pte_t huge_entry;
	pte_t e[PT_ENTRIES];
};

static struct {
	uint64_t root[FP_SPACES];
	struct fp_region r[FP_SPACES][FP_REGIONS];
	uint64_t data_pfn[FP_DATA_BLOCKS]; /* 2 MiB blocks whose frames get mapped */
	struct page *data_pg[FP_DATA_BLOCKS];
	bool inject;                       /* a failure is armed: ENOMEM is allowed */
	uint64_t steps;
} fp;

static pte_t fp_flags(struct fuzz_input *in)
{
	uint8_t bits = fuzz_u8(in);
	pte_t f = 0;

	for (unsigned i = 0; i < sizeof(fp_flag_bits) / sizeof(fp_flag_bits[0]); i++)
		if (bits & (1u << i))
			f |= fp_flag_bits[i];
	return f;
}

static uint64_t fp_va(unsigned r, unsigned idx)
{
	return fp_region_va[r] + (uint64_t)idx * PAGE_SIZE;
}

/* The model's leaf for va in space s: 0 when nothing is mapped. */
static pte_t fp_model_leaf(unsigned s, unsigned r, unsigned idx, int *level)
{
	struct fp_region *reg = &fp.r[s][r];

	*level = reg->huge ? 2 : 1;
	return reg->huge ? reg->huge_entry : reg->e[idx];
}

#define FP_TLB_SIZE 256u

struct fp_tlb_entry {
	bool valid;
	uint64_t root_pfn, vpn, pfn;
	pte_t pte;
};

static struct fp_tlb_entry fp_tlb[FP_TLB_SIZE];

static struct fp_tlb_entry *fp_tlb_slot(uint64_t va)
{
	return &fp_tlb[(va >> PAGE_SHIFT) % FP_TLB_SIZE];
}

/* The platform's flush hooks (sim_platform.h), acting on fp_tlb. */
void sim_tlb_flush_page(uint64_t root_pfn, uint64_t va)
{
	struct fp_tlb_entry *t = fp_tlb_slot(va);

	if (t->root_pfn == root_pfn && t->vpn == va >> PAGE_SHIFT)
		t->valid = false;
}

void sim_tlb_flush_range(uint64_t root_pfn, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < FP_TLB_SIZE; i++) {
		struct fp_tlb_entry *t = &fp_tlb[i];
		uint64_t va = t->vpn << PAGE_SHIFT;
		if (t->root_pfn == root_pfn && va + PAGE_SIZE > start && va < end)
			t->valid = false;
	}
}

void sim_tlb_flush_all(uint64_t root_pfn)
{
	for (unsigned i = 0; i < FP_TLB_SIZE; i++)
		if (fp_tlb[i].root_pfn == root_pfn)
			fp_tlb[i].valid = false;
}

static void fp_tlb_fill(unsigned s, uint64_t va, const struct pt_lookup *l)
{
	struct fp_tlb_entry *t = fp_tlb_slot(va);

	t->valid = true;
	t->root_pfn = fp.root[s];
	t->vpn = va >> PAGE_SHIFT;
	t->pfn = l->pfn;
	t->pte = l->entry;
}

/* Compare one translation with the model (and remember it in the TLB). */
static void fp_check_va(unsigned s, unsigned r, unsigned idx)
{
	uint64_t va = fp_va(r, idx);
	struct pt_lookup l;
	int level, rc = pt_lookup(fp.root[s], va, &l);
	pte_t want = fp_model_leaf(s, r, idx, &level);

	if (!want) {
		FUZZ_EXPECT(rc == -MM_ENOENT, "space %u va %#llx: pt_lookup %d, model: unmapped", s,
			    (unsigned long long)va, rc);
		return;
	}
	FUZZ_EXPECT(rc == 0, "space %u va %#llx: pt_lookup %d, model: entry %#llx", s,
		    (unsigned long long)va, rc, (unsigned long long)want);
	FUZZ_EXPECT(l.entry == want && l.level == level,
		    "space %u va %#llx: entry %#llx level %d, model %#llx level %d", s,
		    (unsigned long long)va, (unsigned long long)l.entry, l.level,
		    (unsigned long long)want, level);
	uint64_t pfn = level == 2 ? pte_huge_pfn(want) + idx : pte_pfn(want);
	FUZZ_EXPECT(l.pfn == pfn, "space %u va %#llx: frame %#llx, model %#llx", s,
		    (unsigned long long)va, (unsigned long long)l.pfn, (unsigned long long)pfn);
	fp_tlb_fill(s, va, &l);
}

/* A cached translation may be stale only in the safe direction. */
static void fp_check_tlb(void)
{
	for (unsigned i = 0; i < FP_TLB_SIZE; i++) {
		struct fp_tlb_entry *t = &fp_tlb[i];
		struct pt_lookup l;
		unsigned s;

		if (!t->valid)
			continue;
		for (s = 0; s < FP_SPACES && fp.root[s] != t->root_pfn; s++)
			;
		if (s == FP_SPACES)
			continue;
		uint64_t va = t->vpn << PAGE_SHIFT;
		int rc = pt_lookup(t->root_pfn, va, &l);
		FUZZ_EXPECT(rc == 0, "TLB still maps va %#llx, which is unmapped: missing flush",
			    (unsigned long long)va);
		FUZZ_EXPECT(l.pfn == t->pfn, "TLB maps va %#llx to frame %#llx, tables to %#llx: "
			    "missing flush", (unsigned long long)va, (unsigned long long)t->pfn,
			    (unsigned long long)l.pfn);
		FUZZ_EXPECT(!(t->pte & PTE_RW) || (l.entry & PTE_RW),
			    "TLB still allows writes to va %#llx: missing flush", (unsigned long long)va);
		FUZZ_EXPECT((t->pte & PTE_NX) || !(l.entry & PTE_NX),
			    "TLB still allows execution at va %#llx: missing flush",
			    (unsigned long long)va);
	}
}

struct fp_walk {
	unsigned s;
	unsigned r, idx; /* next model position to match */
	uint64_t seen;
};

/* Advance w to the next mapped model leaf; false when none is left. */
static bool fp_walk_next(struct fp_walk *w, pte_t *want, int *level)
{
	for (; w->r < FP_REGIONS; w->r++, w->idx = 0) {
		struct fp_region *reg = &fp.r[w->s][w->r];
		if (reg->huge) {
			if (w->idx != 0)
				continue;
			*want = reg->huge_entry;
			*level = 2;
			return true;
		}
		for (; w->idx < PT_ENTRIES; w->idx++)
			if (reg->e[w->idx]) {
				*want = reg->e[w->idx];
				*level = 1;
				return true;
			}
	}
	return false;
}

static int fp_walk_leaf(void *ctx, uint64_t va, pte_t *entry, int level, struct page *table)
{
	struct fp_walk *w = ctx;
	pte_t want;
	int wlevel;

	FUZZ_EXPECT(fp_walk_next(w, &want, &wlevel),
		    "pt_for_each_leaf: extra leaf at %#llx", (unsigned long long)va);
	FUZZ_EXPECT(va == fp_va(w->r, w->idx) && level == wlevel && *entry == want,
		    "pt_for_each_leaf: got %#llx level %d entry %#llx, model %#llx level %d entry %#llx",
		    (unsigned long long)va, level, (unsigned long long)*entry,
		    (unsigned long long)fp_va(w->r, w->idx), wlevel, (unsigned long long)want);
	if (level == 2)
		w->r++, w->idx = 0;
	else
		w->idx++;
	w->seen++;
	return 0;
}

static void fp_check_all(void)
{
	for (unsigned s = 0; s < FP_SPACES; s++) {
		struct fp_walk w = {.s = s};
		pte_t want;
		int level;

		FUZZ_EXPECT(pt_for_each_leaf(fp.root[s], 0, USER_VA_END, fp_walk_leaf, &w) == 0,
			    "pt_for_each_leaf failed");
		FUZZ_EXPECT(!fp_walk_next(&w, &want, &level), "pt_for_each_leaf missed va %#llx",
			    (unsigned long long)fp_va(w.r, w.idx));
		for (unsigned r = 0; r < FP_REGIONS; r++) {
			bool empty = !fp.r[s][r].huge && !fp.r[s][r].has_table;
			FUZZ_EXPECT(pt_pd_entry_is_empty(fp.root[s], fp_region_va[r]) == empty,
				    "space %u region %u: pt_pd_entry_is_empty says %d, model %d",
				    s, r, !empty, empty);
		}
	}
}

/* Accept rc == want, or -MM_ENOMEM when a failure was injected. */
static bool fp_result(const char *what, int rc, int want)
{
	if (rc == -MM_ENOMEM && fp.inject && want >= 0)
		return false;
	FUZZ_EXPECT(rc == want, "%s returned %d, model %d", what, rc, want);
	return true;
}

static void fp_map(unsigned s, unsigned r, unsigned idx, uint64_t frame, pte_t flags)
{
	struct fp_region *reg = &fp.r[s][r];
	uint64_t pfn = fp.data_pfn[frame % FP_DATA_BLOCKS] + (frame / FP_DATA_BLOCKS) % 512;
	int want = (reg->huge || reg->e[idx]) ? -MM_EEXIST : 0;
	uint64_t before = buddy_free_pages();
	int rc = pt_map(fp.root[s], fp_va(r, idx), pfn, flags);

	if (!fp_result("pt_map", rc, want)) {
		FUZZ_EXPECT(buddy_free_pages() == before, "pt_map failed with ENOMEM but kept tables");
		return;
	}
	if (rc == 0) {
		reg->e[idx] = pte_mk(pfn, flags | PTE_P);
		reg->has_table = true;
	}
	fp_check_va(s, r, idx);
}

static void fp_unmap(unsigned s, unsigned r, unsigned idx)
{
	struct fp_region *reg = &fp.r[s][r];
	int want = reg->huge ? -MM_EEXIST : reg->e[idx] ? 0 : -MM_ENOENT;
	pte_t old = 0;
	int rc = pt_unmap(fp.root[s], fp_va(r, idx), &old);

	fp_result("pt_unmap", rc, want);
	if (rc == 0) {
		FUZZ_EXPECT(old == reg->e[idx], "pt_unmap old entry %#llx, model %#llx",
			    (unsigned long long)old, (unsigned long long)reg->e[idx]);
		reg->e[idx] = 0;
	}
	fp_check_va(s, r, idx);
}

static bool fp_region_empty(const struct fp_region *reg)
{
	if (reg->huge)
		return false;
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (reg->e[i])
			return false;
	return true;
}

static void fp_map_huge(unsigned s, unsigned r, unsigned block, pte_t flags)
{
	struct fp_region *reg = &fp.r[s][r];
	uint64_t pfn = fp.data_pfn[block % FP_DATA_BLOCKS];
	int want = (reg->huge || reg->has_table) ? -MM_EEXIST : 0;
	uint64_t before = buddy_free_pages();
	int rc = pt_map_huge(fp.root[s], fp_region_va[r], pfn, flags);

	if (!fp_result("pt_map_huge", rc, want)) {
		FUZZ_EXPECT(buddy_free_pages() == before, "pt_map_huge failed with ENOMEM but kept tables");
		return;
	}
	if (rc == 0) {
		reg->huge = true;
		reg->huge_entry = pte_mk(pfn, flags | PTE_P | PTE_PS);
	}
	fp_check_va(s, r, 0);
	fp_check_va(s, r, 511);
}

static void fp_unmap_huge(unsigned s, unsigned r)
{
	struct fp_region *reg = &fp.r[s][r];
	pte_t old = 0;
	int rc = pt_unmap_huge(fp.root[s], fp_region_va[r] + PAGE_SIZE * 7, &old);

	fp_result("pt_unmap_huge", rc, reg->huge ? 0 : -MM_ENOENT);
	if (rc == 0) {
		FUZZ_EXPECT(old == reg->huge_entry, "pt_unmap_huge old entry %#llx, model %#llx",
			    (unsigned long long)old, (unsigned long long)reg->huge_entry);
		reg->huge = false;
	}
	fp_check_va(s, r, 7);
}

static void fp_split(unsigned s, unsigned r, unsigned idx)
{
	struct fp_region *reg = &fp.r[s][r];
	int rc = pt_split_huge(fp.root[s], fp_va(r, idx));

	if (!fp_result("pt_split_huge", rc, reg->huge ? 0 : -MM_ENOENT))
		return;
	if (rc == 0) {
		pte_t flags = (reg->huge_entry & PTE_FLAGS_MASK) & ~PTE_PS;
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			reg->e[i] = pte_mk(pte_huge_pfn(reg->huge_entry) + i, flags);
		reg->huge = false;
		reg->has_table = true;
	}
	fp_check_va(s, r, idx);
	fp_check_va(s, r, 0);
	fp_check_va(s, r, 511);
}

/* The model of one leaf after protect: either the old or the new value. */
static pte_t fp_protected(pte_t e, pte_t set, pte_t clear)
{
	return (e & ~clear) | set;
}

/* After a failed protect, adopt what the tables hold if each leaf is old or new. */
static void fp_protect_resync(unsigned s, unsigned r, pte_t set, pte_t clear,
			      const struct fp_region *old)
{
	struct fp_region *reg = &fp.r[s][r];

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		struct pt_lookup l;
		pte_t was = old->huge ? old->huge_entry : old->e[i];
		if (!was) {
			FUZZ_EXPECT(pt_lookup(fp.root[s], fp_va(r, i), &l) == -MM_ENOENT,
				    "failed pt_protect mapped va %#llx", (unsigned long long)fp_va(r, i));
			continue;
		}
		FUZZ_EXPECT(pt_lookup(fp.root[s], fp_va(r, i), &l) == 0,
			    "failed pt_protect unmapped va %#llx", (unsigned long long)fp_va(r, i));
		pte_t small_was = old->huge ? pte_mk(pte_huge_pfn(was) + i, was & PTE_FLAGS_MASK & ~PTE_PS) : was;
		bool ok = l.entry == was || l.entry == fp_protected(was, set, clear) ||
			  (l.level == 1 && (l.entry == small_was ||
					    l.entry == fp_protected(small_was, set, clear)));
		FUZZ_EXPECT(ok, "failed pt_protect left va %#llx as %#llx (was %#llx)",
			    (unsigned long long)fp_va(r, i), (unsigned long long)l.entry,
			    (unsigned long long)was);
		if (l.level == 2) {
			reg->huge = true;
			reg->huge_entry = l.entry;
			return;
		}
		reg->huge = false;
		reg->has_table = true;
		reg->e[i] = l.entry;
	}
}

/* pt_protect over [r:idx, r:idx + n) of one region. */
static void fp_protect(unsigned s, unsigned r, unsigned idx, unsigned n, pte_t set, pte_t clear)
{
	struct fp_region *reg = &fp.r[s][r], old = *reg;
	uint64_t start = fp_va(r, idx);
	unsigned end_idx = MM_MIN(idx + n, PT_ENTRIES);
	int rc = pt_protect(fp.root[s], start, fp_va(r, end_idx), set, clear);

	if (!fp_result("pt_protect", rc, 0)) {
		fp_protect_resync(s, r, set, clear, &old);
		return;
	}
	if (end_idx <= idx) {
		/* an empty range changes nothing */
	} else if (reg->huge && idx == 0 && end_idx == PT_ENTRIES) {
		reg->huge_entry = fp_protected(reg->huge_entry, set, clear);
	} else {
		if (reg->huge) { /* partly covered: split first, then change the covered part */
			pte_t flags = (reg->huge_entry & PTE_FLAGS_MASK) & ~PTE_PS;
			for (unsigned i = 0; i < PT_ENTRIES; i++)
				reg->e[i] = pte_mk(pte_huge_pfn(reg->huge_entry) + i, flags);
			reg->huge = false;
			reg->has_table = true;
		}
		for (unsigned i = idx; i < end_idx; i++)
			if (reg->e[i])
				reg->e[i] = fp_protected(reg->e[i], set, clear);
	}
	fp_check_va(s, r, idx);
	if (end_idx > idx)
		fp_check_va(s, r, end_idx - 1);
}

/* pt_map_batch of up to 64 pages starting at r:idx, clipped to the region. */
static void fp_map_batch(unsigned s, unsigned r, unsigned idx, unsigned n, uint64_t skip,
			 unsigned frame, pte_t flags)
{
	struct fp_region *reg = &fp.r[s][r];
	uint64_t pfns[64];
	int want = 0;

	n = MM_MIN(n, PT_ENTRIES - idx);
	for (unsigned i = 0; i < n; i++) {
		pfns[i] = (skip >> i) & 1 ? PT_BATCH_SKIP
					  : fp.data_pfn[(frame + i) % FP_DATA_BLOCKS] + (frame + i) % 512;
		if (pfns[i] != PT_BATCH_SKIP && !reg->huge && !reg->e[idx + i])
			want++;
	}
	uint64_t before = buddy_free_pages();
	int rc = pt_map_batch(fp.root[s], fp_va(r, idx), pfns, n, flags);
	if (!fp_result("pt_map_batch", rc, want)) {
		FUZZ_EXPECT(buddy_free_pages() == before, "pt_map_batch failed with ENOMEM but kept tables");
		return;
	}
	for (unsigned i = 0; i < n && !reg->huge; i++)
		if (pfns[i] != PT_BATCH_SKIP && !reg->e[idx + i]) {
			reg->e[idx + i] = pte_mk(pfns[i], flags | PTE_P);
			reg->has_table = true;
		}
	if (n) {
		fp_check_va(s, r, idx);
		fp_check_va(s, r, idx + n - 1);
	}
}

/* Unmap every leaf of region r in space s (the model's copy too); tables stay. */
static void fp_region_clear(unsigned s, unsigned r)
{
	struct fp_region *reg = &fp.r[s][r];

	if (reg->huge)
		FUZZ_EXPECT(pt_unmap_huge(fp.root[s], fp_region_va[r], NULL) == 0,
			    "pt_unmap_huge of a mapped 2 MiB leaf failed");
	for (unsigned i = 0; i < PT_ENTRIES && !reg->huge; i++)
		if (reg->e[i])
			FUZZ_EXPECT(pt_unmap(fp.root[s], fp_va(r, i), NULL) == 0,
				    "pt_unmap of a mapped leaf failed");
	reg->huge = false;
	memset(reg->e, 0, sizeof(reg->e));
}

struct fp_copy {
	unsigned dst;
	bool wrprotect;
	struct fp_region *src_regions;
	uint64_t copied; /* leaves fn was asked for */
};

/* Fork-style copy: optionally write-protect the source and install the same leaf. */
static pte_t fp_copy_leaf(void *ctx, uint64_t va, pte_t *src_entry, int level,
			  struct page *src_table)
{
	struct fp_copy *c = ctx;
	pte_t e = *src_entry;

	if (c->wrprotect && (e & PTE_RW)) {
		e &= ~PTE_RW;
		pt_entry_set(src_table, src_entry, e);
	}
	c->copied++;
	return e;
}

/* Copy whole regions [r0, r1) from space 1-dst into the (emptied) range of dst. */
static void fp_copy_range(unsigned dst, unsigned r0, unsigned r1, bool wrprotect)
{
	unsigned src = 1 - dst;
	struct fp_copy c = {.dst = dst, .wrprotect = wrprotect};
	uint64_t start = fp_region_va[r0], end = fp_region_va[r1 - 1] + HUGE_SIZE;

	/* The destination range must be empty, as in fork: clear it first. */
	for (unsigned r = r0; r < r1; r++)
		fp_region_clear(dst, r);
	int rc = pt_copy_range(fp.root[dst], fp.root[src], start, end, fp_copy_leaf, &c);
	/* The iterator leaves flushing to its caller, as fork does. */
	if (wrprotect)
		sim_tlb_flush_range(fp.root[src], start, end);
	fp_result("pt_copy_range", rc, 0);
	/* Leaves come in ascending order; the first c.copied of them were handled. */
	uint64_t n = 0;
	for (unsigned r = r0; r < r1; r++) {
		struct fp_region *sr = &fp.r[src][r], *dr = &fp.r[dst][r];
		if (sr->huge) {
			/* An occupied slot (here: a table where the 2 MiB leaf
			 * would go) is left alone and fn is not asked. */
			if (dr->has_table)
				continue;
			if (n++ < c.copied) {
				if (wrprotect)
					sr->huge_entry &= ~PTE_RW;
				dr->huge = true;
				dr->huge_entry = sr->huge_entry;
			}
			continue;
		}
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			if (!sr->e[i] || n++ >= c.copied)
				continue;
			if (wrprotect)
				sr->e[i] &= ~PTE_RW;
			dr->e[i] = sr->e[i];
			dr->has_table = true;
		}
	}
	FUZZ_EXPECT(c.copied <= n && (rc != 0 || n == c.copied),
		    "pt_copy_range returned %d after calling fn %llu times for %llu leaves", rc,
		    (unsigned long long)c.copied, (unsigned long long)n);
	/* Tables may exist in dst for leaves never installed after ENOMEM: resync. */
	for (unsigned r = r0; r < r1; r++)
		if (!fp.r[dst][r].huge && !pt_pd_entry_is_empty(fp.root[dst], fp_region_va[r]))
			fp.r[dst][r].has_table = true;
}

/* Free empty tables under regions [r0, r1); a region's table goes when empty. */
static void fp_free_empty(unsigned s, unsigned r0, unsigned r1)
{
	pt_free_empty(fp.root[s], fp_region_va[r0], fp_region_va[r1 - 1] + HUGE_SIZE);
	for (unsigned r = r0; r < r1; r++)
		if (fp_region_empty(&fp.r[s][r]))
			fp.r[s][r].has_table = false;
}

static bool pt_step(struct fuzz_input *in)
{
	uint8_t op = fuzz_u8(in), a = fuzz_u8(in);
	unsigned s = a & 1, r = (a >> 1) % FP_REGIONS;

	if (fuzz_input_done(in))
		return false;
	switch (op % 12) {
	case 0: case 1: case 2: {
		unsigned idx = fuzz_below(in, PT_ENTRIES);
		fp_map(s, r, idx, fuzz_u16(in), fp_flags(in));
		break;
	}
	case 3:
		fp_unmap(s, r, fuzz_below(in, PT_ENTRIES));
		break;
	case 4:
		fp_map_huge(s, r, fuzz_u8(in), fp_flags(in));
		break;
	case 5:
		fp_unmap_huge(s, r);
		break;
	case 6:
		fp_split(s, r, fuzz_below(in, PT_ENTRIES));
		break;
	case 7: {
		unsigned idx = fuzz_below(in, PT_ENTRIES);
		unsigned n = fuzz_u8(in) & 1 ? PT_ENTRIES : fuzz_below(in, PT_ENTRIES + 1);
		pte_t set = fp_flags(in);
		fp_protect(s, r, idx, n, set, fp_flags(in) & ~set);
		break;
	}
	case 8: {
		unsigned idx = fuzz_below(in, PT_ENTRIES), n = 1 + fuzz_u8(in) % 64;
		uint64_t skip = fuzz_u32(in);
		fp_map_batch(s, r, idx, n, skip | skip << 32, fuzz_u16(in), fp_flags(in));
		break;
	}
	case 9: {
		unsigned r1 = r + 1 + fuzz_u8(in) % (FP_REGIONS - r);
		fp_copy_range(s, r, r1, fuzz_u8(in) & 1);
		break;
	}
	case 10: {
		unsigned r1 = r + 1 + fuzz_u8(in) % (FP_REGIONS - r);
		fp_free_empty(s, r, r1);
		break;
	}
	case 11:
		sim_fail_countdown = 1 + fuzz_u8(in) % 4;
		fp.inject = true;
		break;
	}
	if (op % 12 != 11 && sim_fail_countdown == 0)
		fp.inject = false;
	for (unsigned i = 0; i < FP_SPACES; i++)
		pt_check(fp.root[i], NULL);
	fp_check_tlb();
	if (++fp.steps % 8 == 0)
		fp_check_all();
	return true;
}

/* Remove every leaf, free the tables and the roots; nothing may leak. */
static void fp_teardown(uint64_t free_before)
{
	sim_fail_countdown = 0;
	fp.inject = false;
	fp_check_all();
	for (unsigned s = 0; s < FP_SPACES; s++) {
		for (unsigned r = 0; r < FP_REGIONS; r++)
			fp_region_clear(s, r);
		pt_free_empty(fp.root[s], 0, USER_VA_END);
		pt_check(fp.root[s], NULL);
		pt_destroy(fp.root[s]);
		sim_tlb_flush_all(fp.root[s]);
	}
	for (unsigned b = 0; b < FP_DATA_BLOCKS; b++)
		buddy_free(fp.data_pg[b], HUGE_ORDER);
	buddy_check();
	FUZZ_EXPECT(buddy_free_pages() == free_before, "%lld frames leaked by the page tables",
		    (long long)(free_before - buddy_free_pages()));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	uint64_t free_before;

	fuzz_machine_reset(FP_MEM, true);
	memset(&fp, 0, sizeof(fp));
	memset(fp_tlb, 0, sizeof(fp_tlb));
	free_before = buddy_free_pages();
	for (unsigned b = 0; b < FP_DATA_BLOCKS; b++) {
		fp.data_pg[b] = buddy_alloc(HUGE_ORDER);
		fp.data_pfn[b] = page_to_pfn(fp.data_pg[b]);
	}
	for (unsigned s = 0; s < FP_SPACES; s++)
		FUZZ_EXPECT(pt_create(&fp.root[s]) == 0, "pt_create failed");
	fuzz_input_init(&in, data, size);
	while (pt_step(&in))
		;
	fp_teardown(free_before);
	return 0;
}
