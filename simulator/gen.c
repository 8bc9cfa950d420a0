/*
 * simulator/gen.c - synthetic traces. Each generator keeps a small model of
 * what it has done (live processes, bound names, bytes written) so that
 * every trace it writes is valid: names are used only where they are bound,
 * fork children never exist yet, and memory stays far below `mem` so no
 * event can be killed by OOM. Where the model knows the answer (fork-heavy
 * bytes, fault-heavy rss) the trace says it with `=>`, `read ... BYTE` and
 * `expect`; the random generator leaves most outcomes open.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

#define REGION (16ull << 20) /* fault-heavy: like the mmap_fault benchmark */
#define PAGE 4096ull

/* splitmix64: small, fast, and good enough for picking events. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

static void gen_header(FILE *out, const struct gen_opts *o, const char *what)
{
	fprintf(out, "# %s trace written by `sim gen` (seed %llu, %llu events)\n", what,
		(unsigned long long)o->seed, (unsigned long long)o->events);
	fprintf(out, "version 1\n");
	if (o->mem)
		fprintf(out, "mem %lluM\n", (unsigned long long)(o->mem >> 20));
	if (o->thp)
		fprintf(out, "thp %s\n", o->thp);
	if (o->faultaround >= 0)
		fprintf(out, "faultaround %ld\n", o->faultaround);
	else if (o->native)
		fprintf(out, "faultaround 0\n"); /* Linux has no anonymous fault-around */
}

/* map 16 MiB, write every page, check rss, unmap; repeat. */
static void gen_fault_heavy(FILE *out, const struct gen_opts *o)
{
	uint64_t n = 0;
	gen_header(out, o, "fault-heavy");
	while (n < o->events) {
		uint64_t pages = REGION / PAGE, done = 0;
		fprintf(out, "1 mmap - 16M rw private,anon r => ok\n");
		n++;
		if (o->touch) {
			fprintf(out, "1 touch r 16M w => ok\n");
			n++;
			done = pages;
		} else {
			for (; done < pages && n + 1 < o->events; done++, n++)
				fprintf(out, "1 fault r+0x%llx w => ok\n", (unsigned long long)(done * PAGE));
		}
		if (done == pages)
			fprintf(out, "expect 1 rss 16M\n");
		fprintf(out, "1 munmap r 16M => ok\n");
		n++;
	}
	fprintf(out, "1 exit => ok\nexpect 1 vmas 0\n");
}

/* ---- fork-heavy --------------------------------------------------------- */

#define FH_PAGES 1024u /* a 4 MiB buffer */
#define FH_PROCS 4u

struct fh_proc {
	unsigned pid;
	uint8_t val[FH_PAGES]; /* the byte each process sees at its page's probe offset */
};

/* Where the probe byte of page i sits (spread over the page). */
static uint64_t fh_off(unsigned i)
{
	return (uint64_t)i * PAGE + (i * 61u) % PAGE;
}

static void gen_fork_heavy(FILE *out, const struct gen_opts *o)
{
	static struct fh_proc procs[FH_PROCS];
	unsigned nprocs = 1, next_pid = 2;
	uint64_t s = o->seed, n = 2;

	gen_header(out, o, "fork-heavy");
	memset(procs, 0, sizeof(procs));
	procs[0].pid = 1;
	fprintf(out, "1 mmap - 4M rw private,anon buf => ok\n1 touch buf 4M w => ok\n");
	while (n < o->events) {
		unsigned k = (unsigned)rng_below(&s, nprocs), pg = (unsigned)rng_below(&s, FH_PAGES);
		struct fh_proc *p = &procs[k];
		uint64_t op = rng_below(&s, 100);
		if (op < 15 && nprocs < FH_PROCS) {
			procs[nprocs] = *p;
			procs[nprocs].pid = next_pid++;
			fprintf(out, "%u fork %u => ok\n", p->pid, procs[nprocs].pid);
			nprocs++;
		} else if (op < 25 && k > 0) {
			fprintf(out, "%u exit => ok\n", p->pid);
			procs[k] = procs[--nprocs];
		} else if (op < 60) {
			uint8_t v = (uint8_t)rng_next(&s);
			fprintf(out, "%u write buf+0x%llx %u => ok\n", p->pid,
				(unsigned long long)fh_off(pg), v);
			p->val[pg] = v;
		} else {
			fprintf(out, "%u read buf+0x%llx %u => ok\n", p->pid,
				(unsigned long long)fh_off(pg), p->val[pg]);
		}
		n++;
	}
	while (nprocs > 0)
		fprintf(out, "%u exit => ok\n", procs[--nprocs].pid);
}

