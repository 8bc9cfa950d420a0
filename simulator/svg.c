/*
 * simulator/svg.c - the address-space picture (svg.h).
 *
 * A 47-bit space is mostly empty, so the axis is broken: every VMA gets a
 * width that grows with the logarithm of its size, every gap between VMAs
 * the same small width with a zig-zag and its size written in it (VMAs
 * that touch are only set a sliver apart). Inside a VMA the scale is
 * linear, so runs of pages sit where they are.
 */
#include "svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmcore/mm_internal.h"
#include "svg_int.h"

#define ROW_H 150.0
#define AXIS_X0 20.0
#define AXIS_W 1160.0
#define BAR_Y 40.0
#define BAR_H 40.0
#define GAP_WEIGHT 2.0
#define TOUCH_PX 3.0 /* between VMAs that touch: a sliver, no zig-zag */

/* Page kinds drawn inside the bars. */
enum run_kind { RK_PAGE, RK_HUGE, RK_COW, RK_ZERO, RK_KEPT, RK_N };
static const char *const run_class[RK_N] = {"page", "huge", "cow", "zero", "kept"};
static const char *const run_colour[RK_N] = {"#4a90d9", "#e08a1e", "#d0342c", "#b9b9b9",
					     "#7b3fa0"};
static const char *const run_legend[RK_N] = {"4 KiB page", "2 MiB leaf", "CoW-shared",
					     "zero page", "kept, no access"};

/* The fill of PROT_NONE VMAs: a pattern defined once per picture. */
#define PROTNONE_ID "protnone"

struct run_ctx {
	FILE *out;
	uint64_t root;        /* the space's PML4 */
	double x0, w;         /* the VMA's bar */
	uint64_t vstart, vend;
	int kind;             /* current run, -1 for none */
	uint64_t rstart, rend;
	uint64_t counts[RK_N]; /* pages per kind in this process */
};

double svg_vma_weight(uint64_t bytes)
{
	double w = 1.0;
	for (uint64_t pages = bytes >> 12; pages > 1; pages >>= 1)
		w += 0.5;
	return w;
}

static void run_flush(struct run_ctx *c)
{
	double span = (double)(c->vend - c->vstart);
	double x, w;

	if (c->kind < 0)
		return;
	x = c->x0 + c->w * (double)(c->rstart - c->vstart) / span;
	w = c->w * (double)(c->rend - c->rstart) / span;
	fprintf(c->out, "<rect class=\"%s\" x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" height=\"%.1f\" "
		"fill=\"%s\"><title>%s [0x%llx, 0x%llx)</title></rect>\n",
		run_class[c->kind], x, BAR_Y + 4, w < 0.05 ? 0.05 : w, BAR_H - 8,
		run_colour[c->kind], run_class[c->kind], (unsigned long long)c->rstart,
		(unsigned long long)c->rend);
	c->kind = -1;
}

/* What a leaf maps, as a run kind. */
static int leaf_kind(pte_t e, int level)
{
	struct page *pg = pfn_to_page(level == 2 ? pte_huge_pfn(e) : pte_pfn(e));
	struct page *head = page_compound_head(pg);

	if (page_is_zero(head))
		return RK_ZERO;
	if ((head->flags & PG_ANON) && page_ref_count(head) > 1)
		return RK_COW;
	return level == 2 ? RK_HUGE : RK_PAGE;
}

static int run_leaf(void *ctx, uint64_t va, pte_t *entry, int level, struct page *table)
{
	struct run_ctx *c = ctx;
	uint64_t size = level == 2 ? HUGE_SIZE : PAGE_SIZE;
	uint64_t lo = va < c->vstart ? c->vstart : va;
	uint64_t hi = va + size > c->vend ? c->vend : va + size;
	int k;

	(void)table;
	if (pte_none(*entry))
		return 0;
	/* A non-present leaf still holding its frame: PROT_NONE kept it. */
	k = pte_present(*entry) ? leaf_kind(*entry, level) : RK_KEPT;
	c->counts[k] += (hi - lo) >> PAGE_SHIFT;
	if (k == c->kind && lo == c->rend) {
		c->rend = hi;
		return 0;
	}
	run_flush(c);
	c->kind = k;
	c->rstart = lo;
	c->rend = hi;
	return 0;
}

/* "rw-p" as /proc/PID/maps. */
static void vma_perms(const struct vma *v, char p[5])
{
	p[0] = (v->flags & VM_READ) ? 'r' : '-';
	p[1] = (v->flags & VM_WRITE) ? 'w' : '-';
	p[2] = (v->flags & VM_EXEC) ? 'x' : '-';
	p[3] = (v->flags & VM_SHARED) ? 's' : 'p';
	p[4] = 0;
}

