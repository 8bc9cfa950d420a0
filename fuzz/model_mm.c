/*
 * fuzz/model_mm.c - the reference model of fuzz_mm (see model_mm.h).
 * Plain host C: sorted arrays and linked lists, no cleverness, so that a
 * disagreement with mmcore is far more likely mmcore's fault than its own.
 */
#include <stdlib.h>
#include <string.h>

#include "model_mm.h"

#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define E_INVAL 22
#define E_ACCES 13
#define E_NOMEM 12

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		abort();
	return p;
}

/* ---- pages ------------------------------------------------------------- */

static struct model_page *page_find(struct model_page *list, uint64_t key)
{
	for (; list; list = list->next)
		if (list->key == key)
			return list;
	return NULL;
}

static struct model_page *page_add(struct model_page **list, uint64_t key)
{
	struct model_page *pg = xcalloc(1, sizeof(*pg));
	pg->key = key;
	pg->next = *list;
	*list = pg;
	return pg;
}

static void pages_free(struct model_page **list)
{
	while (*list) {
		struct model_page *n = (*list)->next;
		free(*list);
		*list = n;
	}
}

/* Drop the pages whose key lies in [lo, hi). */
static void pages_drop(struct model_page **list, uint64_t lo, uint64_t hi)
{
	while (*list) {
		struct model_page *pg = *list;
		if (pg->key >= lo && pg->key < hi) {
			*list = pg->next;
			free(pg);
		} else {
			list = &pg->next;
		}
	}
}

/* ---- objects ----------------------------------------------------------- */

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

void model_fini(struct model *m)
{
	for (int i = 0; i < MODEL_OBJS; i++)
		pages_free(&m->objs[i].pages);
	memset(m, 0, sizeof(*m));
}

int model_obj_new(struct model *m, bool file, uint64_t size)
{
	for (int i = 0; i < MODEL_OBJS; i++) {
		struct model_obj *o = &m->objs[i];
		if (o->used)
			continue;
		memset(o, 0, sizeof(*o));
		o->used = true;
		o->file = file;
		o->size = size;
		return i;
	}
	return -1;
}

void model_obj_release(struct model *m, int i)
{
	pages_free(&m->objs[i].pages);
	memset(&m->objs[i], 0, sizeof(m->objs[i]));
}

/* Byte at offset off of object o as every shared mapping sees it. */
static uint8_t obj_byte(const struct model_obj *o, uint64_t off)
{
	struct model_page *pg = page_find(o->pages, off / MODEL_PAGE);

	if (pg)
		return pg->data[off % MODEL_PAGE];
	if (!o->file || off >= o->size)
		return 0;
	return (uint8_t)(off % 251);
}

/* Past the last page of the object: SIGBUS. */
static bool obj_beyond(const struct model_obj *o, uint64_t off)
{
	return off / MODEL_PAGE >= (o->size + MODEL_PAGE - 1) / MODEL_PAGE;
}

/* The object's page holding off, created from the defaults when first written. */
static struct model_page *obj_page(struct model_obj *o, uint64_t off)
{
	uint64_t idx = off / MODEL_PAGE;
	struct model_page *pg = page_find(o->pages, idx);

	if (!pg) {
		pg = page_add(&o->pages, idx);
		for (uint64_t i = 0; i < MODEL_PAGE; i++) {
			uint64_t b = idx * MODEL_PAGE + i;
			pg->data[i] = (o->file && b < o->size) ? (uint8_t)(b % 251) : 0;
		}
	}
	return pg;
}

/* ---- segments ---------------------------------------------------------- */

void model_proc_init(struct model_proc *p)
{
	memset(p, 0, sizeof(*p));
}

void model_proc_clear(struct model_proc *p)
{
	free(p->segs);
	pages_free(&p->priv);
	memset(p, 0, sizeof(*p));
}

static void seg_insert_at(struct model_proc *p, unsigned i, const struct model_seg *s)
{
	if (p->nsegs == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->segs = realloc(p->segs, p->cap * sizeof(*p->segs));
		if (!p->segs)
			abort();
	}
	memmove(&p->segs[i + 1], &p->segs[i], (p->nsegs - i) * sizeof(*p->segs));
	p->segs[i] = *s;
	p->nsegs++;
}

static void seg_remove_at(struct model_proc *p, unsigned i)
{
	memmove(&p->segs[i], &p->segs[i + 1], (p->nsegs - i - 1) * sizeof(*p->segs));
	p->nsegs--;
}

