/*
 * simulator/native_zero.c - a native worker's stand-in for Linux's zero
 * page (see native_zero.h): per 2 MiB region, what Linux would hold there
 * that the host, which maps no zero page, cannot show.
 *
 * Two kinds of record. ZERO_HUGE: Linux maps the huge zero page over the
 * region (its read fault also prepared the VMA's anon_vma, which the host
 * got from a real fault whose page was dropped again); the host maps
 * nothing there. ZERO_TABLE: Linux has a page table under the region
 * (4 KiB zero pages, or a split huge zero page); the host may have none,
 * and a write there would map a 2 MiB page where Linux maps 4 KiB. A
 * region without a record is as the host shows it: a page table exists
 * where the host has one.
 *
 * The rules are Linux 6.18's (mm/memory.c, mm/huge_memory.c, mm/mremap.c,
 * mm/pt_reclaim.c): page tables are freed by munmap only where no VMA is
 * left around them (free_pgtables), and by MADV_DONTNEED of a whole
 * region inside one VMA (CONFIG_PT_RECLAIM, which this host has).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "native_zero.h"

#define ZPAGE 4096ull
#define ZHUGE (2ull << 20)
#define ZREC_MAX 8192 /* regions recorded; past that, reads are answered without records */
#define ZVMA_MAX 2048

enum zero_kind { ZERO_HUGE = 1, ZERO_TABLE };

struct zero_rec {
	uint64_t haddr;
	int kind;
	bool anon; /* a VMA over the region is known to have an anon_vma */
};

struct zero_vma {
	uint64_t start, end;
	bool anon_private;
	char perms[5];
};

static struct zero_rec recs[ZREC_MAX];
static unsigned nrecs;
static struct zero_vma vmas[ZVMA_MAX];
static unsigned nvmas;
static int pm_fd = -1;

void native_zero_attach(int pagemap_fd)
{
	pm_fd = pagemap_fd;
}

static struct zero_rec *rec_find(uint64_t haddr)
{
	for (unsigned i = 0; i < nrecs; i++)
		if (recs[i].haddr == haddr)
			return &recs[i];
	return NULL;
}

static void rec_set(uint64_t haddr, int kind, bool anon)
{
	struct zero_rec *r = rec_find(haddr);
	if (!r && nrecs < ZREC_MAX) {
		r = &recs[nrecs++];
		r->anon = false;
	}
	if (r) {
		r->haddr = haddr;
		r->kind = kind;
		r->anon |= anon;
	}
}

/* Drop recs[i] (the last record takes its place: iterate downwards). */
static void rec_drop(unsigned i)
{
	recs[i] = recs[--nrecs];
}

/* This process's VMAs from /proc/self/maps, into vmas[]. */
static void vmas_load(void)
{
	char *buf = native_worker_maps();
	nvmas = 0;
	for (char *line = buf, *nl; *line && nvmas < ZVMA_MAX; line = nl + 1) {
		struct zero_vma *v = &vmas[nvmas++];
		char *p;
		unsigned long long inode = 0;
		nl = strchr(line, '\n');
		v->start = strtoull(line, &p, 16);
		v->end = strtoull(p + 1, &p, 16);
		memcpy(v->perms, p + 1, 4);
		v->perms[4] = 0;
		/* perms offset dev inode: an inode other than 0 is a file */
		p = strchr(p + 1, ' ');
		p = p ? strchr(p + 1, ' ') : NULL;
		p = p ? strchr(p + 1, ' ') : NULL;
		inode = p ? strtoull(p + 1, NULL, 10) : 0;
		v->anon_private = v->perms[3] == 'p' && inode == 0;
		if (!nl)
			break;
	}
}

static struct zero_vma *vma_at(uint64_t va)
{
	for (unsigned i = 0; i < nvmas; i++)
		if (va >= vmas[i].start && va < vmas[i].end)
			return &vmas[i];
	return NULL;
}

/* Whether some VMA overlaps [r, r+2M) outside [lo, hi). */
static bool region_kept(uint64_t r, uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < nvmas; i++) {
		uint64_t s = vmas[i].start > r ? vmas[i].start : r;
		uint64_t e = vmas[i].end < r + ZHUGE ? vmas[i].end : r + ZHUGE;
		if (s < e && (s < lo || e > hi))
			return true;
	}
	return false;
}

/* The one VMA that covers all of [r, r+2M), or NULL. */
static struct zero_vma *region_vma(uint64_t r)
{
	struct zero_vma *v = vma_at(r);
	return v && v->end >= r + ZHUGE ? v : NULL;
}