/* ---- random ------------------------------------------------------------- */

#define RND_PROCS 6u
#define RND_REGIONS 8u
#define RND_BUDGET (16ull << 20) /* bytes a process may ever map: keeps OOM away */

struct rnd_region {
	unsigned name;
	uint64_t len;
};

struct rnd_proc {
	unsigned pid;
	struct rnd_region reg[RND_REGIONS];
	unsigned nreg;
	uint64_t used; /* bytes mapped or grown so far (never decreases) */
};

/*
 * With --native every new mapping gets a hint of its own, RND_SLOT apart
 * from RND_HINT_BASE up: far from the native runner's own mappings (so
 * nothing of the runner sits next to the trace's memory), and with room
 * for every growth a process's budget allows, so placement never falls
 * back to the implementation's own choice.
 */
#define RND_HINT_BASE 0x100000000000ull
#define RND_SLOT (64ull << 20)

struct rnd {
	FILE *out;
	bool native;
	uint64_t next_slot;
	uint64_t emitted; /* event lines written */
	uint64_t s;
	struct rnd_proc procs[RND_PROCS];
	unsigned nprocs, next_pid, next_name;
};

/* Write one event line and count it. */
static void __attribute__((format(printf, 2, 3))) rnd_emit(struct rnd *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(g->out, fmt, ap);
	va_end(ap);
	g->emitted++;
}

static const char *const rnd_prots[] = {"rw", "r", "rw", "rwx", "none", "rx", "w", "rw"};
static const char *const rnd_advice[] = {"dontneed", "hugepage", "nohugepage", "willneed",
					 "dontfork", "dofork", "dontneed", "remove"};

/* A length in pages, sometimes a whole number of 2 MiB pages. */
static uint64_t rnd_len(struct rnd *g, uint64_t max_pages)
{
	if (rng_below(&g->s, 4) == 0)
		return (1 + rng_below(&g->s, 2)) * (2ull << 20);
	return (1 + rng_below(&g->s, max_pages)) * PAGE;
}

static void rnd_mmap(struct rnd *g, struct rnd_proc *p)
{
	uint64_t len = rnd_len(g, 256);
	const char *prot = rnd_prots[rng_below(&g->s, 8)];
	unsigned kind = (unsigned)rng_below(&g->s, 6);
	struct rnd_region *r;
	char hint[24] = "-";

	if (p->nreg == RND_REGIONS || p->used + len > RND_BUDGET)
		return;
	r = &p->reg[p->nreg++];
	r->name = g->next_name++;
	r->len = len;
	p->used += len;
	if (g->native)
		snprintf(hint, sizeof(hint), "0x%llx",
			 (unsigned long long)(RND_HINT_BASE + g->next_slot++ * RND_SLOT));
	if (kind < 3)
		rnd_emit(g, "%u mmap %s %llu %s private,anon%s m%u => ok\n", p->pid, hint,
			(unsigned long long)len, prot, kind == 2 ? ",populate" : "", r->name);
	else if (kind == 3)
		rnd_emit(g, "%u mmap %s %llu %s shared,anon m%u => ok\n", p->pid, hint,
			(unsigned long long)len, prot, r->name);
	else
		rnd_emit(g, "%u mmap %s %llu %s %s,file=%s:%llu m%u => ok\n", p->pid, hint,
			(unsigned long long)len, prot, kind == 4 ? "private" : "shared",
			rng_below(&g->s, 2) ? "small" : "big",
			(unsigned long long)(rng_below(&g->s, 64) * PAGE), r->name);
}

/* A page-aligned sub-range [off, off+len) of region r. */
static void rnd_sub(struct rnd *g, const struct rnd_region *r, uint64_t *off, uint64_t *len)
{
	uint64_t pages = r->len / PAGE;
	uint64_t first = rng_below(&g->s, pages);
	*off = first * PAGE;
	*len = (1 + rng_below(&g->s, pages - first)) * PAGE;
}

