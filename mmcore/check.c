/*
 * mmcore/check.c - the invariant checker (design.md): page tables against
 * VMAs and counters per address space, and every frame's refcount and
 * mapcount against the mappings found in all address spaces plus the page
 * cache. Any violation panics with what was found.
 */
#include "mmcore/mm_internal.h"

/*
 * Whether every page-table frame must belong to one of the spaces handed
 * to mm_check (true in the simulator and tests). A home whose own tables
 * (the kernel's upper half, boot tables) also come from the buddy
 * allocator defines this to 0 in its platform header.
 */
#ifndef MM_CHECK_ALL_TABLES_IN_SPACES
#define MM_CHECK_ALL_TABLES_IN_SPACES 1
#endif

struct check_space_ctx {
	struct mm *mm;
	int32_t *refs, *maps;   /* per frame (NULL: per-space check only) */
	uint64_t rss_anon, rss_file, rss_shmem, anon_huge;
};

/* Permission bits of a leaf may not exceed its VMA's. */
static void check_leaf_perms(const struct vma *v, pte_t e)
{
	MM_ASSERT(!pte_write(e) || (v->flags & VM_WRITE),
		  "mm_check: writable leaf in a read-only VMA");
	MM_ASSERT(!pte_present(e) || (v->flags & VM_PROT_MASK),
		  "mm_check: present leaf in a PROT_NONE VMA");
	MM_ASSERT(pte_present(e) || !(v->flags & VM_PROT_MASK),
		  "mm_check: non-present leaf in an accessible VMA");
	MM_ASSERT((e & PTE_NX) || (v->flags & VM_EXEC),
		  "mm_check: executable leaf in a non-executable VMA");
}

/* Record one leaf's page for the frame count check. */
static void check_count_frame(struct check_space_ctx *c, struct page *head)
{
	uint64_t i = page_to_pfn(head) - page_base_pfn;

	if (!c->refs || (head->flags & PG_ZERO))
		return;
	c->refs[i]++;
	c->maps[i]++;
}

static int check_leaf(void *arg, uint64_t va, pte_t *entry, int level, struct page *table)
{
	struct check_space_ctx *c = arg;
	pte_t e = *entry;
	bool huge = level == 2;
	uint64_t pfn = huge ? pte_huge_pfn(e) : pte_pfn(e);
	uint64_t size = huge ? HUGE_SIZE : PAGE_SIZE;
	struct vma *v = vma_lookup(&c->mm->vmas, va);
	struct page *head;
	uint64_t pages = size >> PAGE_SHIFT;

	MM_ASSERT(v && va + size <= v->end, "mm_check: leaf outside every VMA");
	MM_ASSERT(pfn_valid(pfn), "mm_check: leaf maps a frame without descriptor");
	check_leaf_perms(v, e);
	head = page_compound_head(pfn_to_page(pfn));
	MM_ASSERT(!(head->flags & (PG_BUDDY | PG_PAGETABLE | PG_RESERVED)),
		  "mm_check: leaf maps a free, table or reserved frame");
	MM_ASSERT(!huge || (head->flags & PG_HEAD), "mm_check: 2 MiB leaf on a non-compound page");
	check_count_frame(c, head);
	if (head->flags & PG_ZERO) {
		MM_ASSERT(!pte_write(e), "mm_check: writable zero page");
		return 0;
	}
	if (vma_is_shmem(v))
		c->rss_shmem += pages;
	else if (head->flags & PG_ANON) {
		c->rss_anon += pages;
		if (huge)
			c->anon_huge += pages;
	} else
		c->rss_file += pages;
	return 0;
}

/* Check mm; with refs/maps, also add its mappings to the frame counts. */
static void check_space(struct mm *mm, int32_t *refs, int32_t *maps, uint64_t *tables)
{
	struct check_space_ctx c = { .mm = mm, .refs = refs, .maps = maps };
	uint64_t total = 0;

	pt_check(mm->root_pfn, tables);
	vma_check(&mm->vmas);
	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v))
		total += vma_pages(v);
	MM_ASSERT(total == mm->total_vm, "mm_check: total_vm differs from the VMAs");
	pt_for_each_leaf(mm->root_pfn, 0, USER_VA_END, check_leaf, &c);
	MM_ASSERT(c.rss_anon == mm->rss_anon, "mm_check: rss_anon differs from the tables");
	MM_ASSERT(c.rss_file == mm->rss_file, "mm_check: rss_file differs from the tables");
	MM_ASSERT(c.rss_shmem == mm->rss_shmem, "mm_check: rss_shmem differs from the tables");
	MM_ASSERT(c.anon_huge == mm->anon_huge, "mm_check: anon_huge differs from the tables");
}

