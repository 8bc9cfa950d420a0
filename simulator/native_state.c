/*
 * simulator/native_state.c - a native worker's VMAs from /proc/PID/smaps,
 * split into the runner's own and the trace's (see native_state.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmcore/mm.h"
#include "native_state.h"

#define USER_END 0x800000000000ull
#define STACK_ROOM (8ull << 20) /* the runner's stack may grow this far */

/* The whole of a /proc file, NUL-terminated (caller frees), or NULL. */
static char *proc_slurp(pid_t pid, const char *what)
{
	char path[64];
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	f = fopen(path, "r");
	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	for (;;) {
		size_t r;
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = 0;
	return buf;
}

static bool vma_push(struct native_snap *s, uint32_t *cap, const struct native_vma *v)
{
	if (s->n == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 64;
		struct native_vma *nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv)
			return false;
		s->v = nv;
		*cap = nc;
	}
	s->v[s->n++] = *v;
	return true;
}

/* A snapshot VMA with exactly this range (the runner's, unchanged). */
static bool snap_has(const struct native_snap *snap, uint64_t start, uint64_t end)
{
	for (uint32_t i = 0; snap && i < snap->n; i++)
		if (snap->v[i].start == start && snap->v[i].end == end)
			return true;
	return false;
}

/*
 * Rss of a private anonymous VMA is its `Anonymous:` bytes: smaps' `Rss:`
 * also counts PTEs of the shared zero page, which VmRSS does not.
 *
 * Whose VMA the header line describes. Paths other than the trace's
 * files and shared anonymous memory are the runner's (program,
 * libraries, [stack], [vdso]...); anonymous VMAs are the runner's when the
 * snapshot has them unchanged, or when there is no snapshot yet.
 */
static bool vma_is_runner(const struct native_vma *v, const char *path, const char *tracedir,
			  const struct native_snap *snap)
{
	if (!snap)
		return true;
	if (path[0] == '/' && strncmp(path, tracedir, strlen(tracedir)) != 0 &&
	    strncmp(path, "/dev/zero", 9) != 0)
		return true;
	if (path[0] == '[' && strcmp(path, "[heap]") != 0 && strncmp(path, "[anon:", 6) != 0)
		return true;
	return snap_has(snap, v->start, v->end);
}

/* Parse one header line `start-end perms offset dev inode [path]`. */
static bool vma_header(const char *line, struct native_vma *v, const char **path)
{
	char perms[5];
	int used = 0;
	unsigned long long s, e;
	if (sscanf(line, "%llx-%llx %4s %*s %*s %*s%n", &s, &e, perms, &used) < 3 || used == 0)
		return false;
	memset(v, 0, sizeof(*v));
	v->start = s;
	v->end = e;
	v->prot = (perms[0] == 'r' ? MM_PROT_READ : 0) | (perms[1] == 'w' ? MM_PROT_WRITE : 0) |
		  (perms[2] == 'x' ? MM_PROT_EXEC : 0);
	*path = line + used;
	while (**path == ' ')
		(*path)++;
	return true;
}

int native_vmas_read(pid_t pid, const char *tracedir, const struct native_snap *snap,
		     struct native_snap *out)
{
	char *buf = proc_slurp(pid, "smaps");
	uint32_t cap = 0;
	struct native_vma cur, next;
	bool have = false, private_anon = false;

	native_snap_free(out);
	if (!buf)
		return -1;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		const char *path;
		unsigned long long kb;
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (sscanf(line, "Rss: %llu kB", &kb) == 1 && have && !private_anon)
			cur.rss = kb * 1024;
		else if (sscanf(line, "Anonymous: %llu kB", &kb) == 1 && have && private_anon)
			cur.rss = kb * 1024;
		else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1 && have)
			cur.anon_huge = kb * 1024;
		else if (vma_header(line, &next, &path)) {
			if (have && !vma_push(out, &cap, &cur))
				goto fail;
			cur = next;
			cur.runner = vma_is_runner(&cur, path, tracedir, snap);
			private_anon = line[strcspn(line, " ") + 4] == 'p' &&
				       (!*path || path[0] == '[');
			snprintf(cur.path, sizeof(cur.path), "%s", path);
			have = true;
		}
		if (!nl)
			break;
	}
	if (have && !vma_push(out, &cap, &cur))
		goto fail;
	free(buf);
	return 0;
fail:
	free(buf);
	native_snap_free(out);
	return -1;
}

void native_snap_free(struct native_snap *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int native_snap_copy(struct native_snap *dst, const struct native_snap *src)
{
	native_snap_free(dst);
	if (src->n == 0)
		return 0;
	dst->v = malloc(src->n * sizeof(*dst->v));
	if (!dst->v)
		return -1;
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = src->n;
	return 0;
}

void native_counts(const struct native_snap *vmas, const struct native_snap *snap,
		   struct native_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (uint32_t i = 0; i < vmas->n; i++) {
		const struct native_vma *v = &vmas->v[i];
		uint64_t rss = v->rss, huge = v->anon_huge;
		if (v->runner)
			continue;
		/* A trace VMA merged with a runner one: leave the runner's bytes out. */
		for (uint32_t j = 0; snap && j < snap->n; j++) {
			const struct native_vma *s = &snap->v[j];
			if (s->start >= v->start && s->end <= v->end) {
				rss -= s->rss < rss ? s->rss : rss;
				huge -= s->anon_huge < huge ? s->anon_huge : huge;
			}
		}
		c->vmas++;
		c->rss += rss;
		c->anon_huge += huge;
	}
}

int32_t native_prot_at(const struct native_snap *vmas, uint64_t addr)
{
	for (uint32_t i = 0; i < vmas->n; i++)
		if (addr >= vmas->v[i].start && addr < vmas->v[i].end)
			return vmas->v[i].prot;
	return -1;
}

const struct native_vma *native_snap_meets(const struct native_snap *snap, uint64_t start,
					   uint64_t len, uint64_t ignore)
{
	uint64_t end;
	if (len == 0 || start >= USER_END)
		return NULL;
	end = len > USER_END - start ? USER_END : start + len;
	for (uint32_t i = 0; i < snap->n; i++) {
		const struct native_vma *v = &snap->v[i];
		uint64_t s = v->start;
		if (ignore && v->start == ignore)
			continue;
		if (strcmp(v->path, "[stack]") == 0)
			s = s > STACK_ROOM ? s - STACK_ROOM : 0;
		if (start < v->end && end > s)
			return v;
	}
	return NULL;
}