static void rnd_region_op(struct rnd *g, struct rnd_proc *p, uint64_t op)
{
	struct rnd_region *r = &p->reg[rng_below(&g->s, p->nreg)];
	uint64_t off, len;
	unsigned pid = p->pid;

	rnd_sub(g, r, &off, &len);
	switch (op % 9) {
	case 0:
		rnd_emit(g, "%u munmap m%u+%llu %llu\n", pid, r->name, (unsigned long long)off,
			(unsigned long long)len);
		break;
	case 1:
		rnd_emit(g, "%u mprotect m%u+%llu %llu %s\n", pid, r->name,
			(unsigned long long)off, (unsigned long long)len,
			rnd_prots[rng_below(&g->s, 8)]);
		break;
	case 2:
		rnd_emit(g, "%u madvise m%u+%llu %llu %s\n", pid, r->name,
			(unsigned long long)off, (unsigned long long)len,
			rnd_advice[rng_below(&g->s, 8)]);
		break;
	case 3: {
		uint64_t nl = rnd_len(g, 256);
		if (p->used + nl > RND_BUDGET)
			break;
		p->used += nl;
		rnd_emit(g, "%u mremap m%u %llu %llu %s\n", pid, r->name,
			(unsigned long long)r->len, (unsigned long long)nl,
			rng_below(&g->s, 2) ? "maymove" : "-");
		break;
	}
	case 4:
		rnd_emit(g, "%u touch m%u+%llu %llu %s\n", pid, r->name, (unsigned long long)off,
			(unsigned long long)(len < 64 * PAGE ? len : 64 * PAGE),
			rng_below(&g->s, 2) ? "r" : "w");
		break;
	case 5:
		rnd_emit(g, "%u write m%u+%llu %u\n", pid, r->name,
			(unsigned long long)(off + rng_below(&g->s, PAGE)),
			(unsigned)rng_below(&g->s, 256));
		break;
	case 6:
		rnd_emit(g, "%u read m%u+%llu\n", pid, r->name,
			(unsigned long long)(off + rng_below(&g->s, PAGE)));
		break;
	case 7:
		rnd_emit(g, "%u fault m%u+%llu %s\n", pid, r->name, (unsigned long long)off,
			rng_below(&g->s, 3) == 0 ? "x" : "r");
		break;
	default:
		rnd_emit(g, "%u mmap m%u+%llu %llu rw private,anon,fixed\n", pid, r->name,
			(unsigned long long)off, (unsigned long long)len);
		break;
	}
}

static void rnd_proc_op(struct rnd *g, unsigned k, uint64_t op)
{
	struct rnd_proc *p = &g->procs[k];
	if (op < 3 && g->nprocs < RND_PROCS) {
		struct rnd_proc *c = &g->procs[g->nprocs++];
		*c = *p;
		c->pid = g->next_pid++;
		rnd_emit(g, "%u fork %u => ok\n", p->pid, c->pid);
	} else if (op < 5 && g->nprocs > 1) {
		rnd_emit(g, "%u exit => ok\n", p->pid);
		g->procs[k] = g->procs[--g->nprocs];
	} else if (op < 6) {
		rnd_emit(g, "%u exec => ok\n", p->pid);
		p->nreg = 0;
		p->used = 0;
	} else if (op < 8) {
		uint64_t grow = rng_below(&g->s, 256) * PAGE;
		if (p->used + grow <= RND_BUDGET) {
			p->used += grow;
			rnd_emit(g, "%u brk 0x%llx\n", p->pid, 0x01000000ull + grow);
		}
	} else if (op < 30 || p->nreg == 0) {
		rnd_mmap(g, p);
	} else {
		rnd_region_op(g, p, op);
	}
}

static void gen_random(FILE *out, const struct gen_opts *o)
{
	static struct rnd g;
	memset(&g, 0, sizeof(g));
	g.out = out;
	g.native = o->native;
	g.s = o->seed;
	g.nprocs = 1;
	g.procs[0].pid = 1;
	g.next_pid = 2;
	gen_header(out, o, "random");
	fprintf(out, "file small 100000\nfile big 3M\n");
	/* Some picks write nothing (a full budget): loop until enough did. */
	for (uint64_t tries = 0; g.emitted < o->events && tries < 100 * o->events; tries++) {
		unsigned k = (unsigned)rng_below(&g.s, g.nprocs);
		rnd_proc_op(&g, k, rng_below(&g.s, 100));
	}
	while (g.nprocs > 0)
		fprintf(out, "%u exit => ok\n", g.procs[--g.nprocs].pid);
}

int gen_write(FILE *out, const struct gen_opts *opts)
{
	switch (opts->kind) {
	case GEN_FAULT_HEAVY:
		gen_fault_heavy(out, opts);
		break;
	case GEN_FORK_HEAVY:
		gen_fork_heavy(out, opts);
		break;
	default:
		gen_random(out, opts);
		break;
	}
	return ferror(out) ? -1 : 0;
}