/* Whether no page of the region at r is present or swapped (pagemap). */
static bool region_empty(uint64_t r)
{
	static uint64_t e[ZHUGE / ZPAGE];
	if (pm_fd < 0 || pread(pm_fd, e, sizeof(e), (off_t)(r / ZPAGE * 8)) != (ssize_t)sizeof(e))
		return false;
	for (unsigned i = 0; i < ZHUGE / ZPAGE; i++)
		if (e[i] >> 62)
			return false;
	return true;
}

/* Read all of path into a static buffer, NUL-terminated ("" if unreadable). */
static char *proc_read(const char *path)
{
	static char buf[1 << 20];
	return native_worker_read(path, buf, sizeof(buf));
}

/* The number after key in the smaps record of the VMA starting at start, or -1. */
static long smaps_value(uint64_t start, const char *key)
{
	char head[24], *buf = proc_read("/proc/self/smaps"), *rec, *next, *f;
	snprintf(head, sizeof(head), "\n%08llx-", (unsigned long long)start);
	rec = strncmp(buf, head + 1, strlen(head + 1)) == 0 ? buf : strstr(buf, head);
	if (!rec)
		return -1;
	next = strstr(rec + 1, "\nVmFlags:");
	f = strstr(rec, key);
	if (!f || (next && f > next))
		return -1;
	return strtol(f + strlen(key), NULL, 10);
}

/* Page-table bytes of this process (VmPTE, in kB). */
static long vm_pte_kb(void)
{
	char *f = strstr(proc_read("/proc/self/status"), "VmPTE:");
	return f ? strtol(f + 6, NULL, 10) : -1;
}

static void zap(uint64_t a, uint64_t len)
{
	if (len)
		madvise((void *)(uintptr_t)a, len, MADV_DONTNEED);
}

/*
 * Linux's 2 MiB read fault at va in the empty region r: it prepares the
 * VMA's anon_vma, then maps the huge zero page. The host prepares the
 * same anon_vma with a real load (which allocates here) and drops the
 * page with MADV_DONTNEED over the region, which also frees the page
 * table of a 4 KiB fallback (PT_RECLAIM): nothing is left but the
 * anon_vma. Returns false when the host had a page table there after all
 * (the load found it: no new table), which Linux has too: it maps a
 * 4 KiB zero page, and the host drops just that page.
 */
static bool huge_zero_fault(uint64_t va, uint64_t r)
{
	long before = vm_pte_kb();
	if (!native_worker_load(va))
		return false; /* not readable after all (an execute-only key): nothing mapped */
	if (vm_pte_kb() > before) {
		zap(r, ZHUGE);
		return true;
	}
	zap(va & ~(ZPAGE - 1), ZPAGE);
	return false;
}

void native_zero_read(uint64_t va, uint64_t vs, uint64_t ve)
{
	uint64_t r = va & ~(ZHUGE - 1);
	if (rec_find(r) || !region_empty(r))
		return; /* Linux's table or huge zero page is there, or the host's table */
	if (r >= vs && r + ZHUGE <= ve && smaps_value(vs, "THPeligible:") == 1) {
		if (huge_zero_fault(va, r))
			rec_set(r, ZERO_HUGE, true);
		return;
	}
	rec_set(r, ZERO_TABLE, false); /* a 4 KiB zero page: Linux's new page table */
}

void native_zero_populate(uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	struct zero_vma *v;
	vmas_load();
	v = vma_at(addr);
	if (!v)
		return;
	for (uint64_t r = addr & ~(ZHUGE - 1); r < end; r += ZHUGE)
		native_zero_read(r > addr ? r : addr, v->start, v->end);
}

/*
 * Give the host an empty page table under region r, as Linux has: a real
 * load at va maps a page (2 MiB or 4 KiB), then MADV_DONTNEED in pieces
 * under 2 MiB each (so that PT_RECLAIM leaves the table) drops it. The
 * load prepares the anon_vma, which the write about to come prepares
 * on Linux too.
 */
static void table_make(uint64_t va, uint64_t r)
{
	uint64_t pg = va & ~(ZPAGE - 1);
	if (!native_worker_load(va))
		return;
	zap(r, pg - r);
	zap(pg, ZPAGE);
	zap(pg + ZPAGE, r + ZHUGE - pg - ZPAGE);
}

void native_zero_write(uint64_t va)
{
	uint64_t r = va & ~(ZHUGE - 1);
	struct zero_rec *z = rec_find(r);
	struct zero_vma *v;
	if (!z)
		return;
	vmas_load();
	v = vma_at(va);
	if (!v || v->perms[1] != 'w')
		return; /* the write faults: nothing changes */
	/*
	 * Over the huge zero page Linux maps a 2 MiB page (do_huge_zero_wp_pmd),
	 * as the host does in the empty region; under a table, 4 KiB.
	 */
	if (z->kind == ZERO_TABLE && v->anon_private && region_empty(r))
		table_make(va, r);
	rec_drop((unsigned)(z - recs));
}