int mm_check_space(struct mm *mm)
{
	check_space(mm, NULL, NULL, NULL);
	return 0;
}

/* Compare every allocated frame with what was found; count table pages. */
static void check_frames(const int32_t *refs, const int32_t *maps, uint64_t tables,
			 int32_t (*extra_refs)(uint64_t pfn, void *ctx), void *ctx)
{
	uint64_t table_pages = 0;

	for (uint64_t i = 0; i < page_nr; i++) {
		struct page *pg = &page_map[i];
		uint64_t pfn = page_base_pfn + i;
		int32_t extra;

		if (!(pg->flags & PG_ALLOCATED) || (pg->flags & PG_TAIL))
			continue;
		if (pg->flags & PG_PAGETABLE) {
			table_pages++;
			continue;
		}
		if (pg->flags & PG_ZERO) {
			MM_ASSERT(pg == mm_zero_page || pg == mm_huge_zero_page,
				  "mm_check: stray zero page");
			continue;
		}
		/* Frames that are neither user memory nor mapped belong to the home. */
		if (!(pg->flags & (PG_ANON | PG_CACHE)) && maps[i] == 0 && refs[i] == 0)
			continue;
		extra = extra_refs ? extra_refs(pfn, ctx) : 0;
		if (pg->mapcount != maps[i] || pg->refcount != refs[i] + extra)
			mm_plat_log("mm_check: pfn 0x%lx flags 0x%x refcount %d mapcount %d; found "
				    "%d references in mappings and shmem, %d mappings, %d in the page "
				    "cache\n", (unsigned long)pfn, (unsigned)pg->flags,
				    (int)pg->refcount, (int)pg->mapcount, (int)refs[i], (int)maps[i],
				    (int)extra);
		MM_ASSERT(pg->mapcount == maps[i], "mm_check: mapcount differs from the mappings");
		MM_ASSERT(pg->refcount == refs[i] + extra,
			  "mm_check: refcount differs from mappings + page cache");
		MM_ASSERT(pg->refcount > 0, "mm_check: allocated frame nobody holds (leak)");
	}
	MM_ASSERT(table_pages >= tables, "mm_check: page-table frames counted twice");
	MM_ASSERT(!MM_CHECK_ALL_TABLES_IN_SPACES || table_pages == tables,
		  "mm_check: page-table frames outside every space (leak)");
}

/*
 * The global check over spaces[0..n), or over every live space when
 * spaces is NULL; scratch holds 2 * page_nr counts (NULL: allocated here).
 */
static int check_global(struct mm **spaces, unsigned n, int32_t *scratch,
			int32_t (*extra_refs)(uint64_t pfn, void *ctx), void *ctx)
{
	size_t bytes = page_nr * sizeof(int32_t);
	int32_t *refs = scratch, *maps = scratch ? scratch + page_nr : NULL;
	uint64_t tables = 0;

	buddy_check();
	if (!scratch) {
		refs = mm_plat_obj_alloc(bytes ? bytes : 1);
		maps = mm_plat_obj_alloc(bytes ? bytes : 1);
		if (!refs || !maps) {
			mm_plat_obj_free(refs, bytes);
			mm_plat_obj_free(maps, bytes);
			return -MM_ENOMEM;
		}
	}
	__builtin_memset(refs, 0, bytes);
	__builtin_memset(maps, 0, bytes);
	if (spaces) {
		for (unsigned s = 0; s < n; s++)
			check_space(spaces[s], refs, maps, &tables);
	} else {
		for (struct mm *mm = mm_all_first(); mm; mm = mm->all_next)
			check_space(mm, refs, maps, &tables);
	}
	mm_shmem_count_refs(refs);
	check_frames(refs, maps, tables, extra_refs, ctx);
	if (!scratch) {
		mm_plat_obj_free(refs, bytes);
		mm_plat_obj_free(maps, bytes);
	}
	return 0;
}

int mm_check(struct mm **spaces, unsigned n,
	     int32_t (*extra_refs)(uint64_t pfn, void *ctx), void *ctx)
{
	return check_global(spaces, n, NULL, extra_refs, ctx);
}

int mm_check_all(int32_t *scratch, int32_t (*extra_refs)(uint64_t pfn, void *ctx), void *ctx)
{
	return check_global(NULL, 0, scratch, extra_refs, ctx);
}

uint64_t mm_check_scratch_count(void)
{
	return 2 * page_nr;
}
