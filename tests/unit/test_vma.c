/*
 * tests/unit/test_vma.c - the VMA tree against a naive reference (a sorted
 * array): seeded random insert/remove/split/merge/adjust sequences with
 * every query compared after every operation, the gap search against a
 * brute-force scan of every gap, Linux's merge rules one by one, ENOMEM
 * injection for split, file reference counting, and a 100k-VMA run that
 * would time out if lookups or the gap search were linear.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "mmcore/buddy.h"
#include "mmcore/mm.h" /* MM_MMAP_MIN_ADDR */
#include "mmcore/vma.h"
#include "sim_phys.h"

/* ---- deterministic random numbers ------------------------------------- */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
}

static uint64_t rng_next(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform in [lo, hi] (inclusive). */
static uint64_t rng_range(uint64_t lo, uint64_t hi)
{
	return lo + rng_next() % (hi - lo + 1);
}

/* ---- files that count their references --------------------------------- */

struct test_file {
	struct mm_file f;
	long refs;
};

#define FILE_OF(mf) ((struct test_file *)(mf))

static void test_file_get(struct mm_file *f) { FILE_OF(f)->refs++; }
static void test_file_put(struct mm_file *f) { FILE_OF(f)->refs--; }

static const struct mm_file_ops test_file_ops = {
	.get = test_file_get,
	.put = test_file_put,
};

static struct test_file files[2] = {
	{ .f = { .ops = &test_file_ops, .name = "a", .ino = 1 } },
	{ .f = { .ops = &test_file_ops, .name = "b", .ino = 2 } },
};

/* ---- the reference model ------------------------------------------------ */

struct ref_vma {
	uint64_t start, end;
	uint32_t flags;
	struct mm_file *file;
	uint64_t pgoff, anon_id;
	struct vma *v; /* the tree's object for this entry */
};

static struct ref_vma *ref;
static size_t ref_n, ref_cap;
static struct vma_tree tree;
static uint64_t live_at_start, free_pages_at_start;

static void ref_insert_at(size_t i, struct ref_vma r)
{
	if (ref_n == ref_cap) {
		ref_cap = ref_cap ? ref_cap * 2 : 64;
		ref = realloc(ref, ref_cap * sizeof(*ref));
		cr_assert_not_null(ref);
	}
	memmove(&ref[i + 1], &ref[i], (ref_n - i) * sizeof(*ref));
	ref[i] = r;
	ref_n++;
}

static void ref_remove_at(size_t i)
{
	memmove(&ref[i], &ref[i + 1], (ref_n - i - 1) * sizeof(*ref));
	ref_n--;
}

/* Index of the first entry with start >= addr. */
static size_t ref_lower_bound(uint64_t addr)
{
	size_t lo = 0, hi = ref_n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ref[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Linux find_vma by linear scan: first entry with end > addr, or -1. */
static long ref_find(uint64_t addr)
{
	for (size_t i = 0; i < ref_n; i++)
		if (ref[i].end > addr)
			return (long)i;
	return -1;
}

/* The merge rule of mm/vma.c, restated for the reference. */
static bool ref_can_merge(const struct ref_vma *a, const struct ref_vma *b)
{
	return a->end == b->start && a->flags == b->flags && a->file == b->file &&
	       !(a->flags & VM_DONTEXPAND) &&
	       a->pgoff + (a->end - a->start) / PAGE_SIZE == b->pgoff &&
	       (a->anon_id == b->anon_id || !a->anon_id || !b->anon_id);
}

/*
 * Brute-force top-down search: every free interval, highest first, and in
 * each the highest aligned a with a >= max(start, low), a + len <= min(end, high).
 */
static int ref_gap_topdown(uint64_t len, uint64_t align, uint64_t low, uint64_t high,
			   uint64_t *out)
{
	for (size_t k = ref_n + 1; k-- > 0;) {
		uint64_t gs = k ? ref[k - 1].end : 0;
		uint64_t ge = k < ref_n ? ref[k].start : UINT64_MAX;
		uint64_t lo = gs > low ? gs : low, hi = ge < high ? ge : high, a;

		if (hi < len)
			continue;
		a = (hi - len) & ~(align - 1);
		if (a >= lo && a + len <= hi) {
			*out = a;
			return 0;
		}
	}
	return -MM_ENOMEM;
}

static bool vma_matches(const struct vma *v, const struct ref_vma *r)
{
	return v == r->v && v->start == r->start && v->end == r->end &&
	       v->flags == r->flags && v->file == r->file && v->pgoff == r->pgoff &&
	       v->anon_id == r->anon_id;
}

/* Whole-tree comparison: forward and backward walks, count, file references. */
static void compare_all(void)
{
	struct vma *v = vma_first(&tree);
	long want_refs[2] = { 0, 0 };

	vma_check(&tree);
	cr_assert_eq(tree.count, ref_n);
	for (size_t i = 0; i < ref_n; i++, v = vma_next(v)) {
		cr_assert_not_null(v, "walk ended early at %zu of %zu", i, ref_n);
		cr_assert(vma_matches(v, &ref[i]), "entry %zu differs: [%#lx,%#lx) vs [%#lx,%#lx)",
			  i, v->start, v->end, ref[i].start, ref[i].end);
		for (int f = 0; f < 2; f++)
			want_refs[f] += ref[i].file == &files[f].f;
	}
	cr_assert_null(v);
	v = vma_last(&tree);
	for (size_t i = ref_n; i-- > 0; v = vma_prev(v))
		cr_assert_eq(v, ref[i].v);
	cr_assert_null(v);
	for (int f = 0; f < 2; f++)
		cr_assert_eq(files[f].refs, want_refs[f], "file %d refs %ld want %ld",
			     f, files[f].refs, want_refs[f]);
}

static void compare_find(uint64_t addr)
{
	long i = ref_find(addr);
	struct vma *want = i < 0 ? NULL : ref[i].v;
	struct vma *contain = i >= 0 && ref[i].start <= addr ? ref[i].v : NULL;

	cr_assert_eq(vma_find(&tree, addr), want, "vma_find(%#lx)", addr);
	cr_assert_eq(vma_lookup(&tree, addr), contain, "vma_lookup(%#lx)", addr);
}

static void compare_intersection(uint64_t start, uint64_t end)
{
	struct vma *want = NULL;

	for (size_t i = 0; i < ref_n && start < end; i++) {
		if (ref[i].start < end && ref[i].end > start) {
			want = ref[i].v;
			break;
		}
	}
	cr_assert_eq(vma_find_intersection(&tree, start, end), want,
		     "vma_find_intersection(%#lx, %#lx)", start, end);
}

static void compare_gap(uint64_t len, uint64_t align, uint64_t low, uint64_t high)
{
	uint64_t got = 0xdead, want = 0xbeef;
	int rg = vma_gap_topdown(&tree, len, align, low, high, &got);
	int rw = ref_gap_topdown(len, align, low, high, &want);

	cr_assert_eq(rg, rw, "gap(len %#lx align %#lx low %#lx high %#lx): rc %d want %d",
		     len, align, low, high, rg, rw);
	if (rw == 0)
		cr_assert_eq(got, want, "gap(len %#lx align %#lx low %#lx high %#lx) = %#lx want %#lx",
			     len, align, low, high, got, want);
}

/* ---- random operations -------------------------------------------------- */

/* The random tests live in [0, SPACE): dense enough for neighbours to touch. */
#define SPACE (256ull << 20)

static uint64_t random_len_pages(void)
{
	switch (rng_next() % 8) {
	case 0: return rng_range(256, 2048); /* 1..8 MiB: huge-page sized */
	case 1: case 2: return rng_range(17, 256);
	default: return rng_range(1, 16);
	}
}

static void fill_attributes(struct ref_vma *r)
{
	static const uint32_t flag_set[] = { VM_READ | VM_WRITE, VM_READ, VM_READ | VM_EXEC,
					     VM_READ | VM_WRITE | VM_DONTEXPAND };
	uint64_t kind = rng_next() % 8;

	r->flags = flag_set[kind < 5 ? 0 : kind - 5];
	r->anon_id = rng_next() % 3;
	r->file = NULL;
	r->pgoff = r->start / PAGE_SIZE;
	if (rng_next() % 4 == 0) {
		/* File pgoffs are mostly start-derived so neighbours can merge. */
		r->file = &files[rng_next() % 2].f;
		if (rng_next() % 4 == 0)
			r->pgoff = rng_next() % 1000;
	}
}

static void op_insert(void)
{
	uint64_t start = rng_range(0, SPACE / PAGE_SIZE - 1) * PAGE_SIZE;
	uint64_t end = start + random_len_pages() * PAGE_SIZE;
	size_t i = ref_lower_bound(start);
	struct ref_vma r = { .start = start, .end = end };

	if ((i > 0 && ref[i - 1].end > start) || (i < ref_n && ref[i].start < end))
		return; /* would overlap: the tree's precondition, not tested here */
	fill_attributes(&r);
	r.v = vma_alloc();
	cr_assert_not_null(r.v);
	r.v->start = r.start;
	r.v->end = r.end;
	r.v->flags = r.flags;
	r.v->file = r.file;
	r.v->pgoff = r.pgoff;
	r.v->anon_id = r.anon_id;
	if (r.file)
		r.file->ops->get(r.file); /* what mmap does when it sets v->file */
	vma_insert(&tree, r.v);
	ref_insert_at(i, r);
}

static void op_remove(void)
{
	size_t i;

	if (!ref_n)
		return;
	i = rng_next() % ref_n;
	vma_remove(&tree, ref[i].v);
	vma_free(ref[i].v);
	ref_remove_at(i);
}

static void op_split(void)
{
	size_t i;
	uint64_t pages, addr;
	struct vma *upper = NULL;
	struct ref_vma r;

	if (!ref_n)
		return;
	i = rng_next() % ref_n;
	pages = (ref[i].end - ref[i].start) / PAGE_SIZE;
	if (pages < 2) {
		/* No interior page: the split must refuse and change nothing. */
		cr_assert_eq(vma_split(&tree, ref[i].v, ref[i].start, &upper), -MM_EINVAL);
		return;
	}
	addr = ref[i].start + rng_range(1, pages - 1) * PAGE_SIZE;
	if (rng_next() % 8 == 0) {
		sim_fail_countdown = 1;
		cr_assert_eq(vma_split(&tree, ref[i].v, addr, &upper), -MM_ENOMEM);
		cr_assert_eq(sim_fail_countdown, 0);
		cr_assert_null(upper);
		return; /* compare_all() then proves v and the tree unchanged */
	}
	cr_assert_eq(vma_split(&tree, ref[i].v, addr + 1, &upper), -MM_EINVAL);
	cr_assert_eq(vma_split(&tree, ref[i].v, addr, &upper), 0);
	cr_assert_not_null(upper);
	r = ref[i];
	r.pgoff += (addr - r.start) / PAGE_SIZE;
	r.start = addr;
	r.v = upper;
	ref[i].end = addr;
	ref_insert_at(i + 1, r);
}

/* Try the pairs from a random index on; merge the first the rule allows. */
static void op_merge(void)
{
	size_t first;

	if (ref_n < 2)
		return;
	first = rng_next() % (ref_n - 1);
	for (size_t k = 0; k < ref_n - 1; k++) {
		size_t i = (first + k) % (ref_n - 1);
		bool want = ref_can_merge(&ref[i], &ref[i + 1]);

		cr_assert_eq(vma_can_merge(ref[i].v, ref[i + 1].v), want,
			     "vma_can_merge([%#lx,%#lx), [%#lx,%#lx))",
			     ref[i].start, ref[i].end, ref[i + 1].start, ref[i + 1].end);
		if (!want)
			continue;
		vma_merge(&tree, ref[i].v, ref[i + 1].v);
		ref[i].end = ref[i + 1].end;
		if (!ref[i].anon_id)
			ref[i].anon_id = ref[i + 1].anon_id;
		ref_remove_at(i + 1);
		return;
	}
}

/* Move one or both ends of a VMA anywhere between its neighbours. */
static void op_adjust(void)
{
	size_t i;
	uint64_t lo, hi, start, end;

	if (!ref_n)
		return;
	i = rng_next() % ref_n;
	lo = i ? ref[i - 1].end : 0;
	hi = i + 1 < ref_n ? ref[i + 1].start : SPACE + (64ull << 20);
	start = ref[i].start;
	end = ref[i].end;
	if (rng_next() % 2)
		start = rng_range(lo / PAGE_SIZE, end / PAGE_SIZE - 1) * PAGE_SIZE;
	if (rng_next() % 2)
		end = rng_range(start / PAGE_SIZE + 1, hi / PAGE_SIZE) * PAGE_SIZE;
	/* Keep file offsets attached to the same bytes, as Linux's vma_adjust. */
	ref[i].pgoff += (int64_t)(start - ref[i].start) / (int64_t)PAGE_SIZE;
	ref[i].start = start;
	ref[i].end = end;
	ref[i].v->start = start;
	ref[i].v->end = end;
	ref[i].v->pgoff = ref[i].pgoff;
	vma_adjust(&tree, ref[i].v);
}

static uint64_t random_addr(void)
{
	if (ref_n && rng_next() % 2) {
		/* Near a boundary, where off-by-one mistakes live. */
		struct ref_vma *r = &ref[rng_next() % ref_n];
		uint64_t base = rng_next() % 2 ? r->start : r->end;
		return base + rng_range(0, 2) - 1;
	}
	return rng_range(0, SPACE + (64ull << 20));
}

static void random_queries(void)
{
	static const uint64_t aligns[] = { PAGE_SIZE, PAGE_SIZE, 16 * PAGE_SIZE, HUGE_SIZE };

	for (int q = 0; q < 4; q++) {
		uint64_t a = random_addr(), b = random_addr();
		uint64_t low, high;

		compare_find(a);
		compare_intersection(MM_MIN(a, b), MM_MAX(a, b));
		compare_intersection(a, a + rng_range(1, 3) * PAGE_SIZE);

		low = rng_next() % 4 ? rng_range(0, SPACE / 2) : MM_MMAP_MIN_ADDR;
		high = rng_next() % 4 ? rng_range(low, SPACE + (32ull << 20)) : SPACE / 2;
		if (rng_next() % 4 == 0)
			high = random_addr(); /* may sit below low: must say ENOMEM */
		compare_gap(random_len_pages() * PAGE_SIZE, aligns[rng_next() % 4], low, high);
	}
}

static void run_random(uint64_t seed, int ops)
{
	rng_seed(seed);
	for (int n = 0; n < ops; n++) {
		uint64_t r = rng_next() % 100;

		/* Grow towards a few hundred VMAs, then hover there. */
		if (r < (ref_n < 300 ? 40u : 20u))
			op_insert();
		else if (r < 55)
			op_remove();
		else if (r < 70)
			op_split();
		else if (r < 82)
			op_merge();
		else
			op_adjust();
		compare_all();
		random_queries();
	}
}

/* ---- fixtures ------------------------------------------------------------ */

static void setup(void)
{
	cr_assert_eq(sim_phys_init(16ull << 20), 0);
	free_pages_at_start = buddy_free_pages();
	vma_tree_init(&tree);
	ref_n = 0;
	sim_fail_countdown = 0;
	sim_fail_every = 0;
	files[0].refs = files[1].refs = 0;
	live_at_start = sim_obj_live;
}

/*
 * Free everything; no object or file reference may outlive the tree, and
 * the tree never takes physical pages (VMAs are small objects).
 */
static void teardown(void)
{
	struct vma *v;

	while ((v = vma_first(&tree))) {
		vma_remove(&tree, v);
		vma_free(v);
	}
	vma_check(&tree);
	cr_assert_eq(tree.count, 0);
	cr_assert_null(tree.root);
	cr_assert_eq(sim_obj_live, live_at_start, "leaked %lu VMA objects",
		     sim_obj_live - live_at_start);
	cr_assert_eq(files[0].refs, 0);
	cr_assert_eq(files[1].refs, 0);
	cr_assert_eq(buddy_free_pages(), free_pages_at_start);
	sim_phys_fini();
	free(ref);
	ref = NULL;
	ref_n = ref_cap = 0;
}

TestSuite(vma, .init = setup, .fini = teardown);

/* Helper for the directed tests: an anonymous VMA inserted into `tree`. */
static struct vma *add(uint64_t start, uint64_t end)
{
	struct vma *v = vma_alloc();

	cr_assert_not_null(v);
	v->start = start;
	v->end = end;
	v->flags = VM_READ | VM_WRITE;
	v->pgoff = start / PAGE_SIZE;
	vma_insert(&tree, v);
	return v;
}

/* ---- directed tests ------------------------------------------------------ */

Test(vma, empty_tree)
{
	uint64_t a;

	vma_check(&tree);
	cr_assert_null(vma_first(&tree));
	cr_assert_null(vma_last(&tree));
	cr_assert_null(vma_find(&tree, 0));
	cr_assert_null(vma_lookup(&tree, 0x1000));
	cr_assert_null(vma_find_intersection(&tree, 0, ~0ull));
	cr_assert_eq(vma_gap_topdown(&tree, 0x1000, PAGE_SIZE, 0x10000, 0x7ffff7fff000, &a), 0);
	cr_assert_eq(a, 0x7ffff7ffe000);
	cr_assert_eq(vma_gap_topdown(&tree, 0x1000, PAGE_SIZE, 0x10000, 0x10000, &a), -MM_ENOMEM);
	cr_assert_eq(vma_gap_topdown(&tree, 0, PAGE_SIZE, 0, 0x100000, &a), -MM_EINVAL);
	cr_assert_eq(vma_gap_topdown(&tree, 0x1000, 3 * PAGE_SIZE, 0, 0x100000, &a), -MM_EINVAL);
	cr_assert_eq(vma_gap_topdown(&tree, 0x1000, 0x800, 0, 0x100000, &a), -MM_EINVAL);
}

Test(vma, find_lookup_intersection_at_edges)
{
	struct vma *a = add(0x10000, 0x12000), *b = add(0x20000, 0x21000);

	cr_assert_eq(vma_find(&tree, 0), a);
	cr_assert_eq(vma_find(&tree, 0x11fff), a);
	cr_assert_eq(vma_find(&tree, 0x12000), b);
	cr_assert_null(vma_find(&tree, 0x21000));
	cr_assert_null(vma_lookup(&tree, 0xffff));
	cr_assert_eq(vma_lookup(&tree, 0x10000), a);
	cr_assert_null(vma_lookup(&tree, 0x12000));
	cr_assert_null(vma_find_intersection(&tree, 0x12000, 0x20000));
	cr_assert_eq(vma_find_intersection(&tree, 0x12000, 0x20001), b);
	cr_assert_eq(vma_find_intersection(&tree, 0x0, 0x10001), a);
	cr_assert_null(vma_find_intersection(&tree, 0x11000, 0x11000));
	cr_assert_eq(vma_next(a), b);
	cr_assert_eq(vma_prev(b), a);
	cr_assert_null(vma_prev(a));
	cr_assert_null(vma_next(b));
	cr_assert_eq(tree.highest, 0x21000);
}

Test(vma, gap_topdown_prefers_highest_and_aligns)
{
	uint64_t a;

	add(0x10000000, 0x10001000);
	add(0x10400000, 0x10500000);
	/* Above the last VMA first. */
	cr_assert_eq(vma_gap_topdown(&tree, 0x1000, PAGE_SIZE, 0x10000, 0x20000000, &a), 0);
	cr_assert_eq(a, 0x1ffff000);
	/* high inside the second VMA: the gap between the two is the highest. */
	cr_assert_eq(vma_gap_topdown(&tree, 0x1000, PAGE_SIZE, 0x10000, 0x10480000, &a), 0);
	cr_assert_eq(a, 0x103ff000);
	/* 2 MiB aligned 2 MiB in [0x10001000, 0x10400000): only 0x10200000 fits. */
	cr_assert_eq(vma_gap_topdown(&tree, HUGE_SIZE, HUGE_SIZE, 0x10000, 0x10480000, &a), 0);
	cr_assert_eq(a, 0x10200000);
	/* 3 MiB aligned to 2 MiB no longer fits there: below the first VMA. */
	cr_assert_eq(vma_gap_topdown(&tree, 3 * HUGE_SIZE / 2, HUGE_SIZE, 0x10000,
				     0x10480000, &a), 0);
	cr_assert_eq(a, 0xfc00000);
	/* low above that gap: nothing left. */
	cr_assert_eq(vma_gap_topdown(&tree, 3 * HUGE_SIZE / 2, HUGE_SIZE, 0x10000000,
				     0x10480000, &a), -MM_ENOMEM);
}

Test(vma, merge_rules_follow_linux)
{
	struct vma *a = add(0x10000, 0x12000), *b = add(0x12000, 0x14000);

	cr_assert(vma_can_merge(a, b));
	b->flags |= VM_EXEC;
	cr_assert_not(vma_can_merge(a, b), "different flags");
	b->flags = a->flags;
	b->pgoff++;
	cr_assert_not(vma_can_merge(a, b), "pgoff not contiguous");
	b->pgoff--;
	a->anon_id = 1;
	cr_assert(vma_can_merge(a, b), "anon_id 1 with 0");
	b->anon_id = 2;
	cr_assert_not(vma_can_merge(a, b), "different anon_ids");
	b->anon_id = 1;
	cr_assert(vma_can_merge(a, b), "same anon_id");
	b->file = &files[0].f;
	cr_assert_not(vma_can_merge(a, b), "anonymous with file");
	b->file = NULL;
	a->flags |= VM_DONTEXPAND;
	b->flags |= VM_DONTEXPAND;
	cr_assert_not(vma_can_merge(a, b), "VM_DONTEXPAND never merges");
	a->flags = b->flags = VM_READ;
	cr_assert_not(vma_can_merge(b, a), "wrong order");

	b->anon_id = 0;
	vma_merge(&tree, a, b);
	cr_assert_eq(tree.count, 1);
	cr_assert_eq(a->end, 0x14000);
	cr_assert_eq(a->anon_id, 1);
	vma_check(&tree);
}

Test(vma, split_keeps_file_references_and_pgoff)
{
	struct vma *v = vma_alloc(), *upper = NULL, *top = NULL;

	v->start = 0x400000;
	v->end = 0x410000;
	v->flags = VM_READ | VM_EXEC;
	v->file = &files[1].f;
	v->pgoff = 7;
	v->anon_id = 5;
	files[1].f.ops->get(v->file);
	vma_insert(&tree, v);

	cr_assert_eq(vma_split(&tree, v, 0x400000, &upper), -MM_EINVAL);
	cr_assert_eq(vma_split(&tree, v, 0x410000, &upper), -MM_EINVAL);
	sim_fail_countdown = 1;
	cr_assert_eq(vma_split(&tree, v, 0x404000, &upper), -MM_ENOMEM);
	cr_assert_eq(v->end, 0x410000);
	cr_assert_eq(tree.count, 1);
	cr_assert_eq(files[1].refs, 1);

	cr_assert_eq(vma_split(&tree, v, 0x404000, &upper), 0);
	cr_assert_eq(vma_split(&tree, upper, 0x40c000, &top), 0);
	cr_assert_eq(files[1].refs, 3);
	cr_assert_eq(v->end, 0x404000);
	cr_assert_eq(upper->start, 0x404000);
	cr_assert_eq(upper->pgoff, 7 + 4);
	cr_assert_eq(top->pgoff, 7 + 12);
	cr_assert_eq(top->anon_id, 5);
	cr_assert_eq(top->file, &files[1].f);
	cr_assert(vma_can_merge(v, upper));
	vma_merge(&tree, v, upper);
	cr_assert_eq(files[1].refs, 2);
	vma_merge(&tree, v, top);
	cr_assert_eq(files[1].refs, 1);
	cr_assert_eq(v->end, 0x410000);
	vma_check(&tree);
}

Test(vma, alloc_failure_is_reported)
{
	sim_fail_countdown = 1;
	cr_assert_null(vma_alloc());
	cr_assert_eq(sim_obj_live, live_at_start);
}

/* ---- random sequences against the reference ------------------------------ */

Test(vma, random_seed_1) { run_random(1, 5000); }
Test(vma, random_seed_2) { run_random(2, 5000); }
Test(vma, random_seed_3) { run_random(0xc0ffee, 5000); }
Test(vma, random_seed_4) { run_random(0x5eed5eed, 5000); }

/* ---- the checker and the preconditions catch corruption ------------------ */

/* A few VMAs, so the tree has inner nodes and colours to tamper with. */
static void add_several(void)
{
	for (uint64_t i = 0; i < 16; i++)
		add(0x100000 + i * 0x3000, 0x101000 + i * 0x3000);
	vma_check(&tree);
}

Test(vma, check_catches_stale_gap, .signal = SIGABRT)
{
	add_several();
	tree.root->subtree_gap++;
	vma_check(&tree);
}

Test(vma, check_catches_red_red, .signal = SIGABRT)
{
	struct vma_node *n;

	add_several();
	/* Colour a whole root-to-leaf path red: some red parent gets a red child. */
	for (n = tree.root->left; n; n = n->left ? n->left : n->right)
		n->color = 0;
	vma_check(&tree);
}

Test(vma, check_catches_count, .signal = SIGABRT)
{
	add_several();
	tree.count++;
	vma_check(&tree);
}

Test(vma, check_catches_overlap_made_in_place, .signal = SIGABRT)
{
	struct vma *v;

	add_several();
	v = vma_first(&tree);
	v->end += PAGE_SIZE * 3; /* now covers the next VMA's start */
	vma_check(&tree);
}

Test(vma, insert_refuses_overlap, .signal = SIGABRT)
{
	add_several();
	add(0x101000, 0x104000);
}

Test(vma, free_refuses_linked_vma, .signal = SIGABRT)
{
	add_several();
	vma_free(vma_next(vma_first(&tree)));
}

Test(vma, adjust_refuses_overlap, .signal = SIGABRT)
{
	struct vma *v;

	add_several();
	v = vma_first(&tree);
	v->end += PAGE_SIZE * 3;
	vma_adjust(&tree, v);
}

/* ---- scale: 100k VMAs ---------------------------------------------------- */

/*
 * 100k one-page VMAs separated by one-page holes, inserted in random order,
 * plus a few wide holes. 100k lookups and 500k gap searches that only the
 * wide holes (or the space below all VMAs) satisfy: linear versions would
 * need over 10^10 steps and time out.
 */
Test(vma, hundred_thousand_vmas, .timeout = 120)
{
	enum { N = 100000 };
	static uint64_t order[N];
	static struct vma *objs[N];
	uint64_t base = 0x10000000, stride = 2 * PAGE_SIZE, a;

	for (uint64_t i = 0; i < N; i++)
		order[i] = i;
	rng_seed(42);
	for (uint64_t i = N - 1; i > 0; i--) {
		uint64_t j = rng_next() % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (uint64_t k = 0; k < N; k++) {
		uint64_t i = order[k];
		/* Every 10000th slot is pushed up to leave a 1 MiB hole below it. */
		uint64_t start = base + i * stride + (i / 10000) * (1ull << 20);

		objs[i] = add(start, start + PAGE_SIZE);
	}
	vma_check(&tree);
	cr_assert_eq(tree.count, N);

	for (uint64_t k = 0; k < N; k++) {
		uint64_t i = rng_next() % N;
		cr_assert_eq(vma_lookup(&tree, objs[i]->start + 0x800), objs[i]);
		cr_assert_null(vma_lookup(&tree, objs[i]->end));
	}
	for (uint64_t k = 0; k < N; k++) {
		/* Below a random VMA, 8 pages fit only in a wide hole (or under base). */
		uint64_t i = rng_next() % N, hole = i / 10000;
		/* Wide hole number `hole` ends where slot hole * 10000 starts. */
		uint64_t want = hole ? objs[hole * 10000]->start - 8 * PAGE_SIZE
				     : base - 8 * PAGE_SIZE;

		cr_assert_eq(vma_gap_topdown(&tree, 8 * PAGE_SIZE, PAGE_SIZE, 0x10000,
					     objs[i]->start, &a), 0);
		cr_assert_eq(a, want, "below slot %lu: %#lx want %#lx", i, a, want);
	}
	for (uint64_t k = 0; k < 4 * N; k++) {
		/*
		 * 2 MiB fits in no hole between VMAs, only below the lowest one:
		 * the subtree gaps must steer straight there. A search that
		 * visited every VMA would take 4 * 10^10 steps and time out.
		 */
		uint64_t align = k % 2 ? HUGE_SIZE : PAGE_SIZE;
		cr_assert_eq(vma_gap_topdown(&tree, HUGE_SIZE, align, 0x10000, tree.highest, &a), 0);
		cr_assert_eq(a, ALIGN_DOWN(base - HUGE_SIZE, align));
	}
	for (uint64_t k = 0; k < N; k += 2) {
		vma_remove(&tree, objs[order[k]]);
		vma_free(objs[order[k]]);
	}
	vma_check(&tree);
	cr_assert_eq(tree.count, N / 2);
}