void native_zero_unmapped(uint64_t lo, uint64_t hi)
{
	if (!nrecs)
		return;
	vmas_load();
	for (unsigned i = nrecs; i-- > 0;) {
		uint64_t r = recs[i].haddr;
		if (r + ZHUGE <= lo || r >= hi)
			continue;
		if (recs[i].kind == ZERO_HUGE && lo <= r && r + ZHUGE <= hi) {
			rec_drop(i); /* zap_huge_pmd */
			continue;
		}
		recs[i].kind = ZERO_TABLE; /* a huge zero page partly inside is split */
		if (!region_kept(r, lo, hi))
			rec_drop(i); /* free_pgtables */
	}
}

void native_zero_dontneed(uint64_t lo, uint64_t hi)
{
	if (!nrecs)
		return;
	vmas_load();
	for (unsigned i = nrecs; i-- > 0;) {
		uint64_t r = recs[i].haddr;
		if (r + ZHUGE <= lo || r >= hi)
			continue;
		/* whole: the huge zero page zapped, or the emptied table reclaimed */
		if (lo <= r && r + ZHUGE <= hi && (recs[i].kind == ZERO_HUGE || region_vma(r)))
			rec_drop(i);
		else
			recs[i].kind = ZERO_TABLE;
	}
}

void native_zero_remapped(uint64_t old, uint64_t oldlen, uint64_t newlen, uint64_t new_addr)
{
	static struct zero_rec moved[ZREC_MAX];
	uint64_t len = oldlen < newlen ? oldlen : newlen;
	unsigned n = 0;

	if (new_addr == old) {
		if (newlen < oldlen)
			native_zero_unmapped(old + newlen, old + oldlen);
		return;
	}
	for (unsigned i = 0; i < nrecs; i++)
		if (recs[i].haddr < old + len && recs[i].haddr + ZHUGE > old)
			moved[n++] = recs[i];
	native_zero_unmapped(old, old + oldlen);
	for (unsigned i = 0; i < n; i++) {
		uint64_t r = moved[i].haddr;
		uint64_t s = (r > old ? r : old) - old + new_addr;
		uint64_t e = (r + ZHUGE < old + len ? r + ZHUGE : old + len) - old + new_addr;
		if (moved[i].kind == ZERO_HUGE && e - s == ZHUGE && !(s & (ZHUGE - 1))) {
			rec_set(s, ZERO_HUGE, true); /* move_huge_pmd */
			continue;
		}
		for (uint64_t d = s & ~(ZHUGE - 1); d < e; d += ZHUGE)
			rec_set(d, ZERO_TABLE, moved[i].anon); /* split and moved by the page */
	}
}

void native_zero_vmas_changed(void)
{
	bool any = false;
	for (unsigned i = 0; i < nrecs && !any; i++)
		any = recs[i].kind == ZERO_HUGE;
	if (!any)
		return;
	vmas_load();
	for (unsigned i = nrecs; i-- > 0;) {
		uint64_t r = recs[i].haddr;
		if (recs[i].kind != ZERO_HUGE || region_vma(r))
			continue;
		if (region_kept(r, 0, 0))
			recs[i].kind = ZERO_TABLE; /* split at the new boundary */
		else
			rec_drop(i);
	}
}

/* Whether the VMA v shows an anon_vma: anonymous pages, or a huge zero page recorded in it. */
static bool vma_has_anon(const struct zero_vma *v)
{
	for (unsigned i = 0; i < nrecs; i++)
		if (recs[i].kind == ZERO_HUGE && recs[i].haddr >= v->start && recs[i].haddr < v->end)
			return true;
	return smaps_value(v->start, "Anonymous:") > 0;
}

void native_zero_forked(void)
{
	if (!nrecs)
		return;
	vmas_load();
	for (unsigned i = nrecs; i-- > 0;) {
		uint64_t r = recs[i].haddr;
		bool copied = false;
		if (recs[i].kind != ZERO_TABLE || recs[i].anon)
			continue; /* a split huge zero page's VMA had an anon_vma */
		for (unsigned k = 0; k < nvmas && !copied; k++)
			copied = vmas[k].start < r + ZHUGE && vmas[k].end > r && vma_has_anon(&vmas[k]);
		if (!copied)
			rec_drop(i);
	}
	native_zero_vmas_changed();
}