/* Split the segment strictly containing addr, if any, at addr. */
static void seg_split_at(struct model_proc *p, uint64_t addr)
{
	for (unsigned i = 0; i < p->nsegs; i++) {
		struct model_seg *s = &p->segs[i];
		if (s->start < addr && addr < s->end) {
			struct model_seg upper = *s;
			upper.start = addr;
			upper.off = s->off + (addr - s->start);
			s->end = addr;
			seg_insert_at(p, i + 1, &upper);
			return;
		}
	}
}

const struct model_seg *model_seg_at(const struct model_proc *p, uint64_t va)
{
	for (unsigned i = 0; i < p->nsegs; i++)
		if (p->segs[i].start <= va && va < p->segs[i].end)
			return &p->segs[i];
	return NULL;
}

bool model_overlaps(const struct model_proc *p, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < p->nsegs; i++)
		if (p->segs[i].start < end && start < p->segs[i].end)
			return true;
	return false;
}

void model_map(struct model_proc *p, const struct model_seg *s)
{
	unsigned i = 0;

	while (i < p->nsegs && p->segs[i].start < s->start)
		i++;
	seg_insert_at(p, i, s);
}

void model_unmap(struct model_proc *p, uint64_t start, uint64_t end)
{
	seg_split_at(p, start);
	seg_split_at(p, end);
	for (unsigned i = 0; i < p->nsegs;) {
		if (p->segs[i].start >= start && p->segs[i].end <= end)
			seg_remove_at(p, i);
		else
			i++;
	}
	pages_drop(&p->priv, start, end);
}

void model_proc_fork(struct model_proc *child, const struct model_proc *parent)
{
	model_proc_init(child);
	for (unsigned i = 0; i < parent->nsegs; i++) {
		const struct model_seg *s = &parent->segs[i];
		if (s->dontfork)
			continue;
		model_map(child, s);
		if (s->wipeonfork)
			continue; /* the child starts with the range empty */
		for (struct model_page *pg = parent->priv; pg; pg = pg->next)
			if (pg->key >= s->start && pg->key < s->end)
				memcpy(page_add(&child->priv, pg->key)->data, pg->data, MODEL_PAGE);
	}
}

/*
 * Walk [start, end) segment by segment as Linux's mprotect/madvise do:
 * calls fn on each mapped piece (split to fit), reports a hole.
 * Returns fn's first error, else -E_NOMEM if a hole was seen (with
 * stop_at_hole the walk ends at the first hole), else 0.
 */
typedef int (*seg_fn)(struct model_seg *s, void *ctx);

static int seg_walk(struct model_proc *p, uint64_t start, uint64_t end, bool stop_at_hole,
		    seg_fn fn, void *ctx)
{
	uint64_t pos = start;
	int hole = 0;

	seg_split_at(p, start);
	seg_split_at(p, end);
	for (unsigned i = 0; i < p->nsegs && pos < end; i++) {
		struct model_seg *s = &p->segs[i];
		int err;
		if (s->end <= pos)
			continue;
		if (s->start >= end)
			break;
		if (s->start > pos) {
			hole = -E_NOMEM;
			if (stop_at_hole)
				return hole;
		}
		err = fn(s, ctx);
		if (err)
			return err;
		pos = s->end;
	}
	if (pos < end)
		hole = -E_NOMEM;
	return hole;
}

static int set_prot_fn(struct model_seg *s, void *ctx)
{
	s->prot = *(int *)ctx;
	return 0;
}

int model_mprotect(struct model_proc *p, uint64_t start, uint64_t end, int prot)
{
	const struct model_seg *first = model_seg_at(p, start);

	if (!first)
		return -E_NOMEM;
	return seg_walk(p, start, end, true, set_prot_fn, &prot);
}

void model_set_prot(struct model_proc *p, uint64_t start, uint64_t end, int prot)
{
	(void)seg_walk(p, start, end, false, set_prot_fn, &prot);
}

static int set_dontfork_fn(struct model_seg *s, void *ctx)
{
	s->dontfork = *(bool *)ctx;
	return 0;
}

void model_set_dontfork(struct model_proc *p, uint64_t start, uint64_t end, bool on)
{
	(void)seg_walk(p, start, end, false, set_dontfork_fn, &on);
}

static int set_wipeonfork_fn(struct model_seg *s, void *ctx)
{
	s->wipeonfork = *(bool *)ctx;
	return 0;
}

void model_set_wipeonfork(struct model_proc *p, uint64_t start, uint64_t end, bool on)
{
	(void)seg_walk(p, start, end, false, set_wipeonfork_fn, &on);
}

struct madv_ctx {
	struct model *m;
	struct model_proc *p;
	int advice;
};

