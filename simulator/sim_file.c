/*
 * simulator/sim_file.c - synthetic files with a page cache in simulated RAM
 * (see sim_file.h). The cache is a two-level table (chunks of 512 frame
 * pointers allocated on demand) so a large, sparsely used file costs little.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmcore/buddy.h"
#include "sim_file.h"

#define CHUNK 512u

struct sim_file *sim_files;

static struct sim_file *file_of(struct mm_file *f)
{
	return (struct sim_file *)f;
}

static uint64_t file_size(struct mm_file *mf)
{
	return file_of(mf)->size;
}

/* Contents of a fresh cache frame: o mod 251 up to the end of the file, then zeros. */
static void file_fill(const struct sim_file *f, struct page *pg, uint64_t index)
{
	uint8_t *p = page_address(pg);
	uint64_t off = index * PAGE_SIZE;
	unsigned valid = f->size - off >= PAGE_SIZE ? PAGE_SIZE : (unsigned)(f->size - off);
	unsigned v = (unsigned)(off % 251);
	for (unsigned i = 0; i < valid; i++) {
		p[i] = (uint8_t)v;
		if (++v == 251)
			v = 0;
	}
	memset(p + valid, 0, PAGE_SIZE - valid);
	if (f->holes && (f->holes[index / 8] & (1u << (index % 8))))
		memset(p, 0, PAGE_SIZE);
}

static struct page **file_slot(struct sim_file *f, uint64_t index, bool alloc)
{
	struct page ***chunk = &f->chunks[index / CHUNK];
	if (!*chunk) {
		if (!alloc)
			return NULL;
		*chunk = calloc(CHUNK, sizeof(**chunk));
		if (!*chunk)
			return NULL;
	}
	return &(*chunk)[index % CHUNK];
}

static int file_get_page(struct mm_file *mf, uint64_t index, struct page **out)
{
	struct sim_file *f = file_of(mf);
	struct page **slot, *pg;

	if (index >= f->npages)
		return -MM_EFAULT;
	slot = file_slot(f, index, true);
	if (!slot)
		return -MM_ENOMEM;
	if (!*slot) {
		pg = buddy_alloc(0);
		if (!pg && sim_file_reclaim_all() > 0)
			pg = buddy_alloc(0);
		if (!pg)
			return -MM_ENOMEM;
		page_ref_init(pg); /* the cache's own reference */
		pg->flags |= PG_CACHE;
		pg->cache.file = mf;
		pg->cache.index = index;
		file_fill(f, pg, index);
		*slot = pg;
		f->cached++;
	}
	page_ref_inc(*slot);
	*out = *slot;
	return 0;
}

static void file_set_dirty(struct mm_file *mf, struct page *pg)
{
	(void)mf;
	pg->flags |= PG_DIRTY;
}

static void file_get(struct mm_file *mf)
{
	file_of(mf)->refs++;
}

static void file_free(struct sim_file *f)
{
	struct sim_file **pp;
	for (pp = &sim_files; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	for (uint64_t i = 0; i < f->nchunks; i++)
		free(f->chunks[i]);
	free(f->chunks);
	free(f->holes);
	free(f);
}

static void file_put(struct mm_file *mf)
{
	struct sim_file *f = file_of(mf);
	MM_ASSERT(f->refs > 0, "sim_file_put: reference count underflow");
	if (--f->refs == 0)
		file_free(f);
}

static const struct mm_file_ops sim_file_ops = {
	.size = file_size,
	.get_page = file_get_page,
	.set_dirty = file_set_dirty,
	.get = file_get,
	.put = file_put,
};

struct sim_file *sim_file_create(const char *name, uint64_t size, uint64_t ino)
{
	struct sim_file *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->size = size;
	f->npages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	f->nchunks = (f->npages + CHUNK - 1) / CHUNK;
	f->chunks = calloc(f->nchunks ? f->nchunks : 1, sizeof(*f->chunks));
	if (!f->chunks) {
		free(f);
		return NULL;
	}
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->base.ops = &sim_file_ops;
	f->base.name = f->name;
	f->base.ino = ino;
	f->refs = 1;
	f->next = sim_files;
	sim_files = f;
	return f;
}

/*
 * Free the cached frame in *slot if only the cache holds it (and, when
 * clean_only, it was never written through a shared mapping). Returns 1
 * when freed.
 */
static uint64_t slot_release(struct sim_file *f, struct page **slot, bool clean_only)
{
	struct page *pg = *slot;
	if (!pg || page_ref_count(pg) != 1 || (clean_only && (pg->flags & PG_DIRTY)))
		return 0;
	pg->flags &= ~(PG_CACHE | PG_DIRTY);
	page_put(pg);
	*slot = NULL;
	f->cached--;
	return 1;
}

static uint64_t file_release_all(struct sim_file *f, bool clean_only)
{
	uint64_t freed = 0;
	for (uint64_t c = 0; c < f->nchunks; c++) {
		if (!f->chunks[c])
			continue;
		for (unsigned i = 0; i < CHUNK; i++)
			freed += slot_release(f, &f->chunks[c][i], clean_only);
	}
	return freed;
}

int sim_file_punch(struct sim_file *f, uint64_t first, uint64_t last)
{
	if (last > f->npages)
		last = f->npages;
	if (first >= last)
		return 0;
	if (!f->holes && !(f->holes = calloc((f->npages + 7) / 8, 1)))
		return -1;
	for (uint64_t i = first; i < last; i++) {
		struct page **slot = file_slot(f, i, false);
		f->holes[i / 8] |= (uint8_t)(1u << (i % 8));
		if (!slot || !*slot)
			continue;
		/* Still referenced (mmcore unmapped it from every mapping): zero it in place. */
		if (!slot_release(f, slot, false))
			memset(page_address(*slot), 0, PAGE_SIZE);
	}
	return 0;
}

uint64_t sim_file_reclaim_all(void)
{
	uint64_t freed = 0;
	for (struct sim_file *f = sim_files; f; f = f->next)
		freed += file_release_all(f, true);
	return freed;
}

uint64_t sim_file_destroy(struct sim_file *f)
{
	uint64_t left;
	file_release_all(f, false);
	left = f->cached;
	file_put(&f->base);
	return left;
}

uint64_t sim_file_cached_pages(void)
{
	uint64_t n = 0;
	for (struct sim_file *f = sim_files; f; f = f->next)
		n += f->cached;
	return n;
}

int32_t sim_file_extra_refs(uint64_t pfn, void *ctx)
{
	struct page *pg;
	(void)ctx;
	if (!pfn_valid(pfn))
		return 0;
	pg = pfn_to_page(pfn);
	if (!(pg->flags & PG_CACHE))
		return 0;
	for (struct sim_file *f = sim_files; f; f = f->next) {
		if (pg->cache.file == &f->base && pg->cache.index < f->npages) {
			struct page **slot = file_slot(f, pg->cache.index, false);
			return slot && *slot == pg ? 1 : 0;
		}
	}
	return 0;
}
