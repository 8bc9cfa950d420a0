/*
 * mmcore/pt.c - x86-64 4-level page tables in hardware format.
 *
 * Address bits (see types.h): PML4 index 47..39, PDPT 38..30, PD 29..21,
 * PT 20..12. A PD entry with PS maps 2 MiB; pt never creates 1 GiB leaves
 * and pt_check rejects PS above level 2.
 *
 * Table pages are order-0 buddy pages marked PG_PAGETABLE with pt_level,
 * refcount 1 while in use, and pt_used = number of non-zero entries, so an
 * empty table is known without scanning it.
 *
 * Entries pointing to tables are P|RW|US: the CPU ANDs RW and US along the
 * walk and ORs NX, so a permissive intermediate entry never widens what a
 * leaf allows, and permissions then live only in leaves (as in Linux).
 *
 * "Non-empty" means a non-zero entry. Leaves may be non-present but
 * non-zero (a PROT_NONE mapping keeps its frame with P clear), so the
 * iterators, protect and copy visit every non-empty leaf; lookup reports
 * present ones only.
 *
 * ENOMEM is all-or-nothing: an operation first counts the tables it lacks,
 * takes that many pages into a private pool (struct pt_pool) and only then
 * changes anything. A failed fill hands the pages back, so nothing is
 * half-built and no unwinding of the tree is ever needed.
 */
#include "mmcore/buddy.h"
#include "mmcore/pt.h"

/* Intermediate entries: permissions are decided at the leaf. */
#define PT_TABLE_FLAGS (PTE_P | PTE_RW | PTE_US)
/* Frames must fit the 52-bit physical address of an entry. */
#define PT_PFN_LIMIT (1ull << (52 - PAGE_SHIFT))
/* First canonical address of the upper (kernel) half. */
#define PT_KERNEL_HALF_START 0xffff800000000000ull
/* A PS entry's bits 20..13 are reserved (bit 12 is PAT). */
#define PT_HUGE_RESERVED_BITS 0x00000000001fe000ull
/* Bits protect may change: flags, never the address or the page size. */
#define PT_PROT_BITS (PTE_FLAGS_MASK & ~PTE_PS)
/* Batch map remembers this many page tables from its counting pass. */
#define PT_BATCH_REMEMBER 8

uint64_t pt_stat_walks;

/* ---- small helpers ------------------------------------------------------ */

/* Shift of the address span one entry at `level` covers (12, 21, 30, 39). */
static inline unsigned pt_shift(int level)
{
	return PAGE_SHIFT + 9u * (unsigned)(level - 1);
}

static inline uint64_t pt_span(int level) { return 1ull << pt_shift(level); }

static inline bool pt_va_canonical(uint64_t va)
{
	return va < USER_VA_END || va >= PT_KERNEL_HALF_START;
}

/* An entry at level >= 2 with PS set is a leaf, not a table pointer. */
static inline bool pt_entry_is_leaf(pte_t e, int level)
{
	return level == 1 || pte_huge(e);
}

static inline pte_t pt_table_entry(struct page *table)
{
	return pte_mk(page_to_pfn(table), PT_TABLE_FLAGS);
}

/* Range check shared by the range operations: user half only. */
static inline bool pt_range_ok(uint64_t start, uint64_t end)
{
	return start <= end && end <= USER_VA_END;
}

void pt_entry_set(struct page *table, pte_t *entry, pte_t val)
{
	pte_t old = *entry;

	MM_ASSERT_CHEAP(table->flags & PG_PAGETABLE, "pt_entry_set: not a table page");
	if (old == 0 && val != 0) {
		MM_ASSERT_CHEAP(table->pt_used < PT_ENTRIES, "pt_entry_set: pt_used overflow");
		table->pt_used++;
	} else if (old != 0 && val == 0) {
		MM_ASSERT_CHEAP(table->pt_used > 0, "pt_entry_set: pt_used underflow");
		table->pt_used--;
	}
	__atomic_store_n(entry, val, __ATOMIC_RELAXED);
}

void pt_entry_clear(struct page *table, pte_t *entry)
{
	pt_entry_set(table, entry, 0);
}

/*
 * Clear an entry and return what it held. The exchange is atomic so an
 * accessed/dirty bit the MMU sets concurrently is returned, not lost.
 */
static pte_t pt_entry_take(struct page *table, pte_t *entry)
{
	pte_t old = __atomic_exchange_n(entry, 0, __ATOMIC_RELAXED);

	if (old != 0) {
		MM_ASSERT_CHEAP(table->pt_used > 0, "pt_entry_take: pt_used underflow");
		table->pt_used--;
	}
	return old;
}