/* Background of a VMA's bar: hatched for PROT_NONE, tinted when writable. */
static const char *vma_fill(const struct vma *v)
{
	if (!(v->flags & VM_PROT_MASK))
		return "url(#" PROTNONE_ID ")";
	return (v->flags & VM_WRITE) ? "#e8f1e4" : "#f4f4f4";
}

static void vma_draw(struct run_ctx *c, struct vma *v, double x, double w)
{
	char perms[5];
	char size[32];
	bool none = !(v->flags & VM_PROT_MASK);

	vma_perms(v, perms);
	svg_human_size(v->end - v->start, size, sizeof(size));
	fprintf(c->out, "<g class=\"vmag\"><rect class=\"vma\" data-start=\"0x%llx\" "
		"data-end=\"0x%llx\" data-prot=\"%s\"%s x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" "
		"height=\"%.1f\" fill=\"%s\" stroke=\"#333\" stroke-width=\"0.5\">"
		"<title>[0x%llx, 0x%llx) %s %s %s%s</title></rect>\n",
		(unsigned long long)v->start, (unsigned long long)v->end, perms,
		none ? " data-protnone=\"1\"" : "", x, BAR_Y, w, BAR_H, vma_fill(v),
		(unsigned long long)v->start, (unsigned long long)v->end, perms, size,
		v->file ? "file" : "anon", none ? " PROT_NONE" : "");
	fprintf(c->out, "<text class=\"vlabel\" x=\"%.3f\" y=\"%.1f\" font-size=\"7\">%s %s%s%s</text>\n",
		x + 1, BAR_Y - 3, perms, size,
		v->file && v->file->name ? " " : "", v->file && v->file->name ? v->file->name : "");
	fprintf(c->out, "<text class=\"addr\" x=\"%.3f\" y=\"%.1f\" font-size=\"5\" "
		"transform=\"rotate(30 %.3f %.1f)\">0x%llx</text>\n", x, BAR_Y + BAR_H + 7, x,
		BAR_Y + BAR_H + 7, (unsigned long long)v->start);
	c->x0 = x;
	c->w = w;
	c->vstart = v->start;
	c->vend = v->end;
	c->kind = -1;
	pt_for_each_leaf(c->root, v->start, v->end, run_leaf, c);
	run_flush(c);
	fputs("</g>\n", c->out);
}

/* A gap between VMAs: a zig-zag break with the gap's size. */
static void gap_draw(FILE *out, uint64_t bytes, double x, double w)
{
	char size[32];
	double m = x + w / 2;

	svg_human_size(bytes, size, sizeof(size));
	fprintf(out, "<g class=\"gap\"><polyline points=\"%.3f,%.1f %.3f,%.1f %.3f,%.1f %.3f,%.1f\" "
		"fill=\"none\" stroke=\"#999\" stroke-width=\"0.6\"/>"
		"<text x=\"%.3f\" y=\"%.1f\" font-size=\"5\" text-anchor=\"middle\" "
		"fill=\"#777\">%s</text></g>\n", x, BAR_Y + BAR_H / 2, m - 2, BAR_Y + BAR_H / 2 - 4,
		m + 2, BAR_Y + BAR_H / 2 + 4, x + w, BAR_Y + BAR_H / 2, m, BAR_Y + BAR_H / 2 + 14, size);
}

/* True when the next VMA starts where v ends (no gap to draw). */
static bool vma_touches_next(struct vma *v)
{
	return vma_next(v)->start == v->end;
}

/*
 * Total axis weight of a space: its VMAs and the gaps between them; the
 * pairs of VMAs that touch (each set TOUCH_PX apart) counted in *touches.
 */
static double space_weight(struct mm *mm, unsigned *touches)
{
	double total = 0;

	*touches = 0;
	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v)) {
		total += svg_vma_weight(v->end - v->start);
		if (vma_next(v) && vma_touches_next(v))
			(*touches)++;
		else if (vma_next(v))
			total += GAP_WEIGHT;
	}
	return total;
}

