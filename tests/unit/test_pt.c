/*
 * tests/unit/test_pt.c - the x86-64 page-table layer: translations through
 * 4 KiB and 2 MiB leaves, split, protect, batch map, the leaf iterator,
 * copy for fork, freeing empty tables, TLB flushes seen through the
 * simulator's software TLB, all-or-nothing ENOMEM at every allocation
 * point, and a seeded random run against a model of the translations.
 *
 * pt never looks at the frames it maps, so leaves here carry made-up PFNs.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "mmcore/buddy.h"
#include "mmcore/pt.h"
#include "sim_phys.h"
#include "sim_tlb.h"

#define MACHINE_BYTES (64ull << 20)
#define GIB (1ull << 30)
#define FL (PTE_RW | PTE_US)
/* The bits pt_protect may change. */
#define PROT_BITS (PTE_FLAGS_MASK & ~PTE_PS)
/* Leaf flag bits of an entry, without P (implied by the map calls). */
#define LEAF_FLAGS(e) ((e) & PTE_FLAGS_MASK & ~(PTE_P | PTE_PS))

static uint64_t free_at_start;

static void machine_up(void)
{
	cr_assert_eq(sim_phys_init(MACHINE_BYTES), 0);
	sim_tlb_reset();
	free_at_start = buddy_free_pages();
}

static void machine_down(void)
{
	sim_fail_countdown = 0;
	sim_fail_every = 0;
	sim_phys_fini();
}

TestSuite(pt, .init = machine_up, .fini = machine_down);

/* ---- helpers ------------------------------------------------------------- */

static uint64_t new_root(void)
{
	uint64_t root;
	cr_assert_eq(pt_create(&root), 0);
	return root;
}

static int clear_leaf(void *ctx, uint64_t va, pte_t *entry, int level, struct page *table)
{
	(void)ctx; (void)va; (void)level;
	pt_entry_clear(table, entry);
	return 0;
}

/* Remove every leaf, free the tables and the root; all pages must be back. */
static void teardown_root(uint64_t root)
{
	cr_assert_eq(pt_for_each_leaf(root, 0, USER_VA_END, clear_leaf, NULL), 0);
	pt_check(root, NULL);
	pt_destroy(root);
}

static uint64_t tables_total(uint64_t root)
{
	uint64_t c[5];
	pt_count_tables(root, c);
	return c[1] + c[2] + c[3] + c[4];
}

/* Expect va to translate to pfn with exactly these leaf flags at level. */
static void expect_maps(uint64_t root, uint64_t va, uint64_t pfn, pte_t flags, int level)
{
	struct pt_lookup lk;
	cr_assert_eq(pt_lookup(root, va, &lk), 0, "va %#llx not mapped", (unsigned long long)va);
	cr_assert_eq(lk.pfn, pfn, "va %#llx: pfn %#llx, expected %#llx", (unsigned long long)va,
		     (unsigned long long)lk.pfn, (unsigned long long)pfn);
	cr_assert_eq(LEAF_FLAGS(lk.entry), flags & ~(PTE_P | PTE_PS),
		     "va %#llx: flags %#llx", (unsigned long long)va,
		     (unsigned long long)LEAF_FLAGS(lk.entry));
	cr_assert_eq(lk.level, level, "va %#llx: level %d", (unsigned long long)va, lk.level);
}

static void expect_unmapped(uint64_t root, uint64_t va)
{
	struct pt_lookup lk;
	cr_assert_eq(pt_lookup(root, va, &lk), -MM_ENOENT, "va %#llx mapped",
		     (unsigned long long)va);
}

/* Put a 4 KiB translation for va into the software TLB, as the MMU would. */
static void tlb_plant(uint64_t root, uint64_t va)
{
	*sim_tlb_slot(va) = (struct sim_tlb_entry){ .root_pfn = root, .vpn = va >> 12 };
}

static bool tlb_holds(uint64_t root, uint64_t va)
{
	struct sim_tlb_entry *e = sim_tlb_slot(va);
	return e->root_pfn == root && e->vpn == va >> 12;
}

/* The same for a 2 MiB translation. */
static void tlb_plant_huge(uint64_t root, uint64_t va)
{
	*sim_tlb_huge_slot(va) = (struct sim_tlb_entry){ .root_pfn = root, .vpn = va >> 21 };
}

static bool tlb_holds_huge(uint64_t root, uint64_t va)
{
	struct sim_tlb_entry *e = sim_tlb_huge_slot(va);
	return e->root_pfn == root && e->vpn == va >> 21;
}

/* A snapshot of every leaf of an address space, in iteration order. */
struct leaf_rec {
	uint64_t va;
	pte_t entry;
	int level;
};

struct snap {
	struct leaf_rec *v;
	size_t n, cap;
};

static int snap_leaf(void *ctx, uint64_t va, pte_t *entry, int level, struct page *table)
{
	struct snap *s = ctx;
	(void)table;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		cr_assert(s->v);
	}
	s->v[s->n++] = (struct leaf_rec){ va, *entry, level };
	return 0;
}

static struct snap snap_range(uint64_t root, uint64_t start, uint64_t end)
{
	struct snap s = { 0 };
	cr_assert_eq(pt_for_each_leaf(root, start, end, snap_leaf, &s), 0);
	return s;
}

static struct snap snap_take(uint64_t root)
{
	return snap_range(root, 0, USER_VA_END);
}

static void snap_expect_equal(const struct snap *a, const struct snap *b, const char *what)
{
	cr_assert_eq(a->n, b->n, "%s: %zu leaves, expected %zu", what, b->n, a->n);
	for (size_t i = 0; i < a->n; i++)
		cr_assert(a->v[i].va == b->v[i].va && a->v[i].entry == b->v[i].entry &&
			  a->v[i].level == b->v[i].level,
			  "%s: leaf %zu differs (va %#llx)", what, i, (unsigned long long)a->v[i].va);
}

/*
 * Run op with allocation failure injected at call 1, 2, 3, ... until it
 * returns something other than -MM_ENOMEM. After every failure the tables
 * of every root must check, hold the same leaves, and the allocator must
 * have its pages back. Returns the number of failed attempts; the final
 * result goes to *result.
 */
typedef int (*op_fn)(void *arg);

static unsigned inject_until_success(op_fn op, void *arg, const uint64_t *roots,
				     unsigned nroots, int *result)
{
	for (unsigned k = 1;; k++) {
		struct snap before[2], after;
		uint64_t free0 = buddy_free_pages();
		int r;

		cr_assert(nroots <= 2);
		cr_assert(k < 64, "operation never succeeded");
		for (unsigned i = 0; i < nroots; i++)
			before[i] = snap_take(roots[i]);
		sim_fail_countdown = k;
		r = op(arg);
		sim_fail_countdown = 0;
		if (r != -MM_ENOMEM) {
			for (unsigned i = 0; i < nroots; i++)
				free(before[i].v);
			*result = r;
			return k - 1;
		}
		for (unsigned i = 0; i < nroots; i++) {
			pt_check(roots[i], NULL);
			after = snap_take(roots[i]);
			snap_expect_equal(&before[i], &after, "after ENOMEM");
			free(after.v);
			free(before[i].v);
		}
		cr_assert_eq(buddy_free_pages(), free0, "failure %u leaked %lld pages", k,
			     (long long)(free0 - buddy_free_pages()));
	}
}