static int madvise_fn(struct model_seg *s, void *arg)
{
	struct madv_ctx *c = arg;

	switch (c->advice) {
	case MADV_DONTFORK:
	case MADV_DOFORK:
		s->dontfork = c->advice == MADV_DONTFORK;
		return 0;
	case MADV_WIPEONFORK:
		if (s->obj >= 0)
			return -E_INVAL; /* private anonymous memory only */
		s->wipeonfork = true;
		return 0;
	case MADV_KEEPONFORK:
		s->wipeonfork = false;
		return 0;
	case MADV_REMOVE:
		if (s->obj < 0)
			return -E_INVAL;
		/* vma_is_shared_maywrite() (Linux >= 6.7): our files are always
		 * opened for writing, so only a private mapping is refused. */
		if (!s->shared)
			return -E_ACCES;
		/* Shared anonymous memory loses the pages (hole punched); files keep theirs. */
		if (!c->m->objs[s->obj].file)
			pages_drop(&c->m->objs[s->obj].pages, s->off / MODEL_PAGE,
				   (s->off + (s->end - s->start)) / MODEL_PAGE);
		return 0;
	case MADV_DONTNEED:
		pages_drop(&c->p->priv, s->start, s->end);
		return 0;
	default:
		return 0;
	}
}

int model_madvise(struct model *m, struct model_proc *p, uint64_t start, uint64_t end,
		  int advice)
{
	struct madv_ctx c = {m, p, advice};

	return seg_walk(p, start, end, false, madvise_fn, &c);
}

void model_move(struct model_proc *p, uint64_t old, uint64_t len, uint64_t new_addr,
		bool keep_old)
{
	uint64_t delta = new_addr - old;
	struct model_seg *moved;
	unsigned n = 0;

	seg_split_at(p, old);
	seg_split_at(p, old + len);
	moved = xcalloc(p->nsegs + 1, sizeof(*moved));
	for (unsigned i = 0; i < p->nsegs;) {
		struct model_seg *s = &p->segs[i];
		if (s->start < old || s->end > old + len) {
			i++;
			continue;
		}
		moved[n] = *s;
		moved[n].start += delta;
		moved[n].end += delta;
		n++;
		if (keep_old)
			i++;
		else
			seg_remove_at(p, i);
	}
	for (unsigned i = 0; i < n; i++)
		model_map(p, &moved[i]);
	free(moved);
	for (struct model_page *pg = p->priv; pg; pg = pg->next)
		if (pg->key >= old && pg->key < old + len)
			pg->key += delta; /* the private pages travel with the mapping */
}

void model_grow(struct model_proc *p, uint64_t end, uint64_t more)
{
	const struct model_seg *below = model_seg_at(p, end - 1);
	struct model_seg s = *below;

	s.start = end;
	s.end = end + more;
	s.off = below->off + (end - below->start);
	model_map(p, &s);
}

static bool prot_allows(int prot, enum model_access a)
{
	switch (a) {
	case MA_WRITE:
		return prot & MP_W;
	case MA_EXEC:
		return prot & MP_X;
	default:
		return prot != 0; /* x86: any mapping permission implies read */
	}
}

enum model_outcome model_access(struct model *m, struct model_proc *p, uint64_t va,
				enum model_access a, uint8_t *byte)
{
	const struct model_seg *s = model_seg_at(p, va);
	uint64_t page = va & ~(MODEL_PAGE - 1);
	struct model_obj *o;
	struct model_page *pg;
	uint64_t off;

	if (!s || !prot_allows(s->prot, a))
		return MO_SIGSEGV;
	o = s->obj >= 0 ? &m->objs[s->obj] : NULL;
	off = s->off + (va - s->start);
	if (o && obj_beyond(o, off))
		return MO_SIGBUS;
	if (s->shared) {
		if (a == MA_WRITE)
			obj_page(o, off)->data[off % MODEL_PAGE] = *byte;
		else
			*byte = obj_byte(o, off);
		return MO_OK;
	}
	pg = page_find(p->priv, page);
	if (a != MA_WRITE) {
		*byte = pg ? pg->data[va % MODEL_PAGE] : o ? obj_byte(o, off) : 0;
		return MO_OK;
	}
	if (!pg) { /* copy on write: the page as it reads now */
		pg = page_add(&p->priv, page);
		for (uint64_t i = 0; i < MODEL_PAGE; i++)
			pg->data[i] = o ? obj_byte(o, off - (va - page) + i) : 0;
	}
	pg->data[va % MODEL_PAGE] = *byte;
	return MO_OK;
}