static void proc_draw(FILE *out, struct sim_proc *p, double y)
{
	struct run_ctx c = {.out = out, .root = p->mm->root_pfn, .kind = -1};
	unsigned touches;
	double total = space_weight(p->mm, &touches), scale, touch, x = AXIS_X0;
	uint64_t tables[5];

	/* Slivers take at most a quarter of the axis, however many VMAs touch. */
	touch = touches && TOUCH_PX * touches > AXIS_W / 4 ? AXIS_W / 4 / touches : TOUCH_PX;
	scale = total > 0 ? (AXIS_W - touch * touches) / total : 0;
	fprintf(out, "<g class=\"proc\" data-pid=\"%u\" transform=\"translate(0 %.1f)\">\n",
		p->pid, y);
	for (struct vma *v = vma_first(&p->mm->vmas); v; v = vma_next(v)) {
		double w = svg_vma_weight(v->end - v->start) * scale;
		vma_draw(&c, v, x, w);
		x += w;
		if (vma_next(v)) {
			if (vma_touches_next(v)) {
				x += touch;
				continue;
			}
			gap_draw(out, vma_next(v)->start - v->end, x, GAP_WEIGHT * scale);
			x += GAP_WEIGHT * scale;
		}
	}
	pt_count_tables(p->mm->root_pfn, tables);
	fprintf(out, "<text class=\"ptinfo\" x=\"%.1f\" y=\"18\" font-size=\"10\">pid %u: "
		"%llu VMAs, rss %llu KiB, AnonHuge %llu KiB; page-table pages PML4 %llu, PDPT %llu, "
		"PD %llu, PT %llu; pages: %llu 4K, %llu in 2M, %llu CoW-shared, %llu zero, "
		"%llu kept without access</text>\n",
		AXIS_X0, p->pid, (unsigned long long)p->mm->vmas.count,
		(unsigned long long)(mm_rss_bytes(p->mm) >> 10),
		(unsigned long long)(mm_anon_huge_bytes(p->mm) >> 10), (unsigned long long)tables[4],
		(unsigned long long)tables[3], (unsigned long long)tables[2],
		(unsigned long long)tables[1], (unsigned long long)c.counts[RK_PAGE],
		(unsigned long long)c.counts[RK_HUGE], (unsigned long long)c.counts[RK_COW],
		(unsigned long long)c.counts[RK_ZERO], (unsigned long long)c.counts[RK_KEPT]);
	fputs("</g>\n", out);
}

/* The hatch PROT_NONE bars are filled with: grey diagonals on white. */
static void defs_draw(FILE *out)
{
	fputs("<defs><pattern id=\"" PROTNONE_ID "\" patternUnits=\"userSpaceOnUse\" "
	      "width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
	      "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
	      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#8a8a8a\" "
	      "stroke-width=\"2\"/></pattern></defs>\n", out);
}

static void legend_draw(FILE *out)
{
	double x = AXIS_X0;

	fputs("<g class=\"legend\" font-size=\"9\">", out);
	for (int k = 0; k < RK_N; k++, x += 110.0)
		fprintf(out, "<rect x=\"%.1f\" y=\"26\" width=\"10\" height=\"8\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"34\">%s</text>", x, run_colour[k], x + 13,
			run_legend[k]);
	fprintf(out, "<rect class=\"legend-protnone\" x=\"%.1f\" y=\"26\" width=\"10\" "
		"height=\"8\" fill=\"url(#" PROTNONE_ID ")\" stroke=\"#333\" stroke-width=\"0.5\"/>"
		"<text x=\"%.1f\" y=\"34\">PROT_NONE VMA</text>", x, x + 13);
	fputs("</g>\n", out);
}

/* Processes by pid, so pictures of the same trace compare line by line. */
static int proc_cmp(const void *a, const void *b)
{
	uint32_t x = (*(struct sim_proc *const *)a)->pid, y = (*(struct sim_proc *const *)b)->pid;
	return x < y ? -1 : x > y;
}

int svg_write_spaces(const char *path, struct sim_procs *procs, const char *title)
{
	struct sim_proc **order = calloc(procs->nlive ? procs->nlive : 1, sizeof(*order));
	FILE *out = order ? svg_open(path, 1200, 50 + ROW_H * (procs->nlive ? procs->nlive : 1),
				     title) : NULL;

	if (!out) {
		free(order);
		return -1;
	}
	defs_draw(out);
	legend_draw(out);
	memcpy(order, procs->live, procs->nlive * sizeof(*order));
	qsort(order, procs->nlive, sizeof(*order), proc_cmp);
	for (uint32_t i = 0; i < procs->nlive; i++)
		proc_draw(out, order[i], 45 + ROW_H * i);
	if (procs->nlive == 0)
		fputs("<text x=\"20\" y=\"80\" font-size=\"12\">no live process</text>\n", out);
	free(order);
	return svg_close(out);
}