/* ---- create, map, lookup, unmap ---------------------------------------------- */

Test(pt, create_and_destroy_return_every_page)
{
	uint64_t root = new_root(), c[5];

	pt_count_tables(root, c);
	cr_expect_eq(c[4], 1);
	cr_expect_eq(c[3] + c[2] + c[1], 0);
	cr_expect_eq(buddy_free_pages(), free_at_start - 1);
	pt_check(root, NULL);
	pt_destroy(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, map_lookup_unmap_4k)
{
	uint64_t root = new_root(), c[5];
	uint64_t vas[] = { 0x1000, 0x1fff000, 0x200000, GIB - 0x1000, GIB, 512 * GIB + 0x5000,
			   USER_VA_END - 0x1000 };
	pte_t old;

	for (unsigned i = 0; i < 7; i++)
		cr_assert_eq(pt_map(root, vas[i], 0x1234 + i, FL | (i & 1 ? PTE_NX : 0)), 0);
	for (unsigned i = 0; i < 7; i++) {
		expect_maps(root, vas[i], 0x1234 + i, FL | (i & 1 ? PTE_NX : 0), 1);
		expect_maps(root, vas[i] + 0xabc, 0x1234 + i, FL | (i & 1 ? PTE_NX : 0), 1);
	}
	expect_unmapped(root, 0x2000);
	expect_unmapped(root, 2 * GIB);
	/* Tables: PML4; PDPTs for PML4 slots 0, 1, 255; PDs for GiB 0, 1, 512
	 * and the last; PTs for 2 MiB regions 0, 1, 15, 511, GiB 1, 512 GiB, last. */
	pt_count_tables(root, c);
	cr_expect_eq(c[4], 1);
	cr_expect_eq(c[3], 3);
	cr_expect_eq(c[2], 4);
	cr_expect_eq(c[1], 7);
	pt_check(root, NULL);

	cr_expect_eq(pt_map(root, vas[0], 0x9999, FL), -MM_EEXIST);
	expect_maps(root, vas[0], 0x1234, FL, 1);
	cr_assert_eq(pt_unmap(root, vas[3], &old), 0);
	cr_expect_eq(pte_pfn(old), 0x1234 + 3);
	cr_expect(old & PTE_NX);
	cr_expect(old & PTE_P);
	expect_unmapped(root, vas[3]);
	cr_expect_eq(pt_unmap(root, vas[3], NULL), -MM_ENOENT);
	cr_expect_eq(pt_unmap(root, 3 * GIB, NULL), -MM_ENOENT);
	/* Unmapping keeps the empty table. */
	cr_expect_eq(tables_total(root), 15);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, entries_are_hardware_format)
{
	uint64_t root = new_root();
	uint64_t top = (1ull << 40) - 1; /* highest frame of a 52-bit address */
	struct pt_lookup lk;
	struct page *t;
	int err;

	cr_assert_eq(pt_map(root, 0x7000, top, FL | PTE_NX | PTE_G), 0);
	cr_assert_eq(pt_lookup(root, 0x7000, &lk), 0);
	cr_expect_eq(lk.pfn, top);
	cr_expect_eq(lk.entry, (top << 12) | PTE_P | PTE_RW | PTE_US | PTE_NX | PTE_G);
	/* Tables above the leaf are P|RW|US, nothing else. */
	for (int level = 4; level >= 2; level--) {
		pte_t *e = pt_walk(root, 0x7000, level, false, &t, &err);
		cr_assert_not_null(e);
		cr_expect_eq(err, 0);
		cr_expect_eq(*e & PTE_FLAGS_MASK, PTE_P | PTE_RW | PTE_US, "level %d", level);
		cr_expect(pfn_to_page(pte_pfn(*e))->flags & PG_PAGETABLE);
		cr_expect_eq(pfn_to_page(pte_pfn(*e))->pt_level, level - 1);
		cr_expect_eq(t->pt_level, level);
	}
	cr_expect_eq(pt_map(root, 0x8000, 1ull << 40, FL), -MM_EINVAL);
	cr_expect_eq(pt_map(root, 0x0000800000000000ull, 1, FL), -MM_EINVAL);
	cr_expect_eq(pt_lookup(root, 0x0000900000000000ull, &lk), -MM_EINVAL);
	cr_expect_eq(pt_lookup(root, 0xffff800000001000ull, &lk), -MM_ENOENT);
	cr_expect_null(pt_walk(root, 0x7000, 0, false, NULL, &err));
	cr_expect_eq(err, -MM_EINVAL);
	cr_expect_null(pt_walk(root, 0x40000000, 1, false, NULL, &err));
	cr_expect_eq(err, -MM_ENOENT);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, walk_alloc_creates_the_path_and_nothing_else)
{
	uint64_t root = new_root(), c[5];
	struct page *t;
	int err;
	pte_t *e = pt_walk(root, 3 * GIB, 2, true, &t, &err);

	cr_assert_not_null(e);
	cr_expect_eq(*e, 0);
	cr_expect_eq(t->pt_level, 2);
	pt_count_tables(root, c);
	cr_expect(c[4] == 1 && c[3] == 1 && c[2] == 1 && c[1] == 0);
	pt_entry_set(t, e, pte_mk(0x400, FL | PTE_P | PTE_PS));
	cr_expect_eq(t->pt_used, 1);
	cr_expect_null(pt_walk(root, 3 * GIB + 0x5000, 1, true, NULL, &err));
	cr_expect_eq(err, -MM_EEXIST);
	expect_maps(root, 3 * GIB + 0x5000, 0x405, FL, 2);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, unmap_flushes_the_tlb)
{
	uint64_t root = new_root();

	cr_assert_eq(pt_map(root, 0x30000, 5, FL), 0);
	tlb_plant(root, 0x30000);
	tlb_plant(root + 1, 0x31000);
	cr_assert_eq(pt_unmap(root, 0x30000, NULL), 0);
	cr_expect_not(tlb_holds(root, 0x30000));
	cr_expect(tlb_holds(root + 1, 0x31000), "flush hit another address space");
	teardown_root(root);
}

Test(pt, allocator_exhaustion_is_enomem)
{
	uint64_t root, free0;
	struct page *held = NULL, *pg;

	/* A small machine: emptying it page by page stays cheap under Valgrind. */
	cr_assert_eq(sim_phys_init(4ull << 20), 0);
	free_at_start = buddy_free_pages();
	root = new_root();

	while ((pg = buddy_alloc(0)) != NULL) {
		pg->buddy.next = held;
		held = pg;
	}
	free0 = buddy_free_pages();
	cr_expect_eq(pt_map(root, 0x1000, 1, FL), -MM_ENOMEM);
	cr_expect_eq(pt_map_huge(root, 0, 512, FL), -MM_ENOMEM);
	cr_expect_eq(buddy_free_pages(), free0);
	cr_expect_eq(tables_total(root), 1);
	while (held) {
		pg = held;
		held = pg->buddy.next;
		buddy_free(pg, 0);
	}
	cr_expect_eq(pt_map(root, 0x1000, 1, FL), 0);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

/* ---- 2 MiB pages --------------------------------------------------------------- */

Test(pt, lookup_through_a_huge_page_gives_each_frame)
{
	uint64_t root = new_root(), va = 5 * GIB + 4 * HUGE_SIZE, base = 0x80000;
	pte_t old;

	cr_assert(pt_pd_entry_is_empty(root, va));
	cr_assert_eq(pt_map_huge(root, va, base, FL | PTE_NX), 0);
	cr_expect_not(pt_pd_entry_is_empty(root, va));
	for (unsigned i = 0; i < HUGE_NR_PAGES; i++)
		expect_maps(root, va + i * PAGE_SIZE + (i * 8 & 0xfff), base + i, FL | PTE_NX, 2);
	expect_unmapped(root, va - PAGE_SIZE);
	expect_unmapped(root, va + HUGE_SIZE);
	/* A 4 KiB page cannot go under or over it. */
	cr_expect_eq(pt_map(root, va + 0x3000, 7, FL), -MM_EEXIST);
	cr_expect_eq(pt_unmap(root, va + 0x3000, NULL), -MM_EEXIST);
	cr_expect_eq(pt_map_huge(root, va, base + 512, FL), -MM_EEXIST);
	cr_expect_eq(tables_total(root), 3);

	tlb_plant_huge(root, va + 0x7000);
	cr_assert_eq(pt_unmap_huge(root, va + 0x12345, &old), 0);
	cr_expect_not(tlb_holds_huge(root, va + 0x7000));
	cr_expect_eq(pte_huge_pfn(old), base);
	cr_expect(pte_huge(old));
	expect_unmapped(root, va);
	cr_expect_eq(pt_unmap_huge(root, va, NULL), -MM_ENOENT);
	cr_expect(pt_pd_entry_is_empty(root, va));
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, map_huge_needs_an_empty_pd_entry)
{
	uint64_t root = new_root();

	cr_assert_eq(pt_map(root, HUGE_SIZE + 0x1000, 9, FL), 0);
	cr_assert_eq(pt_unmap(root, HUGE_SIZE + 0x1000, NULL), 0);
	/* The empty page table still hangs off the PD entry. */
	cr_expect_not(pt_pd_entry_is_empty(root, HUGE_SIZE));
	cr_expect_eq(pt_map_huge(root, HUGE_SIZE, 512, FL), -MM_EEXIST);
	pt_free_empty(root, HUGE_SIZE, 2 * HUGE_SIZE);
	cr_expect(pt_pd_entry_is_empty(root, HUGE_SIZE));
	cr_expect_eq(pt_map_huge(root, HUGE_SIZE, 512, FL), 0);
	cr_expect_eq(pt_unmap_huge(root, HUGE_SIZE + 0x1000, NULL), 0);

	cr_expect_eq(pt_map_huge(root, HUGE_SIZE + 0x1000, 512, FL), -MM_EINVAL);
	cr_expect_eq(pt_map_huge(root, HUGE_SIZE, 513, FL), -MM_EINVAL);
	cr_expect_eq(pt_map_huge(root, 0x0000800000000000ull, 512, FL), -MM_EINVAL);
	cr_expect_not(pt_pd_entry_is_empty(root, 0x0000800000000000ull));
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, split_preserves_every_translation)
{
	uint64_t root = new_root(), va = 2 * GIB - HUGE_SIZE, base = 0x3fe00;
	pte_t flags = PTE_RW | PTE_US | PTE_NX | PTE_G | PTE_A | PTE_D | PTE_PWT;
	uint64_t c[5];

	cr_assert_eq(pt_map_huge(root, va, base, flags), 0);
	tlb_plant_huge(root, va + 77 * PAGE_SIZE);
	cr_assert_eq(pt_split_huge(root, va + 0x1ff000), 0);
	cr_expect_not(tlb_holds_huge(root, va + 77 * PAGE_SIZE), "split did not flush");
	for (unsigned i = 0; i < HUGE_NR_PAGES; i++) {
		struct pt_lookup lk;
		cr_assert_eq(pt_lookup(root, va + i * PAGE_SIZE, &lk), 0);
		cr_assert_eq(lk.level, 1);
		cr_assert_eq(lk.pfn, base + i);
		cr_assert_eq(lk.entry & PTE_FLAGS_MASK, flags | PTE_P, "page %u", i);
	}
	pt_count_tables(root, c);
	cr_expect_eq(c[1], 1);
	cr_expect_eq(pfn_to_page(pte_pfn(*pt_walk(root, va, 2, false, NULL, NULL)))->pt_used, 512);
	cr_expect_eq(pt_split_huge(root, va), -MM_ENOENT);
	cr_expect_eq(pt_split_huge(root, va + HUGE_SIZE), -MM_ENOENT);
	pt_check(root, NULL);
	/* The split leaves are ordinary 4 KiB leaves. */
	cr_expect_eq(pt_unmap(root, va + 5 * PAGE_SIZE, NULL), 0);
	expect_unmapped(root, va + 5 * PAGE_SIZE);
	expect_maps(root, va + 6 * PAGE_SIZE, base + 6, flags, 1);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

/* ---- protect --------------------------------------------------------------------- */

Test(pt, protect_changes_only_the_range)
{
	uint64_t root = new_root();

	for (unsigned i = 0; i < 600; i++)
		cr_assert_eq(pt_map(root, 0x100000 + i * PAGE_SIZE, 100 + i, FL), 0);
	tlb_plant(root, 0x100000 + 300 * PAGE_SIZE);
	cr_assert_eq(pt_protect(root, 0x100000 + 10 * PAGE_SIZE, 0x100000 + 510 * PAGE_SIZE,
				PTE_NX, PTE_RW), 0);
	cr_expect_not(tlb_holds(root, 0x100000 + 300 * PAGE_SIZE));
	for (unsigned i = 0; i < 600; i++) {
		bool in = i >= 10 && i < 510;
		expect_maps(root, 0x100000 + i * PAGE_SIZE, 100 + i, in ? PTE_US | PTE_NX : FL, 1);
	}
	/* The address and the page-size bit are not protect's to change. */
	cr_assert_eq(pt_protect(root, 0x100000, 0x101000, PTE_PS | (0x777ull << 12),
				PTE_ADDR_MASK), 0);
	expect_maps(root, 0x100000, 100, FL, 1);
	cr_expect_eq(pt_protect(root, 0x200000, 0x100000, 0, PTE_RW), -MM_EINVAL);
	cr_expect_eq(pt_protect(root, 0, USER_VA_END + PAGE_SIZE, 0, PTE_RW), -MM_EINVAL);
	pt_check(root, NULL);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, protect_splits_partly_covered_huge_pages)
{
	uint64_t root = new_root(), h = 4 * GIB, c[5];

	/* Three huge pages; the range starts inside the first and ends inside the third. */
	for (unsigned i = 0; i < 3; i++)
		cr_assert_eq(pt_map_huge(root, h + i * HUGE_SIZE, 0x10000 + i * 512, FL), 0);
	cr_assert_eq(pt_protect(root, h + 100 * PAGE_SIZE, h + 2 * HUGE_SIZE + 7 * PAGE_SIZE,
				0, PTE_RW), 0);
	pt_count_tables(root, c);
	cr_expect_eq(c[1], 2, "exactly the two edge pages are split");
	for (unsigned i = 0; i < 3 * HUGE_NR_PAGES; i++) {
		uint64_t va = h + i * PAGE_SIZE;
		bool in = i >= 100 && i < 2 * HUGE_NR_PAGES + 7;
		int level = i / HUGE_NR_PAGES == 1 ? 2 : 1;
		expect_maps(root, va, 0x10000 + i, in ? PTE_US : FL, level);
	}
	/* A range inside one huge page splits it once. */
	cr_assert_eq(pt_map_huge(root, h + 3 * HUGE_SIZE, 0x20000, FL), 0);
	cr_assert_eq(pt_protect(root, h + 3 * HUGE_SIZE + 0x5000, h + 3 * HUGE_SIZE + 0x9000,
				PTE_NX, 0), 0);
	pt_count_tables(root, c);
	cr_expect_eq(c[1], 3);
	expect_maps(root, h + 3 * HUGE_SIZE + 0x4000, 0x20004, FL, 1);
	expect_maps(root, h + 3 * HUGE_SIZE + 0x5000, 0x20005, FL | PTE_NX, 1);
	expect_maps(root, h + 3 * HUGE_SIZE + 0x8000, 0x20008, FL | PTE_NX, 1);
	expect_maps(root, h + 3 * HUGE_SIZE + 0x9000, 0x20009, FL, 1);
	/* A fully covered huge page stays huge. */
	cr_assert_eq(pt_map_huge(root, h + 5 * HUGE_SIZE, 0x30000, FL), 0);
	cr_assert_eq(pt_protect(root, h + 5 * HUGE_SIZE, h + 6 * HUGE_SIZE, 0, PTE_RW), 0);
	expect_maps(root, h + 5 * HUGE_SIZE + 0x3000, 0x30003, PTE_US, 2);
	pt_check(root, NULL);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, protect_none_round_trip_keeps_the_frames)
{
	uint64_t root = new_root();
	struct snap s;

	cr_assert_eq(pt_map(root, 0x5000, 55, FL), 0);
	cr_assert_eq(pt_map_huge(root, HUGE_SIZE, 1024, FL), 0);
	cr_assert_eq(pt_protect(root, 0, 2 * HUGE_SIZE, 0, PTE_P | PTE_RW), 0);
	expect_unmapped(root, 0x5000);
	expect_unmapped(root, HUGE_SIZE + 0x5000);
	/* Non-present leaves are still leaves to the iterator. */
	s = snap_take(root);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.v[0].entry, pte_mk(55, PTE_US));
	cr_expect_eq(s.v[1].entry, pte_mk(1024, PTE_US | PTE_PS));
	free(s.v);
	cr_assert_eq(pt_protect(root, 0, 2 * HUGE_SIZE, PTE_P | PTE_RW, 0), 0);
	expect_maps(root, 0x5000, 55, FL, 1);
	expect_maps(root, HUGE_SIZE + 0x5000, 1029, FL, 2);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

/* ---- batch map --------------------------------------------------------------------- */

Test(pt, batch_map_crosses_tables_with_one_walk_per_table)
{
	uint64_t root = new_root(), va = GIB - 8 * PAGE_SIZE, c[5], walks;
	unsigned n = 8 + 512 + 9;
	uint64_t *pfns = calloc(n, sizeof(*pfns));
	int written;

	for (unsigned i = 0; i < n; i++)
		pfns[i] = i % 7 == 3 ? PT_BATCH_SKIP : 0x5000 + i;
	cr_assert_eq(pt_map(root, va + 4 * PAGE_SIZE, 0xdead, FL), 0); /* kept */
	written = pt_map_batch(root, va, pfns, n, FL | PTE_NX);
	cr_assert_gt(written, 0);
	{
		int expect = 0;
		for (unsigned i = 0; i < n; i++)
			expect += pfns[i] != PT_BATCH_SKIP && i != 4;
		cr_expect_eq(written, expect);
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t a = va + i * PAGE_SIZE;
		if (i == 4)
			expect_maps(root, a, 0xdead, FL, 1);
		else if (pfns[i] == PT_BATCH_SKIP)
			expect_unmapped(root, a);
		else
			expect_maps(root, a, pfns[i], FL | PTE_NX, 1);
	}
	expect_unmapped(root, va - PAGE_SIZE);
	expect_unmapped(root, va + n * PAGE_SIZE);
	pt_count_tables(root, c);
	cr_expect(c[1] == 3 && c[2] == 2 && c[3] == 1);
	pt_check(root, NULL);

	/* With the three page tables in place: one walk each, none per page. */
	for (unsigned i = 0; i < n; i++)
		if (pfns[i] != PT_BATCH_SKIP && i != 4)
			cr_assert_eq(pt_unmap(root, va + i * PAGE_SIZE, NULL), 0);
	walks = pt_stat_walks;
	cr_expect_eq(pt_map_batch(root, va, pfns, n, FL), written);
	cr_expect_eq(pt_stat_walks - walks, 3, "%llu walks for 3 page tables",
		     (unsigned long long)(pt_stat_walks - walks));
	expect_maps(root, va + 9 * PAGE_SIZE, pfns[9], FL, 1);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
	free(pfns);
}

Test(pt, batch_map_long_run_and_edge_cases)
{
	uint64_t root = new_root(), va = 0x10000000 + 3 * PAGE_SIZE, walks;
	unsigned n = 20 * 512; /* more page tables than the batch remembers */
	uint64_t *pfns = malloc(n * sizeof(*pfns));
	uint64_t skip_all[4] = { PT_BATCH_SKIP, PT_BATCH_SKIP, PT_BATCH_SKIP, PT_BATCH_SKIP };
	uint64_t bad[2] = { 1, 1ull << 40 };

	for (unsigned i = 0; i < n; i++)
		pfns[i] = 0x7000 + i;
	walks = pt_stat_walks;
	cr_assert_eq(pt_map_batch(root, va, pfns, n, FL), (int)n);
	/* 21 page tables, each walked at most twice (count, then create). */
	cr_expect_leq(pt_stat_walks - walks, 2 * 21);
	for (unsigned i = 0; i < n; i += 37)
		expect_maps(root, va + i * PAGE_SIZE, 0x7000 + i, FL, 1);
	expect_maps(root, va + (n - 1) * PAGE_SIZE, 0x7000 + n - 1, FL, 1);
	cr_expect_eq(tables_total(root), 1 + 1 + 1 + 21);

	/* Nothing wanted: no tables made. */
	cr_expect_eq(pt_map_batch(root, 7 * GIB, skip_all, 4, FL), 0);
	cr_expect_eq(tables_total(root), 24);
	cr_expect_eq(pt_map_batch(root, 7 * GIB, bad, 2, FL), -MM_EINVAL);
	expect_unmapped(root, 7 * GIB);
	cr_expect_eq(pt_map_batch(root, USER_VA_END - PAGE_SIZE, bad, 2, FL), -MM_EINVAL);
	cr_expect_eq(pt_map_batch(root, 7 * GIB, pfns, 0, FL), 0);
	/* Pages under a 2 MiB leaf are skipped. */
	cr_assert_eq(pt_map_huge(root, 8 * GIB, 0x40000, FL), 0);
	cr_expect_eq(pt_map_batch(root, 8 * GIB - 2 * PAGE_SIZE, pfns, 4, FL), 2);
	expect_maps(root, 8 * GIB - PAGE_SIZE, 0x7001, FL, 1);
	expect_maps(root, 8 * GIB + PAGE_SIZE, 0x40001, FL, 2);
	pt_check(root, NULL);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
	free(pfns);
}

/* ---- iteration ------------------------------------------------------------------------ */

struct stop_ctx {
	unsigned seen, stop_at;
};

static int stop_after(void *arg, uint64_t va, pte_t *entry, int level, struct page *table)
{
	struct stop_ctx *c = arg;
	(void)va; (void)entry; (void)level; (void)table;
	return ++c->seen == c->stop_at ? 42 : 0;
}

Test(pt, for_each_leaf_visits_in_order_with_content)
{
	uint64_t root = new_root();
	/* Deliberately mapped out of order, across PML4, PDPT and PD boundaries. */
	struct leaf_rec want[] = {
		{ 0x3000, pte_mk(3, FL | PTE_P), 1 },
		{ HUGE_SIZE - PAGE_SIZE, pte_mk(4, FL | PTE_P), 1 },
		{ HUGE_SIZE, pte_mk(512, FL | PTE_P | PTE_PS), 2 },
		{ 2 * HUGE_SIZE, pte_mk(5, PTE_US | PTE_P), 1 },
		{ GIB, pte_mk(6, FL | PTE_P | PTE_NX), 1 },
		{ 512 * GIB - HUGE_SIZE, pte_mk(1024, FL | PTE_P | PTE_PS), 2 },
		{ 512 * GIB, pte_mk(7, FL | PTE_P), 1 },
	};
	unsigned order[] = { 6, 2, 0, 4, 5, 1, 3 };
	struct stop_ctx stop = { 0, 3 };
	struct snap s;

	for (unsigned k = 0; k < 7; k++) {
		struct leaf_rec *w = &want[order[k]];
		int r = w->level == 2 ? pt_map_huge(root, w->va, pte_huge_pfn(w->entry), w->entry)
				      : pt_map(root, w->va, pte_pfn(w->entry), w->entry);
		cr_assert_eq(r, 0);
	}
	s = snap_take(root);
	cr_assert_eq(s.n, 7);
	for (unsigned i = 0; i < 7; i++)
		cr_expect(s.v[i].va == want[i].va && s.v[i].entry == want[i].entry &&
			  s.v[i].level == want[i].level, "leaf %u: va %#llx", i,
			  (unsigned long long)s.v[i].va);
	free(s.v);
	/* A range starting inside a huge page reports it from its start. */
	s = snap_range(root, HUGE_SIZE + 0x5000, 2 * HUGE_SIZE + 1);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.v[0].va, HUGE_SIZE);
	cr_expect_eq(s.v[1].va, 2 * HUGE_SIZE);
	free(s.v);
	s = snap_range(root, 0x4000, HUGE_SIZE - PAGE_SIZE);
	cr_expect_eq(s.n, 0);
	free(s.v);
	cr_expect_eq(pt_for_each_leaf(root, 0, USER_VA_END, stop_after, &stop), 42);
	cr_expect_eq(stop.seen, 3);
	cr_expect_eq(pt_for_each_leaf(root, 0, USER_VA_END + 1, stop_after, &stop), -MM_EINVAL);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

/* ---- copy (fork) -------------------------------------------------------------------------- */

struct cow_ctx {
	unsigned calls;
	uint64_t skip_va; /* decline this leaf */
};

/* Write-protect the parent and give the child the same read-only entry. */
static pte_t cow_copy(void *arg, uint64_t va, pte_t *src, int level, struct page *table)
{
	struct cow_ctx *c = arg;
	(void)level;
	c->calls++;
	if (va == c->skip_va)
		return 0;
	pt_entry_set(table, src, pte_wrprotect(*src));
	return *src;
}

static void map_fork_source(uint64_t src)
{
	cr_assert_eq(pt_map(src, 0x400000, 11, FL), 0);
	cr_assert_eq(pt_map(src, 0x401000, 12, FL | PTE_NX), 0);
	cr_assert_eq(pt_map(src, 0x600000, 13, FL), 0);
	cr_assert_eq(pt_map_huge(src, 0x800000, 0x1000, FL), 0);
}

Test(pt, copy_range_copies_leaves_and_lets_fn_edit_the_source)
{
	uint64_t src = new_root(), dst = new_root();
	struct cow_ctx c = { 0, 0x600000 };
	struct snap s;

	map_fork_source(src);
	cr_assert_eq(pt_map(src, 2 * GIB, 14, FL), 0); /* outside the copied range */
	cr_assert_eq(pt_copy_range(dst, src, 0, GIB, cow_copy, &c), 0);
	cr_expect_eq(c.calls, 4);
	expect_maps(dst, 0x400000, 11, PTE_US, 1);
	expect_maps(dst, 0x401000, 12, PTE_US | PTE_NX, 1);
	expect_unmapped(dst, 0x600000);
	expect_maps(dst, 0x800000 + 0x3000, 0x1003, PTE_US, 2);
	expect_unmapped(dst, 2 * GIB);
	expect_maps(src, 0x400000, 11, PTE_US, 1);
	expect_maps(src, 0x600000, 13, FL, 1); /* declined: untouched */
	expect_maps(src, 0x801000, 0x1001, PTE_US, 2);
	expect_maps(src, 2 * GIB, 14, FL, 1);
	/* dst got tables only where a leaf was installed: one PT, no PT for 0x600000. */
	cr_expect_eq(tables_total(dst), 4);
	s = snap_take(dst);
	cr_expect_eq(s.n, 3);
	free(s.v);

	/* Occupied slots in dst are skipped without asking fn. */
	c.calls = 0;
	c.skip_va = ~0ull;
	cr_assert_eq(pt_copy_range(dst, src, 0, GIB, cow_copy, &c), 0);
	cr_expect_eq(c.calls, 1);
	expect_maps(dst, 0x600000, 13, PTE_US, 1);
	cr_expect_eq(pt_copy_range(src, src, 0, GIB, cow_copy, &c), -MM_EINVAL);
	pt_check(src, NULL);
	pt_check(dst, NULL);
	teardown_root(src);
	teardown_root(dst);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

/* ---- freeing empty tables ------------------------------------------------------------------- */

Test(pt, free_empty_frees_exactly_the_empty_tables)
{
	uint64_t root = new_root(), c[5], free0;

	cr_assert_eq(pt_map(root, 0x1000, 1, FL), 0);               /* PT A, stays */
	cr_assert_eq(pt_map(root, HUGE_SIZE + 0x1000, 2, FL), 0);   /* PT B, emptied */
	cr_assert_eq(pt_map(root, 3 * HUGE_SIZE, 3, FL), 0);        /* PT C, emptied, outside */
	cr_assert_eq(pt_map(root, GIB, 4, FL), 0);                  /* PD+PT under GiB 1, emptied */
	cr_assert_eq(pt_map_huge(root, 2 * GIB, 512, FL), 0);       /* PD with a huge leaf */
	cr_assert_eq(pt_map(root, 1024 * GIB, 5, FL), 0);           /* PDPT+PD+PT, emptied */
	cr_assert_eq(pt_unmap(root, HUGE_SIZE + 0x1000, NULL), 0);
	cr_assert_eq(pt_unmap(root, 3 * HUGE_SIZE, NULL), 0);
	cr_assert_eq(pt_unmap(root, GIB, NULL), 0);
	cr_assert_eq(pt_unmap(root, 1024 * GIB, NULL), 0);
	pt_count_tables(root, c);
	cr_assert(c[1] == 5 && c[2] == 4 && c[3] == 2, "%llu %llu %llu", (unsigned long long)c[1],
		  (unsigned long long)c[2], (unsigned long long)c[3]);

	/* Only B intersects [2M + 4K, 3M); its neighbours stay. */
	free0 = buddy_free_pages();
	tlb_plant(root, HUGE_SIZE + 0x9000);
	pt_free_empty(root, HUGE_SIZE + 0x1000, 3 * HUGE_SIZE / 2);
	cr_expect_eq(buddy_free_pages(), free0 + 1);
	cr_expect_not(tlb_holds(root, HUGE_SIZE + 0x9000));
	cr_expect(pt_pd_entry_is_empty(root, HUGE_SIZE));
	cr_expect_not(pt_pd_entry_is_empty(root, 3 * HUGE_SIZE));

	/* Whole user half: C, GiB 1's PT and PD, and the PDPT chain at 1 TiB go. */
	pt_free_empty(root, 0, USER_VA_END);
	cr_expect_eq(buddy_free_pages(), free0 + 1 + 1 + 2 + 3);
	pt_count_tables(root, c);
	cr_expect(c[4] == 1 && c[3] == 1 && c[2] == 2 && c[1] == 1);
	expect_maps(root, 0x1000, 1, FL, 1);
	expect_maps(root, 2 * GIB + 0x1000, 513, FL, 2);
	pt_check(root, NULL);
	pt_free_empty(root, 5, 3); /* bad range: nothing */
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

/* ---- ENOMEM at every allocation point ---------------------------------------------------------- */

struct op_args {
	uint64_t root, root2, va, pfn, end;
	const uint64_t *pfns;
	unsigned n;
	struct cow_ctx cow;
};

static int op_map(void *p)
{
	struct op_args *a = p;
	return pt_map(a->root, a->va, a->pfn, FL);
}

static int op_map_huge(void *p)
{
	struct op_args *a = p;
	return pt_map_huge(a->root, a->va, a->pfn, FL);
}

static int op_split(void *p)
{
	struct op_args *a = p;
	return pt_split_huge(a->root, a->va);
}

static int op_batch(void *p)
{
	struct op_args *a = p;
	return pt_map_batch(a->root, a->va, a->pfns, a->n, FL);
}

static int op_protect(void *p)
{
	struct op_args *a = p;
	return pt_protect(a->root, a->va, a->end, PTE_NX, PTE_RW);
}

static int op_copy(void *p)
{
	struct op_args *a = p;
	int r;
	a->cow.calls = 0;
	r = pt_copy_range(a->root2, a->root, a->va, a->end, cow_copy, &a->cow);
	if (r == -MM_ENOMEM)
		cr_assert_eq(a->cow.calls, 0, "copy called fn before failing");
	return r;
}

static int op_walk(void *p)
{
	struct op_args *a = p;
	int err;
	pt_walk(a->root, a->va, 1, true, NULL, &err);
	return err;
}

Test(pt, enomem_at_every_point_of_map_and_walk)
{
	struct op_args a = { .root = new_root(), .va = 3 * GIB + 0x5000, .pfn = 77 };
	int r;

	cr_expect_eq(inject_until_success(op_map, &a, &a.root, 1, &r), 3);
	cr_expect_eq(r, 0);
	expect_maps(a.root, a.va, 77, FL, 1);
	/* With the tables in place nothing is allocated. */
	a.va += PAGE_SIZE;
	cr_expect_eq(inject_until_success(op_map, &a, &a.root, 1, &r), 0);
	a.va = 600 * GIB;
	cr_expect_eq(inject_until_success(op_walk, &a, &a.root, 1, &r), 3);
	cr_expect_eq(r, 0);
	teardown_root(a.root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, enomem_at_every_point_of_map_huge_and_split)
{
	struct op_args a = { .root = new_root(), .va = 9 * GIB, .pfn = 0x8000 };
	int r;

	cr_expect_eq(inject_until_success(op_map_huge, &a, &a.root, 1, &r), 2);
	cr_expect_eq(r, 0);
	a.va += 0x42000;
	cr_expect_eq(inject_until_success(op_split, &a, &a.root, 1, &r), 1);
	cr_expect_eq(r, 0);
	for (unsigned i = 0; i < HUGE_NR_PAGES; i++)
		expect_maps(a.root, 9 * GIB + i * PAGE_SIZE, 0x8000 + i, FL, 1);
	teardown_root(a.root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, enomem_at_every_point_of_batch)
{
	unsigned n = 8 + 512 + 8;
	uint64_t *pfns = malloc(n * sizeof(*pfns));
	struct op_args a = { .root = new_root(), .va = GIB - 8 * PAGE_SIZE, .pfns = pfns, .n = n };
	int r;

	for (unsigned i = 0; i < n; i++)
		pfns[i] = 0x900 + i;
	/* PDPT, two PDs, three PTs. */
	cr_expect_eq(inject_until_success(op_batch, &a, &a.root, 1, &r), 6);
	cr_expect_eq(r, (int)n);
	for (unsigned i = 0; i < n; i++)
		expect_maps(a.root, a.va + i * PAGE_SIZE, 0x900 + i, FL, 1);
	teardown_root(a.root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
	free(pfns);
}

Test(pt, enomem_at_every_point_of_protect)
{
	struct op_args a = { .root = new_root(), .va = HUGE_SIZE + 0x3000,
			     .end = 3 * HUGE_SIZE + 0x3000 };
	int r;

	for (unsigned i = 1; i <= 3; i++)
		cr_assert_eq(pt_map_huge(a.root, i * HUGE_SIZE, i * 512, FL), 0);
	/* Two partly covered huge pages: two tables, both or neither. */
	cr_expect_eq(inject_until_success(op_protect, &a, &a.root, 1, &r), 2);
	cr_expect_eq(r, 0);
	expect_maps(a.root, HUGE_SIZE + 0x2000, 514, FL, 1);
	expect_maps(a.root, HUGE_SIZE + 0x3000, 515, PTE_US | PTE_NX, 1);
	expect_maps(a.root, 2 * HUGE_SIZE, 1024, PTE_US | PTE_NX, 2);
	expect_maps(a.root, 3 * HUGE_SIZE + 0x2000, 1538, PTE_US | PTE_NX, 1);
	expect_maps(a.root, 3 * HUGE_SIZE + 0x3000, 1539, FL, 1);
	teardown_root(a.root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

Test(pt, enomem_at_every_point_of_copy_and_create)
{
	struct op_args a = { .root = new_root(), .root2 = new_root(), .va = 0, .end = GIB,
			     .cow = { 0, ~0ull } };
	uint64_t roots[2];
	int r;

	map_fork_source(a.root);
	roots[0] = a.root;
	roots[1] = a.root2;
	/* dst needs a PDPT, a PD and the PTs for 0x400000 and 0x600000. */
	cr_expect_eq(inject_until_success(op_copy, &a, roots, 2, &r), 4);
	cr_expect_eq(r, 0);
	cr_expect_eq(a.cow.calls, 4);
	expect_maps(a.root2, 0x600000, 13, PTE_US, 1);
	expect_maps(a.root2, 0x9ff000, 0x11ff, PTE_US, 2);
	teardown_root(a.root);
	teardown_root(a.root2);

	sim_fail_countdown = 1;
	cr_expect_eq(pt_create(&a.root), -MM_ENOMEM);
	sim_fail_countdown = 0;
	cr_expect_eq(buddy_free_pages(), free_at_start);
}

/* ---- invariant checks catch damage ---------------------------------------------------------------- */

Test(pt, check_catches_a_wrong_pt_used, .signal = SIGABRT)
{
	uint64_t root = new_root();
	struct page *t;

	cr_assert_eq(pt_map(root, 0x1000, 1, FL), 0);
	cr_assert_not_null(pt_walk(root, 0x1000, 1, false, &t, NULL));
	t->pt_used++;
	pt_check(root, NULL);
}

Test(pt, destroy_refuses_live_leaves, .signal = SIGABRT)
{
	uint64_t root = new_root();

	cr_assert_eq(pt_map(root, 0x1000, 1, FL), 0);
	pt_destroy(root);
}

/* ---- random operations against a model --------------------------------------------------------- */

/*
 * The model covers two windows of 2 MiB regions: one straddling a PDPT
 * entry boundary (1 GiB), one straddling a PML4 entry boundary (512 GiB).
 * Each region is huge (one entry) or small (512 entries), and remembers
 * whether its page table exists, which decides pt_pd_entry_is_empty.
 */
#define WIN_REGIONS 4
#define NR_REGIONS (2 * WIN_REGIONS)

struct region {
	bool huge, has_pt;
	pte_t huge_entry;
	pte_t e[HUGE_NR_PAGES];
};

static struct region model[NR_REGIONS];
static const uint64_t win_start[2] = { GIB - 2 * HUGE_SIZE, 512 * GIB - 2 * HUGE_SIZE };

static uint64_t region_va(unsigned r)
{
	return win_start[r / WIN_REGIONS] + (uint64_t)(r % WIN_REGIONS) * HUGE_SIZE;
}

static uint64_t rng_state;
static bool injecting; /* allocation failure armed for the current op */

/* True for -MM_ENOMEM, which is only acceptable while a failure is armed. */
static bool enomem(int rc)
{
	if (rc == -MM_ENOMEM)
		cr_assert(injecting, "ENOMEM without an injected failure");
	return rc == -MM_ENOMEM;
}

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t rng_below(uint64_t n) { return rng_next() % n; }

static pte_t random_flags(void)
{
	static const pte_t bits[] = { PTE_RW, PTE_US, PTE_NX, PTE_A, PTE_D, PTE_G, PTE_SW0 };
	pte_t f = 0;
	for (unsigned i = 0; i < 7; i++)
		if (rng_below(2))
			f |= bits[i];
	return f;
}

static bool region_empty(const struct region *m)
{
	for (unsigned i = 0; i < HUGE_NR_PAGES; i++)
		if (m->e[i])
			return false;
	return true;
}

/* Compare the page tables of one window with the model. */
static void model_verify_window(uint64_t root, unsigned w)
{
	uint64_t start = win_start[w], end = start + WIN_REGIONS * HUGE_SIZE;
	struct snap s = snap_range(root, start, end);
	size_t k = 0;

	for (unsigned r = w * WIN_REGIONS; r < (w + 1) * WIN_REGIONS; r++) {
		struct region *m = &model[r];
		if (m->huge) {
			cr_assert(k < s.n && s.v[k].va == region_va(r) && s.v[k].level == 2 &&
				  s.v[k].entry == m->huge_entry, "region %u: huge leaf differs", r);
			k++;
			continue;
		}
		for (unsigned i = 0; i < HUGE_NR_PAGES; i++) {
			if (!m->e[i])
				continue;
			cr_assert(k < s.n && s.v[k].va == region_va(r) + i * PAGE_SIZE &&
				  s.v[k].level == 1 && s.v[k].entry == m->e[i],
				  "region %u page %u differs", r, i);
			k++;
		}
		cr_assert_eq(pt_pd_entry_is_empty(root, region_va(r)), !m->huge && !m->has_pt);
	}
	cr_assert_eq(k, s.n, "window %u: %zu leaves, model has %zu", w, s.n, k);
	free(s.v);
}

static void model_verify(uint64_t root, uint64_t tables_free_base)
{
	pt_check(root, NULL);
	model_verify_window(root, 0);
	model_verify_window(root, 1);
	/* Every page the allocator lost is a table of this address space. */
	cr_assert_eq(tables_free_base - buddy_free_pages(), tables_total(root));
	for (unsigned k = 0; k < 16; k++) {
		unsigned r = (unsigned)rng_below(NR_REGIONS), i = (unsigned)rng_below(HUGE_NR_PAGES);
		pte_t e = model[r].huge ? model[r].huge_entry : model[r].e[i];
		struct pt_lookup lk;
		int rc = pt_lookup(root, region_va(r) + i * PAGE_SIZE, &lk);
		if (!(e & PTE_P)) {
			cr_assert_eq(rc, -MM_ENOENT);
			continue;
		}
		cr_assert_eq(rc, 0);
		cr_assert_eq(lk.pfn, model[r].huge ? pte_huge_pfn(e) + i : pte_pfn(e));
	}
}

/* A random page address in the windows: region r, page i. */
static void random_page(unsigned *r, unsigned *i)
{
	*r = (unsigned)rng_below(NR_REGIONS);
	*i = (unsigned)rng_below(HUGE_NR_PAGES);
}

static void model_split(struct region *m)
{
	pte_t flags = m->huge_entry & PTE_FLAGS_MASK & ~PTE_PS;
	for (unsigned i = 0; i < HUGE_NR_PAGES; i++)
		m->e[i] = pte_mk(pte_huge_pfn(m->huge_entry) + i, flags);
	m->huge = false;
	m->has_pt = true;
}

static void rand_map(uint64_t root)
{
	unsigned r, i;
	uint64_t pfn = rng_below(1ull << 40);
	pte_t f = random_flags();
	int rc, want;

	random_page(&r, &i);
	rc = pt_map(root, region_va(r) + i * PAGE_SIZE, pfn, f);
	want = model[r].huge || model[r].e[i] ? -MM_EEXIST : 0;
	if (enomem(rc))
		return;
	cr_assert_eq(rc, want);
	if (rc == 0) {
		model[r].e[i] = pte_mk(pfn, f | PTE_P);
		model[r].has_pt = true;
	}
}

static void rand_unmap(uint64_t root)
{
	unsigned r, i;
	pte_t old;
	int rc, want;

	random_page(&r, &i);
	rc = pt_unmap(root, region_va(r) + i * PAGE_SIZE, &old);
	want = model[r].huge ? -MM_EEXIST : model[r].e[i] ? 0 : -MM_ENOENT;
	cr_assert_eq(rc, want);
	if (rc == 0) {
		cr_assert_eq(old, model[r].e[i]);
		model[r].e[i] = 0;
	}
}

static void rand_map_huge(uint64_t root)
{
	unsigned r = (unsigned)rng_below(NR_REGIONS);
	uint64_t pfn = rng_below(1ull << 31) * HUGE_NR_PAGES;
	pte_t f = random_flags();
	int rc = pt_map_huge(root, region_va(r), pfn, f);

	if (enomem(rc))
		return;
	cr_assert_eq(rc, model[r].huge || model[r].has_pt ? -MM_EEXIST : 0);
	if (rc == 0) {
		model[r].huge = true;
		model[r].huge_entry = pte_mk(pfn, f | PTE_P | PTE_PS);
	}
}

static void rand_unmap_huge(uint64_t root)
{
	unsigned r = (unsigned)rng_below(NR_REGIONS);
	int rc = pt_unmap_huge(root, region_va(r) + rng_below(HUGE_SIZE), NULL);

	cr_assert_eq(rc, model[r].huge ? 0 : -MM_ENOENT);
	model[r].huge = false;
}

static void rand_split(uint64_t root)
{
	unsigned r = (unsigned)rng_below(NR_REGIONS);
	int rc = pt_split_huge(root, region_va(r) + rng_below(HUGE_SIZE));

	if (enomem(rc))
		return;
	cr_assert_eq(rc, model[r].huge ? 0 : -MM_ENOENT);
	if (rc == 0)
		model_split(&model[r]);
}

/* A random page range inside one window: regions [r0, ...), pages [p0, p1). */
static void random_range(unsigned *w, uint64_t *p0, uint64_t *p1)
{
	uint64_t pages = WIN_REGIONS * HUGE_NR_PAGES;
	*w = (unsigned)rng_below(2);
	*p0 = rng_below(pages);
	*p1 = *p0 + 1 + rng_below(rng_below(4) ? 64 : pages - *p0);
	if (*p1 > pages)
		*p1 = pages;
}

static void rand_protect(uint64_t root)
{
	static const pte_t bits[] = { PTE_RW, PTE_NX, PTE_A, PTE_D, PTE_P, PTE_SW1 };
	pte_t set = bits[rng_below(6)], clear = bits[rng_below(6)] | (rng_below(4) ? 0 : PTE_PS);
	uint64_t p0, p1;
	unsigned w;
	int rc;

	random_range(&w, &p0, &p1);
	if (rng_below(8) == 0) /* rarely make a PROT_NONE-like change and undo it later */
		set = 0, clear = PTE_P;
	if (set == PTE_P)
		clear &= ~PTE_P;
	rc = pt_protect(root, win_start[w] + p0 * PAGE_SIZE, win_start[w] + p1 * PAGE_SIZE,
			set, clear);
	if (enomem(rc))
		return;
	cr_assert_eq(rc, 0);
	for (uint64_t p = p0; p < p1; p++) {
		struct region *m = &model[w * WIN_REGIONS + p / HUGE_NR_PAGES];
		unsigned i = (unsigned)(p % HUGE_NR_PAGES);
		uint64_t first = p - i, last = first + HUGE_NR_PAGES;
		if (m->huge && (first < p0 || last > p1))
			model_split(m);
		if (m->huge) {
			if (i == 0)
				m->huge_entry = (m->huge_entry & ~(clear & PROT_BITS)) | (set & PROT_BITS);
		} else if (m->e[i]) {
			m->e[i] = (m->e[i] & ~(clear & PROT_BITS)) | (set & PROT_BITS);
		}
	}
}

static void rand_batch(uint64_t root)
{
	uint64_t pfns[1500], p0, p1;
	pte_t f = random_flags();
	unsigned w, n, written = 0;
	int rc;

	random_range(&w, &p0, &p1);
	n = (unsigned)MM_MIN(p1 - p0, 1500);
	for (unsigned k = 0; k < n; k++)
		pfns[k] = rng_below(5) == 0 ? PT_BATCH_SKIP : rng_below(1ull << 40);
	rc = pt_map_batch(root, win_start[w] + p0 * PAGE_SIZE, pfns, n, f);
	if (enomem(rc))
		return;
	for (unsigned k = 0; k < n; k++) {
		uint64_t p = p0 + k;
		struct region *m = &model[w * WIN_REGIONS + p / HUGE_NR_PAGES];
		unsigned i = (unsigned)(p % HUGE_NR_PAGES);
		if (m->huge || pfns[k] == PT_BATCH_SKIP)
			continue;
		m->has_pt = true;
		if (!m->e[i]) {
			m->e[i] = pte_mk(pfns[k], f | PTE_P);
			written++;
		}
	}
	cr_assert_eq(rc, (int)written);
}

static void rand_free_empty(uint64_t root)
{
	uint64_t p0, p1;
	unsigned w;

	random_range(&w, &p0, &p1);
	pt_free_empty(root, win_start[w] + p0 * PAGE_SIZE, win_start[w] + p1 * PAGE_SIZE);
	for (uint64_t r = p0 / HUGE_NR_PAGES; r <= (p1 - 1) / HUGE_NR_PAGES; r++) {
		struct region *m = &model[w * WIN_REGIONS + r];
		if (!m->huge && region_empty(m))
			m->has_pt = false;
	}
}

Test(pt, random_operations_match_a_model)
{
	typedef void (*rand_op)(uint64_t root);
	static const rand_op ops[] = { rand_map, rand_map, rand_map, rand_unmap, rand_unmap,
				       rand_map_huge, rand_unmap_huge, rand_split, rand_protect,
				       rand_batch, rand_free_empty };
	uint64_t root = new_root();
	uint64_t base = buddy_free_pages() + 1; /* the root is a table too */
	unsigned enomem_tries = 0;

	memset(model, 0, sizeof(model));
	rng_state = 0x9e3779b97f4a7c15ull;
	for (unsigned step = 0; step < 3000; step++) {
		/* Now and then the next allocations fail; the op must then change nothing. */
		injecting = rng_below(6) == 0;
		if (injecting) {
			sim_fail_countdown = 1 + rng_below(3);
			enomem_tries++;
		}
		ops[rng_below(sizeof(ops) / sizeof(ops[0]))](root);
		sim_fail_countdown = 0;
		injecting = false;
		model_verify(root, base);
	}
	cr_expect_gt(enomem_tries, 100);
	teardown_root(root);
	cr_expect_eq(buddy_free_pages(), free_at_start);
}