/* entry = (entry & ~clear) | set, atomically against MMU A/D updates. */
static bool pt_entry_update(struct page *table, pte_t *entry, pte_t clear, pte_t set)
{
	pte_t old = __atomic_load_n(entry, __ATOMIC_RELAXED);
	pte_t val;

	do {
		val = (old & ~clear) | set;
		if (val == old)
			return false;
	} while (!__atomic_compare_exchange_n(entry, &old, val, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	if (val == 0)
		table->pt_used--;
	return true;
}

/* ---- table pages and the pre-allocation pool ---------------------------- */

/*
 * Pages taken from the buddy allocator but not yet made tables. They are
 * allocated (not free) pages, so their buddy links are unused and thread
 * the pool's list.
 */
struct pt_pool {
	struct page *head;
	uint64_t count;
};

static void pt_pool_drain(struct pt_pool *pool)
{
	while (pool->head) {
		struct page *pg = pool->head;
		pool->head = pg->buddy.next;
		buddy_free(pg, 0);
	}
	pool->count = 0;
}

/* Make the pool hold n pages. Returns 0, or -MM_ENOMEM with the pool empty. */
static int pt_pool_fill(struct pt_pool *pool, uint64_t n)
{
	while (pool->count < n) {
		struct page *pg = buddy_alloc(0);
		if (!pg) {
			pt_pool_drain(pool);
			return -MM_ENOMEM;
		}
		pg->buddy.next = pool->head;
		pool->head = pg;
		pool->count++;
	}
	return 0;
}

/* Turn a pool page into an empty table of `level`. */
static struct page *pt_pool_take(struct pt_pool *pool, int level)
{
	struct page *pg = pool->head;

	MM_ASSERT(pg != NULL, "pt_pool_take: pool counted too few tables");
	pool->head = pg->buddy.next;
	pool->count--;
	pg->buddy.next = NULL;
	mm_plat_zero_page(page_address(pg));
	pg->flags |= PG_PAGETABLE;
	pg->pt_level = (uint8_t)level;
	pg->pt_used = 0;
	pg->refcount = 1;
	return pg;
}

static void pt_table_free(struct page *pg)
{
	MM_ASSERT(pg->pt_used == 0, "pt_table_free: table still has entries");
	pg->flags &= ~(uint32_t)PG_PAGETABLE;
	pg->pt_level = 0;
	pg->refcount = 0;
	buddy_free(pg, 0);
}

/* ---- walking ------------------------------------------------------------ */

/* Where a walk ended: the deepest entry reached and the table holding it. */
struct pt_pos {
	pte_t *entry;
	struct page *table;
	int level;
};

/*
 * Walk from the root to the entry at `level` covering va. Missing tables
 * are taken from pool; with pool NULL the walk stops there instead.
 * Returns 0 (pos at `level`), -MM_ENOENT (pos->entry is the empty entry
 * where a table is missing) or -MM_EEXIST (pos->entry is a leaf above
 * `level`).
 */
static int pt_descend(uint64_t root_pfn, uint64_t va, int level,
		      struct pt_pool *pool, struct pt_pos *pos)
{
	uint64_t pfn = root_pfn;
	int l = PT_LEVELS;
	int err = 0;

	pt_stat_walks++;
	MM_ASSERT_CHEAP(pfn_to_page(root_pfn)->pt_level == PT_LEVELS,
			"pt_descend: root is not a PML4");
	for (;; l--) {
		pte_t *e = &pt_table(pfn)[pt_index(va, l)];
		pte_t v = *e;

		pos->entry = e;
		if (l == level)
			break;
		if (v == 0) {
			if (!pool) {
				err = -MM_ENOENT;
				break;
			}
			v = pt_table_entry(pt_pool_take(pool, l - 1));
			pt_entry_set(pfn_to_page(pfn), e, v);
		} else if (pte_huge(v)) {
			err = -MM_EEXIST;
			break;
		}
		pfn = pte_pfn(v);
	}
	pos->level = l;
	pos->table = pfn_to_page(pfn);
	return err;
}

/*
 * Walk to `level`, creating missing tables. The cheap walk comes first;
 * only when tables are missing are exactly that many allocated up front.
 * Returns 0, -MM_EEXIST (a leaf above `level`) or -MM_ENOMEM (nothing
 * changed).
 */
static int pt_descend_alloc(uint64_t root_pfn, uint64_t va, int level, struct pt_pos *pos)
{
	struct pt_pool pool = { 0 };
	int err = pt_descend(root_pfn, va, level, NULL, pos);

	if (err != -MM_ENOENT)
		return err;
	err = pt_pool_fill(&pool, (uint64_t)(pos->level - level));
	if (err)
		return err;
	err = pt_descend(root_pfn, va, level, &pool, pos);
	MM_ASSERT(err == 0 && pool.count == 0, "pt_descend_alloc: tables miscounted");
	return 0;
}

/*
 * Count, once each, the tables missing below the empty entry a walk for
 * (va, level) stopped at: one table per level from stop-1 down to `level`.
 * last[m] remembers the region of the last table of level m counted, so
 * walks in ascending va order sharing a missing table count it once.
 */
static uint64_t pt_count_missing(uint64_t last[PT_LEVELS + 1], uint64_t va,
				 int stop, int level)
{
	uint64_t n = 0;

	for (int m = stop - 1; m >= level; m--) {
		uint64_t region = (va >> pt_shift(m + 1)) + 1;
		if (last[m] != region) {
			last[m] = region;
			n++;
		}
	}
	return n;
}

pte_t *pt_walk(uint64_t root_pfn, uint64_t va, int level, bool alloc,
	       struct page **table, int *err)
{
	struct pt_pos pos = { 0 };
	int e;

	if (level < 1 || level > PT_LEVELS || !pt_va_canonical(va))
		e = -MM_EINVAL;
	else if (alloc)
		e = pt_descend_alloc(root_pfn, va, level, &pos);
	else
		e = pt_descend(root_pfn, va, level, NULL, &pos);
	if (table)
		*table = e ? NULL : pos.table;
	if (err)
		*err = e;
	return e ? NULL : pos.entry;
}

/* ---- address space ------------------------------------------------------ */

int pt_create(uint64_t *root_pfn)
{
	struct pt_pool pool = { 0 };

	if (pt_pool_fill(&pool, 1))
		return -MM_ENOMEM;
	*root_pfn = page_to_pfn(pt_pool_take(&pool, PT_LEVELS));
	return 0;
}

/* Free every table below the table at pfn (level >= 2); leaves are a bug. */
static void pt_destroy_below(uint64_t pfn, int level, unsigned nr_entries)
{
	struct page *pg = pfn_to_page(pfn);
	pte_t *tbl = pt_table(pfn);

	for (unsigned i = 0; i < nr_entries; i++) {
		pte_t e = tbl[i];
		if (e == 0)
			continue;
		MM_ASSERT(!pt_entry_is_leaf(e, level), "pt_destroy: a leaf is still mapped");
		if (level > 2)
			pt_destroy_below(pte_pfn(e), level - 1, PT_ENTRIES);
		else
			MM_ASSERT(pfn_to_page(pte_pfn(e))->pt_used == 0,
				  "pt_destroy: a leaf is still mapped");
		pt_entry_clear(pg, &tbl[i]);
		pt_table_free(pfn_to_page(pte_pfn(e)));
	}
}

void pt_destroy(uint64_t root_pfn)
{
	struct page *root = pfn_to_page(root_pfn);
	pte_t *tbl = pt_table(root_pfn);

	MM_ASSERT(root->pt_level == PT_LEVELS, "pt_destroy: root is not a PML4");
	pt_destroy_below(root_pfn, PT_LEVELS, PT_ENTRIES / 2);
	/* The upper half holds the kernel's shared tables: not ours to free. */
	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		pt_entry_clear(root, &tbl[i]);
	/* Cached translations must not outlive the root frame's next owner. */
	mm_plat_tlb_flush_all(root_pfn);
	pt_table_free(root);
}

/* ---- single pages -------------------------------------------------------- */

int pt_lookup(uint64_t root_pfn, uint64_t va, struct pt_lookup *out)
{
	struct pt_pos pos;
	uint64_t frames;
	pte_t e;
	int err;

	if (!pt_va_canonical(va))
		return -MM_EINVAL;
	err = pt_descend(root_pfn, va, 1, NULL, &pos);
	if (err == -MM_ENOENT)
		return err;
	e = *pos.entry;
	if (!pte_present(e))
		return -MM_ENOENT;
	/* Frames under a leaf of this level; the low address bits pick one. */
	frames = 1ull << (9u * (unsigned)(pos.level - 1));
	out->pfn = (pte_pfn(e) & ~(frames - 1)) | ((va >> PAGE_SHIFT) & (frames - 1));
	out->entry = e;
	out->level = pos.level;
	return 0;
}

int pt_map(uint64_t root_pfn, uint64_t va, uint64_t pfn, pte_t flags)
{
	struct pt_pos pos;
	int err;

	if (!pt_va_canonical(va) || pfn >= PT_PFN_LIMIT)
		return -MM_EINVAL;
	err = pt_descend_alloc(root_pfn, va, 1, &pos);
	if (err)
		return err;
	if (*pos.entry != 0)
		return -MM_EEXIST;
	pt_entry_set(pos.table, pos.entry, pte_mk(pfn, flags | PTE_P));
	return 0;
}

int pt_unmap(uint64_t root_pfn, uint64_t va, pte_t *old)
{
	struct pt_pos pos;
	pte_t e;
	int err;

	if (!pt_va_canonical(va))
		return -MM_EINVAL;
	err = pt_descend(root_pfn, va, 1, NULL, &pos);
	if (err)
		return err;
	e = pt_entry_take(pos.table, pos.entry);
	if (e == 0)
		return -MM_ENOENT;
	mm_plat_tlb_flush_page(root_pfn, va & PAGE_MASK);
	if (old)
		*old = e;
	return 0;
}

/* ---- 2 MiB pages ---------------------------------------------------------- */

bool pt_pd_entry_is_empty(uint64_t root_pfn, uint64_t va)
{
	struct pt_pos pos;
	int err;

	if (!pt_va_canonical(va))
		return false;
	err = pt_descend(root_pfn, va, 2, NULL, &pos);
	if (err == -MM_ENOENT)
		return true;
	return err == 0 && *pos.entry == 0;
}

int pt_map_huge(uint64_t root_pfn, uint64_t va, uint64_t pfn, pte_t flags)
{
	struct pt_pos pos;
	int err;

	if (!pt_va_canonical(va) || !IS_ALIGNED(va, HUGE_SIZE) ||
	    !IS_ALIGNED(pfn, HUGE_NR_PAGES) || pfn >= PT_PFN_LIMIT)
		return -MM_EINVAL;
	err = pt_descend_alloc(root_pfn, va, 2, &pos);
	if (err)
		return err;
	if (*pos.entry != 0)
		return -MM_EEXIST;
	pt_entry_set(pos.table, pos.entry, pte_mk(pfn, flags | PTE_P | PTE_PS));
	return 0;
}

/* Find the 2 MiB leaf covering va. Returns true and fills pos if there is one. */
static bool pt_find_huge(uint64_t root_pfn, uint64_t va, struct pt_pos *pos)
{
	return pt_descend(root_pfn, va, 2, NULL, pos) == 0 && pte_huge(*pos->entry);
}

int pt_unmap_huge(uint64_t root_pfn, uint64_t va, pte_t *old)
{
	struct pt_pos pos;
	pte_t e;

	if (!pt_va_canonical(va))
		return -MM_EINVAL;
	if (!pt_find_huge(root_pfn, va, &pos))
		return -MM_ENOENT;
	e = pt_entry_take(pos.table, pos.entry);
	mm_plat_tlb_flush_range(root_pfn, va & HUGE_MASK, (va & HUGE_MASK) + HUGE_SIZE);
	if (old)
		*old = e;
	return 0;
}

/*
 * Replace the 2 MiB leaf at pos by a table from pool. The leaf is cleared
 * and flushed before the table goes in (as Linux does), so no CPU ever
 * holds 2 MiB and 4 KiB translations of the same address at once, and the
 * A/D bits read by the clearing exchange carry into the 512 entries.
 */
static void pt_split_at(uint64_t root_pfn, struct pt_pos *pos, uint64_t va,
			struct pt_pool *pool)
{
	struct page *ptp = pt_pool_take(pool, 1);
	pte_t *pt = page_address(ptp);
	uint64_t start = va & HUGE_MASK;
	pte_t huge = pt_entry_take(pos->table, pos->entry);
	uint64_t base = pte_huge_pfn(huge);
	pte_t flags = huge & PTE_FLAGS_MASK & ~PTE_PS;

	mm_plat_tlb_flush_range(root_pfn, start, start + HUGE_SIZE);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		pt[i] = pte_mk(base + i, flags);
	ptp->pt_used = PT_ENTRIES;
	pt_entry_set(pos->table, pos->entry, pt_table_entry(ptp));
}

int pt_split_huge(uint64_t root_pfn, uint64_t va)
{
	struct pt_pool pool = { 0 };
	struct pt_pos pos;

	if (!pt_va_canonical(va))
		return -MM_EINVAL;
	if (!pt_find_huge(root_pfn, va, &pos))
		return -MM_ENOENT;
	if (pt_pool_fill(&pool, 1))
		return -MM_ENOMEM;
	pt_split_at(root_pfn, &pos, va, &pool);
	return 0;
}

/* ---- batch map ------------------------------------------------------------ */

/*
 * Scan the part of pfns for one page table. Returns true when some page in
 * it is to be mapped; sets *bad when a frame is out of range.
 */
static bool pt_batch_chunk_wanted(const uint64_t *pfns, unsigned n, bool *bad)
{
	bool wanted = false;

	for (unsigned i = 0; i < n; i++) {
		if (pfns[i] == PT_BATCH_SKIP)
			continue;
		if (pfns[i] >= PT_PFN_LIMIT)
			*bad = true;
		wanted = true;
	}
	return wanted;
}

/* Write one page table's share of a batch. Returns the entries written. */
static unsigned pt_batch_fill(struct page *ptp, uint64_t va, const uint64_t *pfns,
			      unsigned n, pte_t flags)
{
	pte_t *pt = &pt_table(page_to_pfn(ptp))[pt_index(va, 1)];
	unsigned written = 0;

	for (unsigned i = 0; i < n; i++) {
		if (pfns[i] == PT_BATCH_SKIP || pt[i] != 0)
			continue;
		pt[i] = pte_mk(pfns[i], flags);
		written++;
	}
	ptp->pt_used = (uint16_t)(ptp->pt_used + written);
	return written;
}

/* Pages of a batch starting at va that fall in va's page table. */
static unsigned pt_batch_chunk_len(uint64_t va, unsigned left)
{
	uint64_t room = (HUGE_SIZE - (va & (HUGE_SIZE - 1))) >> PAGE_SHIFT;
	return room < left ? (unsigned)room : left;
}

/*
 * Read-only first pass: validate the frames, count the page tables to
 * create, and remember the tables found for the first chunks so the write
 * pass need not walk to them again. Returns 0 or -MM_EINVAL.
 */
static int pt_batch_plan(uint64_t root_pfn, uint64_t va, const uint64_t *pfns,
			 unsigned n, struct page *found[PT_BATCH_REMEMBER],
			 uint64_t *need)
{
	uint64_t last[PT_LEVELS + 1] = { 0 };
	unsigned k = 0;
	bool bad = false;

	*need = 0;
	for (unsigned done = 0; done < n; k++) {
		unsigned len = pt_batch_chunk_len(va, n - done);
		struct pt_pos pos;

		if (k < PT_BATCH_REMEMBER)
			found[k] = NULL;
		if (pt_batch_chunk_wanted(pfns + done, len, &bad)) {
			int err = pt_descend(root_pfn, va, 1, NULL, &pos);
			if (err == 0 && k < PT_BATCH_REMEMBER)
				found[k] = pos.table;
			else if (err == -MM_ENOENT)
				*need += pt_count_missing(last, va, pos.level, 1);
		}
		done += len;
		va += (uint64_t)len << PAGE_SHIFT;
	}
	return bad ? -MM_EINVAL : 0;
}

int pt_map_batch(uint64_t root_pfn, uint64_t va, const uint64_t *pfns,
		 unsigned n, pte_t flags)
{
	struct page *found[PT_BATCH_REMEMBER];
	struct pt_pool pool = { 0 };
	uint64_t need;
	unsigned k = 0;
	int written = 0;
	int err;

	va &= PAGE_MASK;
	if (n > (unsigned)INT32_MAX || va >= USER_VA_END ||
	    n > (USER_VA_END - va) >> PAGE_SHIFT)
		return -MM_EINVAL;
	err = pt_batch_plan(root_pfn, va, pfns, n, found, &need);
	if (err)
		return err;
	if (pt_pool_fill(&pool, need))
		return -MM_ENOMEM;
	flags |= PTE_P;
	for (unsigned done = 0; done < n; k++) {
		unsigned len = pt_batch_chunk_len(va, n - done);
		struct page *ptp = k < PT_BATCH_REMEMBER ? found[k] : NULL;
		struct pt_pos pos;
		bool bad = false;

		if (!ptp && pt_batch_chunk_wanted(pfns + done, len, &bad) &&
		    pt_descend(root_pfn, va, 1, &pool, &pos) == 0)
			ptp = pos.table;
		/* No table: every page skipped, or a 2 MiB leaf covers the chunk. */
		if (ptp)
			written += (int)pt_batch_fill(ptp, va, pfns + done, len, flags);
		done += len;
		va += (uint64_t)len << PAGE_SHIFT;
	}
	MM_ASSERT(pool.count == 0, "pt_map_batch: tables miscounted");
	return written;
}

/* ---- range iteration ------------------------------------------------------- */

/*
 * Entries [*first, *last] of a table at `level` covering from base that
 * intersect [start, end); start < end, both inside the table's coverage.
 */
static void pt_index_range(int level, uint64_t base, uint64_t start, uint64_t end,
			   unsigned *first, unsigned *last)
{
	*first = (unsigned)((start - base) >> pt_shift(level));
	*last = (unsigned)((end - 1 - base) >> pt_shift(level));
}

/*
 * Call fn for every non-empty leaf of the table at pfn (level, covering
 * from base) that intersects [start, end); start < end and both lie in the
 * table's coverage.
 */
static int pt_leaves_in(uint64_t pfn, int level, uint64_t base, uint64_t start,
			uint64_t end, pt_leaf_fn fn, void *ctx)
{
	struct page *pg = pfn_to_page(pfn);
	pte_t *tbl = pt_table(pfn);
	unsigned first, last;

	pt_index_range(level, base, start, end, &first, &last);
	for (unsigned i = first; i <= last; i++) {
		uint64_t va = base + ((uint64_t)i << pt_shift(level));
		pte_t e = tbl[i];
		int r;

		if (e == 0)
			continue;
		if (pt_entry_is_leaf(e, level))
			r = fn(ctx, va, &tbl[i], level, pg);
		else
			r = pt_leaves_in(pte_pfn(e), level - 1, va, MM_MAX(start, va),
					 MM_MIN(end, va + pt_span(level)), fn, ctx);
		if (r)
			return r;
	}
	return 0;
}

/* The range walk behind for_each_leaf, protect and copy: user half, pages. */
static int pt_leaves(uint64_t root_pfn, uint64_t start, uint64_t end,
		     pt_leaf_fn fn, void *ctx)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (start >= end)
		return 0;
	pt_stat_walks++;
	return pt_leaves_in(root_pfn, PT_LEVELS, 0, start, end, fn, ctx);
}

int pt_for_each_leaf(uint64_t root_pfn, uint64_t start, uint64_t end,
		     pt_leaf_fn fn, void *ctx)
{
	if (!pt_range_ok(start, end))
		return -MM_EINVAL;
	return pt_leaves(root_pfn, start, end, fn, ctx);
}

/* ---- protect ------------------------------------------------------------- */

struct pt_protect_ctx {
	pte_t clear, set;
	bool changed;
};

static int pt_protect_leaf(void *arg, uint64_t va, pte_t *entry, int level,
			   struct page *table)
{
	struct pt_protect_ctx *c = arg;

	(void)va;
	(void)level;
	if (pt_entry_update(table, entry, c->clear, c->set))
		c->changed = true;
	return 0;
}

/*
 * Split the 2 MiB leaves only partly inside [start, end): at most the one
 * holding start and the one holding end. Both tables are taken before
 * either split, so -MM_ENOMEM leaves everything as it was.
 */
static int pt_protect_split_edges(uint64_t root_pfn, uint64_t start, uint64_t end)
{
	struct pt_pool pool = { 0 };
	struct pt_pos head, tail;
	bool split_head = !IS_ALIGNED(start, HUGE_SIZE) && pt_find_huge(root_pfn, start, &head);
	bool split_tail = !IS_ALIGNED(end, HUGE_SIZE) && pt_find_huge(root_pfn, end, &tail) &&
			  !(split_head && head.entry == tail.entry);

	if (pt_pool_fill(&pool, (uint64_t)split_head + (uint64_t)split_tail))
		return -MM_ENOMEM;
	if (split_head)
		pt_split_at(root_pfn, &head, start, &pool);
	if (split_tail)
		pt_split_at(root_pfn, &tail, end, &pool);
	return 0;
}

int pt_protect(uint64_t root_pfn, uint64_t start, uint64_t end, pte_t set,
	       pte_t clear)
{
	struct pt_protect_ctx c = {
		.clear = clear & PT_PROT_BITS,
		.set = set & PT_PROT_BITS,
	};
	int err;

	if (!pt_range_ok(start, end))
		return -MM_EINVAL;
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (start == end)
		return 0;
	err = pt_protect_split_edges(root_pfn, start, end);
	if (err)
		return err;
	pt_leaves(root_pfn, start, end, pt_protect_leaf, &c);
	if (c.changed)
		mm_plat_tlb_flush_range(root_pfn, start, end);
	return 0;
}

/* ---- copy (fork) ------------------------------------------------------------ */

struct pt_copy_ctx {
	uint64_t dst_root;
	pt_copy_fn fn;
	void *fn_ctx;
	struct pt_pool *pool;      /* NULL in the counting pass */
	uint64_t need;             /* counting pass: tables dst lacks */
	uint64_t last[PT_LEVELS + 1];
	uint64_t pt_region;        /* (va >> HUGE_SHIFT) + 1 of pt_cached */
	struct page *pt_cached;    /* dst page table of that 2 MiB region */
};

/*
 * The dst entry for (va, level): 0 with *pos filled, -MM_ENOENT when a
 * table is missing, -MM_EEXIST when a leaf above covers va. Consecutive
 * 4 KiB leaves reuse the page table found last instead of walking.
 */
static int pt_copy_dst(struct pt_copy_ctx *c, uint64_t va, int level,
		       struct pt_pool *pool, struct pt_pos *pos)
{
	uint64_t region = (va >> HUGE_SHIFT) + 1;
	int err;

	if (level == 1 && c->pt_region == region) {
		pos->table = c->pt_cached;
		pos->entry = &pt_table(page_to_pfn(c->pt_cached))[pt_index(va, 1)];
		pos->level = 1;
		return 0;
	}
	err = pt_descend(c->dst_root, va, level, pool, pos);
	if (err == 0 && level == 1) {
		c->pt_region = region;
		c->pt_cached = pos->table;
	}
	return err;
}

static int pt_copy_count_leaf(void *arg, uint64_t va, pte_t *entry, int level,
			      struct page *table)
{
	struct pt_copy_ctx *c = arg;
	struct pt_pos pos;

	(void)entry;
	(void)table;
	if (pt_copy_dst(c, va, level, NULL, &pos) == -MM_ENOENT)
		c->need += pt_count_missing(c->last, va, pos.level, level);
	return 0;
}

static int pt_copy_leaf(void *arg, uint64_t va, pte_t *entry, int level,
			struct page *table)
{
	struct pt_copy_ctx *c = arg;
	struct pt_pos pos;
	int err = pt_copy_dst(c, va, level, NULL, &pos);
	pte_t val;

	/* An occupied slot in dst is left alone and fn is not asked. */
	if (err == -MM_EEXIST || (err == 0 && *pos.entry != 0))
		return 0;
	val = c->fn(c->fn_ctx, va, entry, level, table);
	if (val == 0)
		return 0;
	MM_ASSERT(level == 1 || pte_huge(val), "pt_copy_range: 2 MiB leaf copied without PS");
	if (err == -MM_ENOENT) {
		err = pt_copy_dst(c, va, level, c->pool, &pos);
		MM_ASSERT(err == 0, "pt_copy_range: tables miscounted");
	}
	pt_entry_set(pos.table, pos.entry, val);
	return 0;
}

int pt_copy_range(uint64_t dst_root, uint64_t src_root, uint64_t start,
		  uint64_t end, pt_copy_fn fn, void *ctx)
{
	struct pt_pool pool = { 0 };
	struct pt_copy_ctx c = { .dst_root = dst_root, .fn = fn, .fn_ctx = ctx };

	if (!pt_range_ok(start, end) || dst_root == src_root)
		return -MM_EINVAL;
	pt_leaves(src_root, start, end, pt_copy_count_leaf, &c);
	if (pt_pool_fill(&pool, c.need))
		return -MM_ENOMEM;
	c.pool = &pool;
	c.pt_region = 0;
	pt_leaves(src_root, start, end, pt_copy_leaf, &c);
	/* fn may have declined leaves whose tables were counted. */
	pt_pool_drain(&pool);
	return 0;
}

/* ---- freeing empty tables -------------------------------------------------- */

struct pt_freed {
	uint64_t lo, hi; /* span covered by the tables freed; lo == hi: none */
};

/*
 * Free the empty tables below the table at pfn (level >= 2) whose coverage
 * intersects [start, end), children first so a table emptied by freeing
 * its children goes too.
 */
static void pt_free_empty_in(uint64_t pfn, int level, uint64_t base, uint64_t start,
			     uint64_t end, struct pt_freed *freed)
{
	struct page *pg = pfn_to_page(pfn);
	pte_t *tbl = pt_table(pfn);
	unsigned first, last;

	pt_index_range(level, base, start, end, &first, &last);
	for (unsigned i = first; i <= last; i++) {
		uint64_t va = base + ((uint64_t)i << pt_shift(level));
		pte_t e = tbl[i];
		struct page *child;

		if (e == 0 || pt_entry_is_leaf(e, level))
			continue;
		if (level > 2)
			pt_free_empty_in(pte_pfn(e), level - 1, va, MM_MAX(start, va),
					 MM_MIN(end, va + pt_span(level)), freed);
		child = pfn_to_page(pte_pfn(e));
		if (child->pt_used != 0)
			continue;
		pt_entry_clear(pg, &tbl[i]);
		pt_table_free(child);
		/* A parent is freed after its children and starts at or below them. */
		freed->lo = freed->lo == freed->hi ? va : MM_MIN(freed->lo, va);
		freed->hi = MM_MAX(freed->hi, va + pt_span(level));
	}
}

void pt_free_empty(uint64_t root_pfn, uint64_t start, uint64_t end)
{
	struct pt_freed freed = { 0, 0 };

	if (!pt_range_ok(start, end) || start == end)
		return;
	pt_free_empty_in(root_pfn, PT_LEVELS, 0, start, end, &freed);
	/* Paging-structure caches may still point at the freed tables. */
	if (freed.lo != freed.hi)
		mm_plat_tlb_flush_range(root_pfn, freed.lo, freed.hi);
}

void pt_free_empty_ptes(uint64_t root_pfn, uint64_t start, uint64_t end)
{
	uint64_t lo = 0, hi = 0;

	if (!pt_range_ok(start, end))
		return;
	for (uint64_t va = ALIGN_UP(start, HUGE_SIZE); va < ALIGN_DOWN(end, HUGE_SIZE);
	     va += HUGE_SIZE) {
		struct page *pd, *child;
		pte_t *pde = pt_walk(root_pfn, va, 2, false, &pd, NULL);

		if (!pde || pte_none(*pde) || pte_huge(*pde))
			continue;
		child = pfn_to_page(pte_pfn(*pde));
		if (child->pt_used != 0)
			continue;
		pt_entry_clear(pd, pde);
		pt_table_free(child);
		lo = hi == 0 ? va : lo;
		hi = va + HUGE_SIZE;
	}
	/* Paging-structure caches may still point at the freed tables. */
	if (hi)
		mm_plat_tlb_flush_range(root_pfn, lo, hi);
}

/* ---- accounting and checking ------------------------------------------------ */

static void pt_count_below(uint64_t pfn, int level, unsigned nr_entries, uint64_t counts[5])
{
	pte_t *tbl = pt_table(pfn);

	counts[level]++;
	if (level == 1)
		return;
	for (unsigned i = 0; i < nr_entries; i++)
		if (tbl[i] != 0 && !pt_entry_is_leaf(tbl[i], level))
			pt_count_below(pte_pfn(tbl[i]), level - 1, PT_ENTRIES, counts);
}

void pt_count_tables(uint64_t root_pfn, uint64_t counts[5])
{
	for (int l = 0; l <= PT_LEVELS; l++)
		counts[l] = 0;
	pt_count_below(root_pfn, PT_LEVELS, PT_ENTRIES / 2, counts);
}

/* Verify one table entry that is not empty. Returns table pages below it. */
static uint64_t pt_check_table(uint64_t pfn, int level, unsigned nr_walk);

static uint64_t pt_check_entry(pte_t e, int level)
{
	if (level == 1)
		return 0;
	if (pte_huge(e)) {
		MM_ASSERT(level == 2, "pt_check: PS entry above level 2");
		MM_ASSERT((e & PT_HUGE_RESERVED_BITS) == 0,
			  "pt_check: 2 MiB leaf with reserved address bits");
		return 0;
	}
	MM_ASSERT(pte_present(e), "pt_check: table pointer without P");
	MM_ASSERT(pfn_valid(pte_pfn(e)), "pt_check: table outside the descriptor map");
	return pt_check_table(pte_pfn(e), level - 1, PT_ENTRIES);
}

/* Verify the table at pfn and those below its first nr_walk entries. */
static uint64_t pt_check_table(uint64_t pfn, int level, unsigned nr_walk)
{
	struct page *pg = pfn_to_page(pfn);
	pte_t *tbl = pt_table(pfn);
	uint64_t tables = 1;
	unsigned used = 0;

	MM_ASSERT(pg->flags & PG_PAGETABLE, "pt_check: table page not PG_PAGETABLE");
	MM_ASSERT(!(pg->flags & PG_BUDDY), "pt_check: table page is free");
	MM_ASSERT(pg->pt_level == level, "pt_check: table page at the wrong level");
	MM_ASSERT(pg->refcount == 1, "pt_check: table page refcount is not 1");
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if (tbl[i] == 0)
			continue;
		used++;
		if (i < nr_walk)
			tables += pt_check_entry(tbl[i], level);
	}
	MM_ASSERT(used == pg->pt_used, "pt_check: pt_used does not match the entries");
	return tables;
}

int pt_check(uint64_t root_pfn, uint64_t *tables)
{
	uint64_t n;

	MM_ASSERT(pfn_valid(root_pfn), "pt_check: root outside the descriptor map");
	/* The upper half is the kernel's shared tables, checked by the kernel. */
	n = pt_check_table(root_pfn, PT_LEVELS, PT_ENTRIES / 2);
	if (tables)
		*tables += n;
	return 0;
}
