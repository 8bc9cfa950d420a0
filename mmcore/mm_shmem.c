/*
 * mmcore/mm_shmem.c - shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS).
 *
 * Linux backs such a mapping with an unnamed shmem file, so fork shares it
 * and its pages count as RssShmem. Here it is an mm_file whose page cache
 * is an array of frames indexed by page, allocated on first fault and
 * zero-filled; the cache holds one reference on each frame. The object is
 * freed when the last VMA referring to it goes.
 */
#include "mmcore/mm_internal.h"

struct mm_shmem {
	struct mm_file file;       /* must stay first */
	uint64_t size;             /* bytes */
	uint64_t npages;
	struct page **pages;       /* npages entries, NULL where never touched */
	int32_t refs;
	struct mm_shmem *next, *prev; /* all live objects, for mm_check */
};

static struct mm_shmem *shmem_list;
static uint64_t shmem_count;
static uint64_t shmem_next_ino = 1;

static struct mm_shmem *shmem_of(struct mm_file *f)
{
	return (struct mm_shmem *)f;
}

static uint64_t shmem_size(struct mm_file *f)
{
	return shmem_of(f)->size;
}

static int shmem_get_page(struct mm_file *f, uint64_t index, struct page **out)
{
	struct mm_shmem *s = shmem_of(f);
	struct page *pg;

	if (index >= s->npages)
		return -MM_EFAULT;
	pg = s->pages[index];
	if (!pg) {
		pg = buddy_alloc(0);
		if (!pg)
			return -MM_ENOMEM;
		mm_plat_zero_page(page_address(pg));
		pg->flags |= PG_CACHE;
		pg->cache.file = f;
		pg->cache.index = index;
		page_ref_init(pg); /* the cache's own reference */
		s->pages[index] = pg;
	}
	page_ref_inc(pg);
	*out = pg;
	return 0;
}

static void shmem_get(struct mm_file *f)
{
	shmem_of(f)->refs++;
}

static void shmem_release_page(struct mm_shmem *s, uint64_t i)
{
	struct page *pg = s->pages[i];

	if (!pg)
		return;
	s->pages[i] = NULL;
	/* Address spaces still mapping it keep it alive through their references. */
	if (page_ref_count(pg) > 1) {
		pg->flags &= ~PG_CACHE;
		pg->cache.file = NULL;
	}
	page_put(pg);
}

static void shmem_put(struct mm_file *f)
{
	struct mm_shmem *s = shmem_of(f);

	MM_ASSERT(s->refs > 0, "shmem_put: reference underflow");
	if (--s->refs > 0)
		return;
	for (uint64_t i = 0; i < s->npages; i++)
		shmem_release_page(s, i);
	if (s->prev)
		s->prev->next = s->next;
	else
		shmem_list = s->next;
	if (s->next)
		s->next->prev = s->prev;
	shmem_count--;
	mm_plat_obj_free(s->pages, s->npages * sizeof(*s->pages));
	mm_plat_obj_free(s, sizeof(*s));
}

static const struct mm_file_ops shmem_ops = {
	.size = shmem_size,
	.get_page = shmem_get_page,
	.set_dirty = NULL,
	.get = shmem_get,
	.put = shmem_put,
};

int mm_shmem_create(uint64_t size, struct mm_file **out)
{
	struct mm_shmem *s = mm_plat_obj_alloc(sizeof(*s));

	if (!s)
		return -MM_ENOMEM;
	__builtin_memset(s, 0, sizeof(*s));
	s->size = size;
	s->npages = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;
	s->pages = mm_plat_obj_alloc(s->npages * sizeof(*s->pages));
	if (!s->pages) {
		mm_plat_obj_free(s, sizeof(*s));
		return -MM_ENOMEM;
	}
	__builtin_memset(s->pages, 0, s->npages * sizeof(*s->pages));
	s->file.ops = &shmem_ops;
	s->file.name = "/dev/zero (deleted)";
	s->file.ino = shmem_next_ino++;
	s->refs = 1;
	s->next = shmem_list;
	if (shmem_list)
		shmem_list->prev = s;
	shmem_list = s;
	shmem_count++;
	*out = &s->file;
	return 0;
}

bool mm_file_is_shmem(const struct mm_file *f)
{
	return f->ops == &shmem_ops;
}

void mm_shmem_punch(struct mm_file *f, uint64_t first, uint64_t last)
{
	struct mm_shmem *s = shmem_of(f);

	/* Like Linux's hole punch: every address space stops seeing the pages. */
	mm_zap_file_pages(f, first, MM_MIN(last, s->npages));
	for (uint64_t i = first; i < last && i < s->npages; i++)
		shmem_release_page(s, i);
}

void mm_shmem_count_refs(int32_t *counts)
{
	for (struct mm_shmem *s = shmem_list; s; s = s->next)
		for (uint64_t i = 0; i < s->npages; i++)
			if (s->pages[i])
				counts[page_to_pfn(s->pages[i]) - page_base_pfn]++;
}

uint64_t mm_shmem_live(void)
{
	return shmem_count;
}
