/*
 * fuzz/mm_run.c - the engine of fuzz_mm and fuzz2trace.
 *
 * Up to 8 processes, each with 8 named mappings (slots) from which the
 * addresses of later operations are derived, so most operations hit live
 * mappings, their edges and the pages just past them. Each operation runs
 * on mmcore and on the model; then the outcome, every byte read, the VMA
 * layout (per page: protection, backing, file offset, dontfork, wipeonfork) and
 * mm_check() must agree.
 *
 * Allocation failures are injected by sim_fail_countdown. While one is
 * armed (or memory is genuinely low) ENOMEM and OOM are accepted; the
 * model then adopts what mmcore left, after checking it is a state the
 * operation may leave (a subset of the mappings, old-or-new protection).
 */
#include <stdarg.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_machine.h"
#include "mm_run.h"
#include "model_mm.h"
#include "mmcore/buddy.h"
#include "mmcore/mm.h"
#include "sim_file.h"
#include "sim_mmu.h"
#include "sim_phys.h"
#include "sim_tlb.h"

#define FM_MEM (64ull << 20)
#define FM_LOW_FRAMES 2048 /* below this many free frames, ENOMEM is no bug */
#define FM_PROCS 8
#define FM_SLOTS 8
#define FM_FILES 2
#define FM_MAX_OPS 400
/* Where addresses not derived from a mapping land: free space, 2 MiB aligned. */
#define FM_AREA 0x0000100000000000ull

struct fm_proc {
	bool live;
	struct mm *mm;
	struct model_proc mp;
	uint64_t slot_addr[FM_SLOTS], slot_len[FM_SLOTS];
	bool slot_bound[FM_SLOTS];
};

static struct {
	struct model m;
	struct fm_proc procs[FM_PROCS];
	struct sim_file *files[FM_FILES];
	int file_obj[FM_FILES];
	FILE *out;
	bool may_fail;   /* this operation may fail for want of memory */
	unsigned op;     /* operation number, for messages */
} fm;

static const char *const errname[] = {
	[0] = "ok", [MM_EPERM] = "EPERM", [MM_EBADF] = "EBADF", [MM_EAGAIN] = "EAGAIN",
	[MM_ENOMEM] = "ENOMEM", [MM_EACCES] = "EACCES", [MM_EFAULT] = "EFAULT",
	[MM_EEXIST] = "EEXIST", [MM_EINVAL] = "EINVAL", [MM_EOVERFLOW] = "EOVERFLOW",
};

static const char *err_str(int rc)
{
	int e = -rc;
	if (e >= 0 && e < (int)(sizeof(errname) / sizeof(errname[0])) && errname[e])
		return errname[e];
	return "E?";
}

static const char *const outcome_name[] = {"ok", "SIGSEGV", "SIGBUS"};

/* One trace line (fuzz2trace), flushed so a crash keeps what came before. */
static void fm_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fm_print(const char *fmt, ...)
{
	va_list ap;

	if (!fm.out)
		return;
	va_start(ap, fmt);
	vfprintf(fm.out, fmt, ap);
	va_end(ap);
	fputc('\n', fm.out);
	fflush(fm.out);
}

#define FM_EXPECT(cond, ...)                                                   \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_mm: operation %u: ", fm.op);     \
			FUZZ_FAIL(__VA_ARGS__);                                \
		}                                                              \
	} while (0)

/* ---- checks ----------------------------------------------------------- */

/* mm_check() allocates; keep an armed failure for the operations. */
static void fm_check_all(void)
{
	struct mm *spaces[FM_PROCS];
	unsigned n = 0;
	uint64_t countdown = sim_fail_countdown;

	sim_fail_countdown = 0;
	for (unsigned i = 0; i < FM_PROCS; i++)
		if (fm.procs[i].live) {
			mm_check_space(fm.procs[i].mm);
			spaces[n++] = fm.procs[i].mm;
		}
	FM_EXPECT(mm_check(spaces, n, sim_file_extra_refs, NULL) == 0, "mm_check failed");
	sim_fail_countdown = countdown;
}

static int vma_prot(const struct vma *v)
{
	return (int)(v->flags & VM_PROT_MASK); /* VM_READ/WRITE/EXEC are MP_R/W/X */
}

/* The part of real VMA v inside model segment s must agree with s. */
static void fm_check_piece(unsigned pid, const struct model_seg *s, const struct vma *v)
{
	uint64_t at = MM_MAX(s->start, v->start);

	FM_EXPECT(vma_prot(v) == s->prot, "pid %u: VMA [%#llx,%#llx) has prot %d, model %d at %#llx",
		  pid, (unsigned long long)v->start, (unsigned long long)v->end, vma_prot(v), s->prot,
		  (unsigned long long)at);
	FM_EXPECT(!!(v->flags & VM_SHARED) == s->shared, "pid %u: VMA at %#llx shared=%d, model %d",
		  pid, (unsigned long long)at, !!(v->flags & VM_SHARED), s->shared);
	FM_EXPECT(!!(v->flags & VM_DONTFORK) == s->dontfork,
		  "pid %u: VMA at %#llx dontfork=%d, model %d", pid, (unsigned long long)at,
		  !!(v->flags & VM_DONTFORK), s->dontfork);
	FM_EXPECT(!!(v->flags & VM_WIPEONFORK) == s->wipeonfork,
		  "pid %u: VMA at %#llx wipeonfork=%d, model %d", pid, (unsigned long long)at,
		  !!(v->flags & VM_WIPEONFORK), s->wipeonfork);
	if (s->obj < 0) {
		FM_EXPECT(v->file == NULL, "pid %u: anonymous private memory at %#llx has a file",
			  pid, (unsigned long long)at);
		return;
	}
	struct model_obj *o = &fm.m.objs[s->obj];
	if (!o->handle)
		o->handle = v->file; /* a new shared anonymous object: learn its identity */
	FM_EXPECT(v->file == o->handle, "pid %u: VMA at %#llx maps the wrong object", pid,
		  (unsigned long long)at);
	FM_EXPECT(v->pgoff * PAGE_SIZE + (at - v->start) == s->off + (at - s->start),
		  "pid %u: VMA at %#llx maps object offset %#llx, model %#llx", pid,
		  (unsigned long long)at, (unsigned long long)(v->pgoff * PAGE_SIZE + (at - v->start)),
		  (unsigned long long)(s->off + (at - s->start)));
}

/* The VMA tree of process i covers exactly the model's pages, with the same properties. */
static void fm_check_layout(unsigned i)
{
	struct fm_proc *p = &fm.procs[i];
	uint64_t real = 0, model = 0;

	for (struct vma *v = vma_first(&p->mm->vmas); v; v = vma_next(v))
		real += v->end - v->start;
	for (unsigned k = 0; k < p->mp.nsegs; k++) {
		const struct model_seg *s = &p->mp.segs[k];
		uint64_t pos = s->start;
		model += s->end - s->start;
		while (pos < s->end) {
			struct vma *v = vma_lookup(&p->mm->vmas, pos);
			FM_EXPECT(v, "pid %u: model maps %#llx, mmcore has no VMA there", i + 1,
				  (unsigned long long)pos);
			fm_check_piece(i + 1, s, v);
			pos = MM_MIN(v->end, s->end);
		}
	}
	FM_EXPECT(real == model, "pid %u: VMAs cover %#llx bytes, model %#llx (an extra mapping)",
		  i + 1, (unsigned long long)real, (unsigned long long)model);
}

/*
 * After a failure for want of memory: keep of the model only what mmcore
 * still maps; with prot, adopt its protections, with dontfork its fork
 * flags (dontfork, wipeonfork), which a failed call may have half set.
 */
static void fm_resync(struct fm_proc *p, bool prot, bool dontfork)
{
	for (unsigned k = 0; k < p->mp.nsegs; k++) {
		struct model_seg s = p->mp.segs[k];
		for (uint64_t pos = s.start; pos < s.end;) {
			struct vma *v = vma_find(&p->mm->vmas, pos);
			uint64_t stop = v ? MM_MIN(MM_MAX(v->start, pos), s.end) : s.end;
			if (stop > pos) { /* [pos, stop) lost its VMA */
				model_unmap(&p->mp, pos, stop);
				k = (unsigned)-1;
				break;
			}
			stop = MM_MIN(v->end, s.end);
			if (prot && vma_prot(v) != s.prot)
				model_set_prot(&p->mp, pos, stop, vma_prot(v));
			if (dontfork && !!(v->flags & VM_DONTFORK) != s.dontfork)
				model_set_dontfork(&p->mp, pos, stop, !!(v->flags & VM_DONTFORK));
			if (dontfork && !!(v->flags & VM_WIPEONFORK) != s.wipeonfork)
				model_set_wipeonfork(&p->mp, pos, stop, !!(v->flags & VM_WIPEONFORK));
			pos = stop;
		}
	}
}

/*
 * After an operation failed for want of memory part way: the model adopts
 * what mmcore left, but only pages in [lo1, hi1) or [lo2, hi2) may have
 * lost their mapping (what the operation unmaps before it can fail).
 */
static void fm_resync_within(struct fm_proc *p, uint64_t lo1, uint64_t hi1, uint64_t lo2,
			     uint64_t hi2)
{
	for (unsigned k = 0; k < p->mp.nsegs; k++) {
		const struct model_seg *s = &p->mp.segs[k];
		for (uint64_t va = s->start; va < s->end; va += PAGE_SIZE) {
			if (vma_lookup(&p->mm->vmas, va))
				continue;
			FM_EXPECT((va >= lo1 && va < hi1) || (va >= lo2 && va < hi2),
				  "pid %u: a failed operation unmapped %#llx, outside what it may unmap",
				  (unsigned)(p - fm.procs) + 1, (unsigned long long)va);
		}
	}
	fm_resync(p, false, false);
}

/* Objects nobody maps any more are forgotten (files stay). */
static void fm_objects_gc(void)
{
	bool used[MODEL_OBJS] = {false};

	for (unsigned i = 0; i < FM_PROCS; i++)
		for (unsigned k = 0; k < fm.procs[i].mp.nsegs; k++)
			if (fm.procs[i].mp.segs[k].obj >= 0)
				used[fm.procs[i].mp.segs[k].obj] = true;
	for (int f = 0; f < FM_FILES; f++)
		used[fm.file_obj[f]] = true;
	for (int o = 0; o < MODEL_OBJS; o++)
		if (fm.m.objs[o].used && !used[o])
			model_obj_release(&fm.m, o);
}

/* ---- processes --------------------------------------------------------- */

static void fm_proc_kill(unsigned i)
{
	struct fm_proc *p = &fm.procs[i];

	mm_destroy(p->mm);
	model_proc_clear(&p->mp);
	memset(p, 0, sizeof(*p));
}

/* The process in slot i, created empty if it does not exist (as a trace does). */
static struct fm_proc *fm_proc_get(unsigned i)
{
	struct fm_proc *p = &fm.procs[i];

	if (p->live)
		return p;
	memset(p, 0, sizeof(*p));
	int rc = mm_create(&p->mm);
	if (rc) {
		FM_EXPECT(fm.may_fail, "mm_create: %s", err_str(rc));
		return NULL;
	}
	p->live = true;
	model_proc_init(&p->mp);
	return p;
}

/* ---- decoding helpers --------------------------------------------------- */

/* A length: small page counts, 2 MiB multiples, odd sizes, whole slots, 0. */
static uint64_t fm_len(struct fuzz_input *in, const struct fm_proc *p)
{
	uint8_t k = fuzz_u8(in), v = fuzz_u8(in);

	switch (k % 8) {
	case 0: case 1: case 2:
		return (1 + v % 16) * PAGE_SIZE;
	case 3:
		return (1 + v % 3) * HUGE_SIZE;
	case 4:
		return HUGE_SIZE + (v % 2 ? PAGE_SIZE : -PAGE_SIZE);
	case 5: {
		unsigned s = v % FM_SLOTS;
		return p->slot_bound[s] ? p->slot_len[s] : PAGE_SIZE;
	}
	case 6:
		return (1 + v % 8) * PAGE_SIZE - 1 - fuzz_u8(in); /* unaligned, rounds up */
	default:
		return v % 2 ? 0 : (1ull << 47) + PAGE_SIZE; /* invalid */
	}
}

/* An address near a live mapping of p, or in the free area. */
static uint64_t fm_addr(struct fuzz_input *in, const struct fm_proc *p, bool page_aligned)
{
	uint8_t k = fuzz_u8(in), v = fuzz_u8(in);
	unsigned s = k % FM_SLOTS;
	uint64_t a;

	if (k & 0x80 || !p->slot_bound[s])
		a = FM_AREA + (uint64_t)(v % 16) * HUGE_SIZE + (uint64_t)(k % 4) * PAGE_SIZE;
	else
		a = p->slot_addr[s] + (uint64_t)(v % (p->slot_len[s] / PAGE_SIZE + 2)) * PAGE_SIZE;
	if (k & 0x40 && a >= PAGE_SIZE)
		a -= PAGE_SIZE; /* just below */
	if (!page_aligned)
		a += fuzz_u16(in) % PAGE_SIZE;
	return a;
}

static int fm_prot(uint8_t b)
{
	return b % 8; /* any combination of READ/WRITE/EXEC */
}

static void prot_str(int prot, char *buf)
{
	char *q = buf;
	if (!prot) {
		strcpy(buf, "none");
		return;
	}
	if (prot & MP_R)
		*q++ = 'r';
	if (prot & MP_W)
		*q++ = 'w';
	if (prot & MP_X)
		*q++ = 'x';
	*q = 0;
}

/* Accept rc == want; ENOMEM is also accepted while memory may fail. */
static bool fm_result(const char *what, int rc, int want)
{
	if (rc == -MM_ENOMEM && fm.may_fail && rc != want)
		return false;
	FM_EXPECT(rc == want, "%s returned %s, model %s", what, err_str(rc), err_str(want));
	return true;
}

/* ---- operations ----------------------------------------------------------- */

/* A mapping's placement chosen by mmcore must be legal and free in the model. */
static void fm_check_placement(const struct fm_proc *p, uint64_t out, uint64_t len,
			       const char *what)
{
	FM_EXPECT(IS_ALIGNED(out, PAGE_SIZE) && out >= MM_MMAP_MIN_ADDR && out <= USER_VA_END - len,
		  "%s placed at %#llx (+%#llx): outside user space or unaligned", what,
		  (unsigned long long)out, (unsigned long long)len);
	FM_EXPECT(!model_overlaps(&p->mp, out, out + len), "%s placed at %#llx over a live mapping",
		  what, (unsigned long long)out);
}

/*
 * MAP_POPULATE of a private writable file mapping write-faults every page,
 * as Linux does: each gets its private copy of the file now, and later
 * writes to the file no longer show through. Population stops at the first
 * page past the end of the file (or, while memory may fail, wherever the
 * kernel could not go on: then the tables tell which pages were copied).
 */
static void fm_populate_private(struct fm_proc *p, uint64_t start, uint64_t len)
{
	for (uint64_t va = start; va < start + len; va += PAGE_SIZE) {
		uint8_t b;
		if (model_access(&fm.m, &p->mp, va, MA_READ, &b) != MO_OK)
			return;
		if (fm.may_fail) {
			struct pt_lookup l;
			if (pt_lookup(p->mm->root_pfn, va, &l) != 0 ||
			    !(pfn_to_page(l.pfn)->flags & PG_ANON))
				return;
		}
		model_access(&fm.m, &p->mp, va, MA_WRITE, &b); /* copy on write, same byte */
	}
}

static void op_mmap(struct fuzz_input *in, unsigned pid)
{
	struct fm_proc *p = fm_proc_get(pid);
	uint8_t kind = fuzz_u8(in), mode = fuzz_u8(in), pb = fuzz_u8(in);
	unsigned slot = fuzz_u8(in) % FM_SLOTS;
	uint64_t len, addr, offset = 0, alen, out = 0;
	int prot = fm_prot(pb), flags, want = 0, file = -1;
	char ps[8];

	if (!p)
		return;
	len = fm_len(in, p);
	addr = mode % 4 ? fm_addr(in, p, !(mode & 0x80)) : 0;
	flags = kind & 1 ? MM_MAP_SHARED : MM_MAP_PRIVATE;
	if ((kind & 0x30) == 0x30)
		flags = 0; /* neither shared nor private: EINVAL */
	if (kind & 2) {
		file = (kind >> 2) & 1;
		offset = (uint64_t)(fuzz_u8(in) % 8) * PAGE_SIZE;
		if (kind & 0x40)
			offset += HUGE_SIZE;
		if ((kind & 0x88) == 0x88)
			offset += 100; /* unaligned: EINVAL */
	} else {
		flags |= MM_MAP_ANONYMOUS;
	}
	flags |= mode % 4 == 2 ? MM_MAP_FIXED : mode % 4 == 3 ? MM_MAP_FIXED_NOREPLACE : 0;
	if (pb & 0x80)
		flags |= MM_MAP_POPULATE;
	alen = ALIGN_UP(len, PAGE_SIZE);

	/* Linux's checks, in do_mmap's order (as mm.h promises). */
	bool fixed = flags & (MM_MAP_FIXED | MM_MAP_FIXED_NOREPLACE);
	if (offset & (PAGE_SIZE - 1))
		want = -MM_EINVAL;
	else if (len == 0)
		want = -MM_EINVAL;
	else if ((flags & MM_MAP_TYPE) != MM_MAP_SHARED && (flags & MM_MAP_TYPE) != MM_MAP_PRIVATE)
		want = -MM_EINVAL;
	else if (len > USER_VA_END)
		want = -MM_ENOMEM;
	else if (fixed && (addr & (PAGE_SIZE - 1)))
		want = -MM_EINVAL;
	else if (fixed && addr > USER_VA_END - alen)
		want = -MM_ENOMEM;
	else if (fixed && addr < MM_MMAP_MIN_ADDR)
		want = -MM_EPERM;
	else if ((flags & MM_MAP_FIXED_NOREPLACE) && model_overlaps(&p->mp, addr, addr + alen))
		want = -MM_EEXIST;

	int obj = -1;
	if (want == 0 && file < 0 && (flags & MM_MAP_TYPE) == MM_MAP_SHARED) {
		fm_objects_gc();
		obj = model_obj_new(&fm.m, false, alen);
		if (obj < 0)
			return; /* the model's object table is full: skip, nothing ran */
	}
	int rc = mm_mmap(p->mm, addr, len, prot, flags, file >= 0 ? &fm.files[file]->base : NULL,
			 offset, &out);
	prot_str(prot, ps);
	if (fm.out) {
		char where[32];
		if (addr && fixed)
			snprintf(where, sizeof(where), "%#llx", (unsigned long long)addr);
		else if (addr)
			snprintf(where, sizeof(where), "%#llx", (unsigned long long)addr);
		else
			strcpy(where, "-");
		char fl[96];
		snprintf(fl, sizeof(fl), "%s%s%s%s%s", flags & MM_MAP_SHARED ? "shared" : "private",
			 file < 0 ? ",anon" : "", flags & MM_MAP_FIXED ? ",fixed" : "",
			 flags & MM_MAP_FIXED_NOREPLACE ? ",fixed_noreplace" : "",
			 flags & MM_MAP_POPULATE ? ",populate" : "");
		if (file >= 0)
			snprintf(fl + strlen(fl), sizeof(fl) - strlen(fl), ",file=f%d:%llu", file,
				 (unsigned long long)offset);
		if (want == -MM_EINVAL && (flags & MM_MAP_TYPE) == 0)
			fm_print("# mmap with neither shared nor private (not expressible): %s", err_str(want));
		else
			fm_print("%u mmap %s %#llx %s %s m%u => %s", pid + 1, where,
				 (unsigned long long)len, ps, fl, slot, rc == 0 ? "ok" : err_str(want));
	}
	if (!fm_result("mmap", rc, want)) {
		if (obj >= 0)
			model_obj_release(&fm.m, obj);
		fm_resync(p, false, false);
		return;
	}
	if (rc != 0) {
		if (obj >= 0)
			model_obj_release(&fm.m, obj);
		return;
	}
	if (flags & MM_MAP_FIXED) {
		FM_EXPECT(out == addr, "mmap MAP_FIXED at %#llx returned %#llx",
			  (unsigned long long)addr, (unsigned long long)out);
		model_unmap(&p->mp, addr, addr + alen);
	} else {
		fm_check_placement(p, out, alen, "mmap");
		/* Linux's round_hint_to_min(): page down, and not below mmap_min_addr. */
		uint64_t hint = addr & PAGE_MASK;
		if (hint && hint < MM_MMAP_MIN_ADDR)
			hint = MM_MMAP_MIN_ADDR;
		if (hint && hint <= USER_VA_END - alen &&
		    !model_overlaps(&p->mp, hint, hint + alen))
			FM_EXPECT(out == hint, "mmap ignored a free hint %#llx (got %#llx)",
				  (unsigned long long)hint, (unsigned long long)out);
	}
	struct model_seg s = {
		.start = out, .end = out + alen, .prot = prot,
		.shared = (flags & MM_MAP_TYPE) == MM_MAP_SHARED,
		.obj = file >= 0 ? fm.file_obj[file] : obj, .off = offset,
	};
	model_map(&p->mp, &s);
	if ((flags & MM_MAP_POPULATE) && !s.shared && file >= 0 && (prot & MP_W))
		fm_populate_private(p, out, alen);
	p->slot_addr[slot] = out;
	p->slot_len[slot] = alen;
	p->slot_bound[slot] = true;
	if (fm.out)
		fm_print("# m%u = %#llx", slot, (unsigned long long)out);
}

static void op_munmap(struct fuzz_input *in, unsigned pid)
{
	struct fm_proc *p = fm_proc_get(pid);
	uint64_t addr, len;
	int want = 0;

	if (!p)
		return;
	addr = fm_addr(in, p, !(fuzz_u8(in) & 0x80));
	len = fm_len(in, p);
	if ((addr & (PAGE_SIZE - 1)) || len == 0 || len > USER_VA_END || addr > USER_VA_END - len)
		want = -MM_EINVAL;
	int rc = mm_munmap(p->mm, addr, len);
	fm_print("%u munmap %#llx %#llx => %s", pid + 1, (unsigned long long)addr,
		 (unsigned long long)len, err_str(rc == -MM_ENOMEM ? rc : want));
	if (!fm_result("munmap", rc, want)) {
		fm_resync(p, false, false);
		return;
	}
	if (rc == 0)
		model_unmap(&p->mp, addr, addr + ALIGN_UP(len, PAGE_SIZE));
}

static void op_mprotect(struct fuzz_input *in, unsigned pid)
{
	struct fm_proc *p = fm_proc_get(pid);
	uint8_t pb;
	uint64_t addr, len, end;
	int want = 0, prot;
	char ps[8];

	if (!p)
		return;
	addr = fm_addr(in, p, !(fuzz_u8(in) & 0x80));
	len = fm_len(in, p);
	pb = fuzz_u8(in);
	prot = fm_prot(pb);
	if (pb & 0x80)
		prot |= 0x10; /* an unknown bit: EINVAL */
	end = addr + ALIGN_UP(len, PAGE_SIZE);
	/* do_mprotect_pkey's order: alignment, empty range, wrap, then prot. */
	if (addr & (PAGE_SIZE - 1))
		want = -MM_EINVAL;
	else if (len == 0)
		want = 0;
	else if (end <= addr)
		want = -MM_ENOMEM;
	else if (prot & 0x10)
		want = -MM_EINVAL;
	int rc = mm_mprotect(p->mm, addr, len, prot);
	if (want == 0 && len != 0)
		want = model_mprotect(&p->mp, addr, end, prot);
	prot_str(prot & 7, ps);
	if (prot & 0x10)
		fm_print("# mprotect %#llx %#llx with an unknown prot bit => %s",
			 (unsigned long long)addr, (unsigned long long)len, err_str(want));
	else
		fm_print("%u mprotect %#llx %#llx %s => %s", pid + 1, (unsigned long long)addr,
			 (unsigned long long)len, ps, err_str(rc == -MM_ENOMEM ? rc : want));
	if (!fm_result("mprotect", rc, want))
		fm_resync(p, true, false);
	else if (rc == -MM_ENOMEM && fm.may_fail)
		fm_resync(p, true, false); /* a hole and a failure look alike */
}

static const struct {
	int advice;
	const char *name;
} fm_advice[] = {
	{MM_MADV_DONTNEED, "dontneed"}, {MM_MADV_HUGEPAGE, "hugepage"},
	{MM_MADV_NOHUGEPAGE, "nohugepage"}, {MM_MADV_WILLNEED, "willneed"},
	{MM_MADV_REMOVE, "remove"}, {MM_MADV_DONTFORK, "dontfork"},
	{MM_MADV_DOFORK, "dofork"}, {MM_MADV_NORMAL, NULL}, {MM_MADV_FREE, NULL},
	{77, NULL}, /* not an advice: EINVAL */
	{MM_MADV_WIPEONFORK, NULL}, {MM_MADV_KEEPONFORK, NULL}, /* not in the trace language */
};

static void op_madvise(struct fuzz_input *in, unsigned pid)
{
	struct fm_proc *p = fm_proc_get(pid);
	uint64_t addr, len, end;
	int want = 0;

	if (!p)
		return;
	addr = fm_addr(in, p, !(fuzz_u8(in) & 0x80));
	len = fm_len(in, p);
	unsigned a = fuzz_u8(in) % (sizeof(fm_advice) / sizeof(fm_advice[0]));
	int advice = fm_advice[a].advice;
	end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (advice == 77 || (addr & (PAGE_SIZE - 1)) || len > USER_VA_END || end < addr)
		want = -MM_EINVAL;
	int rc = mm_madvise(p->mm, addr, len, advice);
	if (want == 0 && end != addr)
		want = model_madvise(&fm.m, &p->mp, addr, end, advice);
	if (fm_advice[a].name)
		fm_print("%u madvise %#llx %#llx %s => %s", pid + 1, (unsigned long long)addr,
			 (unsigned long long)len, fm_advice[a].name, err_str(rc == -MM_ENOMEM ? rc : want));
	else
		fm_print("# madvise advice %d over %#llx %#llx => %s", advice,
			 (unsigned long long)addr, (unsigned long long)len, err_str(want));
	if (!fm_result("madvise", rc, want) || (rc == -MM_ENOMEM && fm.may_fail))
		fm_resync(p, false, true);
}

/* mremap(2) on the model; v_end is the end of mmcore's VMA holding addr (checked layout). */
static int model_mremap(struct fm_proc *p, uint64_t addr, uint64_t old_len, uint64_t new_len,
			int flags, uint64_t new_addr, uint64_t v_end, int rc, uint64_t out)
{
	uint64_t ol = ALIGN_UP(old_len, PAGE_SIZE), nl = ALIGN_UP(new_len, PAGE_SIZE);

	if (flags & ~(MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP))
		return -MM_EINVAL;
	if ((flags & MM_MREMAP_FIXED) && !(flags & MM_MREMAP_MAYMOVE))
		return -MM_EINVAL;
	/* Linux >= 6.17 compares the page-rounded lengths (6.1 the raw ones). */
	if ((flags & MM_MREMAP_DONTUNMAP) && (!(flags & MM_MREMAP_MAYMOVE) || ol != nl))
		return -MM_EINVAL;
	if (addr & (PAGE_SIZE - 1) || old_len > USER_VA_END || new_len > USER_VA_END || new_len == 0)
		return -MM_EINVAL;
	/* Linux checks the target of MREMAP_FIXED before it looks at any VMA. */
	if (flags & MM_MREMAP_FIXED) {
		if (new_addr & (PAGE_SIZE - 1) || new_addr > USER_VA_END - nl)
			return -MM_EINVAL;
		if (addr + ol > new_addr && new_addr + nl > addr)
			return -MM_EINVAL;
	}
	if (!model_seg_at(&p->mp, addr))
		return -MM_EFAULT;
	if (ol == 0)
		return -MM_EINVAL;
	if (flags & (MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP)) {
		/* Linux >= 6.17: what stays must lie in the VMA before anything goes. */
		if (MM_MIN(ol, nl) > v_end - addr)
			return -MM_EFAULT;
		if (flags & MM_MREMAP_FIXED) {
			/*
			 * Linux unmaps the target before it moves anything, and
			 * a move that then fails for want of memory leaves it
			 * unmapped (the caller checks and adopts what is left).
			 */
			if (rc == -MM_ENOMEM)
				return rc;
			model_unmap(&p->mp, new_addr, new_addr + nl);
			if (new_addr > addr)
				v_end = MM_MIN(v_end, new_addr);
		}
		if (ol > nl) {
			if (rc == -MM_ENOMEM)
				return rc;
			model_unmap(&p->mp, addr + nl, addr + ol);
			v_end = MM_MIN(v_end, addr + nl);
			ol = nl;
		}
		if (ol > v_end - addr)
			return -MM_EFAULT;
		if (rc != 0)
			return rc; /* placement or memory: checked by the caller */
		fm_check_placement(p, out, nl, "mremap");
		model_move(&p->mp, addr, ol, out, (flags & MM_MREMAP_DONTUNMAP) != 0);
		if (nl > ol)
			model_grow(&p->mp, out + ol, nl - ol);
		return 0;
	}
	if (ol >= nl) {
		if (rc == -MM_ENOMEM)
			return rc;
		model_unmap(&p->mp, addr + nl, MM_MIN(addr + ol, USER_VA_END));
		return 0;
	}
	if (ol > v_end - addr)
		return -MM_EFAULT;
	if (addr + ol == v_end && addr + nl <= USER_VA_END &&
	    !model_overlaps(&p->mp, v_end, addr + nl)) {
		if (rc == 0 && out == addr) {
			model_grow(&p->mp, v_end, addr + nl - v_end);
			return 0;
		}
		FM_EXPECT(rc != 0, "mremap did not grow %#llx in place", (unsigned long long)addr);
		return rc == -MM_ENOMEM ? rc : 0; /* reported by the caller's comparison */
	}
	if (!(flags & MM_MREMAP_MAYMOVE))
		return -MM_ENOMEM;
	if (rc != 0)
		return rc;
	fm_check_placement(p, out, nl, "mremap");
	model_move(&p->mp, addr, ol, out, false);
	model_grow(&p->mp, out + ol, nl - ol);
	return 0;
}

static void op_mremap(struct fuzz_input *in, unsigned pid)
{
	struct fm_proc *p = fm_proc_get(pid);
	uint8_t fb;
	uint64_t addr, old_len, new_len, new_addr = 0, out = 0, v_end = 0;
	int flags = 0;

	if (!p)
		return;
	fb = fuzz_u8(in);
	unsigned slot = fb % FM_SLOTS;
	if (p->slot_bound[slot] && !(fb & 0x80)) {
		addr = p->slot_addr[slot];
		old_len = p->slot_len[slot];
		if (fb & 0x40)
			old_len = MM_MAX(PAGE_SIZE, old_len / 2);
	} else {
		addr = fm_addr(in, p, true);
		old_len = fm_len(in, p);
	}
	new_len = fm_len(in, p);
	uint8_t mode = fuzz_u8(in);
	flags = mode % 4 == 0 ? 0 : mode % 4 == 1 ? MM_MREMAP_MAYMOVE :
		mode % 4 == 2 ? MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED :
		MM_MREMAP_MAYMOVE | MM_MREMAP_DONTUNMAP;
	if (mode & 0x80)
		flags |= mode & 0x40 ? 8 : MM_MREMAP_FIXED; /* invalid combinations */
	if ((flags & MM_MREMAP_DONTUNMAP) && (mode & 0x20))
		new_len = old_len;
	if (flags & (MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP))
		new_addr = fm_addr(in, p, true);
	struct vma *v = vma_lookup(&p->mm->vmas, addr);
	if (v)
		v_end = v->end;
	int rc = mm_mremap(p->mm, addr, old_len, new_len, flags, new_addr, &out);
	int want = model_mremap(p, addr, old_len, new_len, flags, new_addr, v_end, rc, out);
	if (fm.out) {
		char fl[64] = "";
		if (flags & ~7)
			fm_print("# mremap with invalid flags %#x => %s", flags, err_str(want));
		else {
			snprintf(fl, sizeof(fl), "%s%s%s", flags & MM_MREMAP_MAYMOVE ? "maymove" : "-",
				 flags & MM_MREMAP_FIXED ? ",fixed" : "",
				 flags & MM_MREMAP_DONTUNMAP ? ",dontunmap" : "");
			if (flags & MM_MREMAP_FIXED)
				fm_print("%u mremap %#llx %#llx %#llx %s %#llx m%u => %s", pid + 1,
					 (unsigned long long)addr, (unsigned long long)old_len,
					 (unsigned long long)new_len, fl, (unsigned long long)new_addr,
					 slot, err_str(rc == -MM_ENOMEM ? rc : want));
			else
				fm_print("%u mremap %#llx %#llx %#llx %s m%u => %s", pid + 1,
					 (unsigned long long)addr, (unsigned long long)old_len,
					 (unsigned long long)new_len, fl, slot,
					 err_str(rc == -MM_ENOMEM ? rc : want));
		}
	}
	if (!fm_result("mremap", rc, want)) {
		fm_resync(p, false, false);
		return;
	}
	if (rc == -MM_ENOMEM && fm.may_fail) {
		/* The target (MREMAP_FIXED) and the shrunk tail may be gone. */
		uint64_t ol = ALIGN_UP(old_len, PAGE_SIZE), nl = ALIGN_UP(new_len, PAGE_SIZE);
		uint64_t tlo = flags & MM_MREMAP_FIXED ? new_addr : 0;
		uint64_t thi = flags & MM_MREMAP_FIXED ? new_addr + nl : 0;
		fm_resync_within(p, tlo, thi, ol > nl ? addr + nl : 0, ol > nl ? addr + ol : 0);
		return;
	}
	if (rc == 0) {
		p->slot_addr[slot] = out;
		p->slot_len[slot] = ALIGN_UP(new_len, PAGE_SIZE);
		p->slot_bound[slot] = true;
		fm_print("# m%u = %#llx", slot, (unsigned long long)out);
	}
}

static void op_fork(struct fuzz_input *in, unsigned pid)
{
	struct fm_proc *p = fm_proc_get(pid), *c;
	unsigned child = fuzz_u8(in) % FM_PROCS;

	if (!p)
		return;
	for (unsigned k = 0; k < FM_PROCS && fm.procs[child].live; k++)
		child = (child + 1) % FM_PROCS;
	if (fm.procs[child].live)
		return; /* all eight exist */
	c = &fm.procs[child];
	memset(c, 0, sizeof(*c));
	int rc = mm_fork(p->mm, &c->mm);
	fm_print("%u fork %u => %s", pid + 1, child + 1, err_str(rc));
	if (!fm_result("fork", rc, 0) || rc)
		return;
	c->live = true;
	model_proc_fork(&c->mp, &p->mp);
	memcpy(c->slot_addr, p->slot_addr, sizeof(c->slot_addr));
	memcpy(c->slot_len, p->slot_len, sizeof(c->slot_len));
	memcpy(c->slot_bound, p->slot_bound, sizeof(c->slot_bound));
}

static void op_exit_exec(struct fuzz_input *in, unsigned pid)
{
	bool exec = fuzz_u8(in) & 1;

	if (!fm.procs[pid].live)
		return;
	fm_print("%u %s", pid + 1, exec ? "exec" : "exit");
	fm_proc_kill(pid);
	if (exec)
		(void)fm_proc_get(pid);
}

static const char *const access_name[] = {"r", "w", "x"};

/* One access through the software MMU, compared with the model. */
static void fm_access(unsigned pid, uint64_t va, enum mm_access a, uint8_t val)
{
	struct fm_proc *p = &fm.procs[pid];
	uint8_t got = val, want = val;
	enum fault_result r = sim_mmu_access(p->mm, va, a, &got, NULL);
	enum model_outcome mo;

	if (r == FAULT_OOM) {
		FM_EXPECT(fm.may_fail, "pid %u %s at %#llx: OOM with memory to spare", pid + 1,
			  access_name[a], (unsigned long long)va);
		fm_print("%u fault %#llx %s => SIGKILL", pid + 1, (unsigned long long)va, access_name[a]);
		fm_proc_kill(pid);
		return;
	}
	mo = model_access(&fm.m, &p->mp, va, (enum model_access)a, &want);
	if (a == MM_ACCESS_WRITE)
		fm_print("%u write %#llx %u => %s", pid + 1, (unsigned long long)va, val,
			 outcome_name[mo]);
	else if (a == MM_ACCESS_READ && mo == MO_OK)
		fm_print("%u read %#llx %u => ok", pid + 1, (unsigned long long)va, want);
	else
		fm_print("%u fault %#llx %s => %s", pid + 1, (unsigned long long)va, access_name[a],
			 outcome_name[mo]);
	static const enum fault_result expect[] = {FAULT_OK, FAULT_SIGSEGV, FAULT_SIGBUS};
	FM_EXPECT(r == expect[mo], "pid %u %s at %#llx: fault result %d, model %s", pid + 1,
		  access_name[a], (unsigned long long)va, (int)r, outcome_name[mo]);
	if (r == FAULT_OK && a != MM_ACCESS_WRITE)
		FM_EXPECT(got == want, "pid %u %s at %#llx: read %u, model %u", pid + 1,
			  access_name[a], (unsigned long long)va, got, want);
}

/*
 * A fault raised without looking at the tables first, as a stale TLB or a
 * second CPU that raced to the same page would: the outcome must still be
 * the model's, and the contents stay as they were.
 */
static void fm_spurious_fault(unsigned pid, uint64_t va, enum mm_access a)
{
	struct fm_proc *p = &fm.procs[pid];
	enum fault_result r = mm_fault(p->mm, va, a, true);
	enum model_outcome mo;
	uint8_t b = 0;

	if (r == FAULT_OOM) {
		FM_EXPECT(fm.may_fail, "pid %u: spurious fault at %#llx: OOM with memory to spare",
			  pid + 1, (unsigned long long)va);
		fm_proc_kill(pid);
		return;
	}
	/* A write of the byte already there: the outcome without a change. */
	mo = model_access(&fm.m, &p->mp, va, MA_READ, &b);
	if (mo == MO_OK || a != MM_ACCESS_READ)
		mo = model_access(&fm.m, &p->mp, va, (enum model_access)a, &b);
	fm_print("# pid %u raises a %s fault at %#llx itself => %s", pid + 1, access_name[a],
		 (unsigned long long)va, outcome_name[mo]);
	static const enum fault_result expect[] = {FAULT_OK, FAULT_SIGSEGV, FAULT_SIGBUS};
	FM_EXPECT(r == expect[mo], "pid %u: spurious %s fault at %#llx: result %d, model %s",
		  pid + 1, access_name[a], (unsigned long long)va, (int)r, outcome_name[mo]);
}

static void op_access(struct fuzz_input *in, unsigned pid)
{
	struct fm_proc *p = fm_proc_get(pid);
	uint8_t k = fuzz_u8(in);

	if (!p)
		return;
	uint64_t va = fm_addr(in, p, false);
	enum mm_access a = k % 4 == 3 ? MM_ACCESS_EXEC : k % 4 == 2 ? MM_ACCESS_WRITE : MM_ACCESS_READ;
	if ((k & 0x30) == 0x30)
		fm_spurious_fault(pid, va, a);
	else
		fm_access(pid, va, a, fuzz_u8(in));
}

/* Touch a run of pages (one access each), as a program walking an array. */
static void op_touch(struct fuzz_input *in, unsigned pid)
{
	struct fm_proc *p = fm_proc_get(pid);
	uint8_t k = fuzz_u8(in), val = fuzz_u8(in);

	if (!p)
		return;
	uint64_t va = fm_addr(in, p, false);
	unsigned n = 1 + fuzz_u8(in) % 24;
	for (unsigned i = 0; i < n && fm.procs[pid].live; i++)
		fm_access(pid, va + (uint64_t)i * PAGE_SIZE * (1 + k % 3),
			  k & 1 ? MM_ACCESS_WRITE : MM_ACCESS_READ, (uint8_t)(val + i));
}

static void op_config(struct fuzz_input *in)
{
	uint8_t k = fuzz_u8(in);
	static const char *const thp[] = {"always", "madvise", "never"};

	switch (k & 3) {
	case 0:
		mm_config.thp = (enum mm_thp_policy)((k >> 2) % 3);
		fm_print("# thp %s (set between events)", thp[mm_config.thp]);
		break;
	case 1:
		mm_config.faultaround = (k >> 2) % 3 == 0 ? 0 : (k >> 2) % 3 == 1 ? 16 : 64;
		fm_print("# faultaround %u (set between events)", mm_config.faultaround);
		break;
	default:
		mm_config.huge_zero_page = k & 4;
		fm_print("# huge zero page %s", mm_config.huge_zero_page ? "on" : "off");
		break;
	}
}

static void op_fail(struct fuzz_input *in)
{
	sim_fail_countdown = 1 + fuzz_u8(in) % 8;
	sim_fail_every = 0;
	fm_print("# allocation %llu from now fails (not replayable)",
		 (unsigned long long)sim_fail_countdown);
}

static bool mm_step(struct fuzz_input *in)
{
	uint8_t op = fuzz_u8(in), pb = fuzz_u8(in);
	unsigned pid = pb % FM_PROCS;

	if (fuzz_input_done(in) || fm.op >= FM_MAX_OPS)
		return false;
	fm.op++;
	fm.may_fail = sim_fail_countdown != 0 || buddy_free_pages() < FM_LOW_FRAMES;
	switch (op % 16) {
	case 0: case 1: op_mmap(in, pid); break;
	case 2: op_munmap(in, pid); break;
	case 3: op_mprotect(in, pid); break;
	case 4: op_madvise(in, pid); break;
	case 5: op_mremap(in, pid); break;
	case 6: op_fork(in, pid); break;
	case 7: op_exit_exec(in, pid); break;
	case 8: case 9: case 10: case 11: op_access(in, pid); break;
	case 12: case 13: op_touch(in, pid); break;
	case 14: op_config(in); break;
	case 15: op_fail(in); break;
	}
	fm_check_all();
	for (unsigned i = 0; i < FM_PROCS; i++)
		if (fm.procs[i].live)
			fm_check_layout(i);
	return true;
}

/* ---- machine ----------------------------------------------------------- */

static void fm_machine_start(struct fuzz_input *in, FILE *trace)
{
	static const char *const names[FM_FILES] = {"f0", "f1"};

	fuzz_machine_reset(FM_MEM, true);
	sim_tlb_reset();
	memset(&fm, 0, sizeof(fm));
	fm.out = trace;
	model_init(&fm.m);
	mm_config.thp = MM_THP_ALWAYS;
	mm_config.faultaround = MM_FAULTAROUND_DEFAULT;
	mm_config.huge_zero_page = true;
	FUZZ_EXPECT(mm_init() == 0, "mm_init failed");
	fm_print("mem %lluM", (unsigned long long)(FM_MEM >> 20));
	fm_print("thp always");
	fm_print("faultaround %u", MM_FAULTAROUND_DEFAULT);
	for (int f = 0; f < FM_FILES; f++) {
		/* Sizes around page and 2 MiB boundaries, so SIGBUS edges are hit. */
		uint64_t size = f == 0 ? 1 + fuzz_u16(in) % (12 * PAGE_SIZE)
				       : HUGE_SIZE - 2 * PAGE_SIZE + fuzz_u16(in) % (6 * PAGE_SIZE);
		fm.files[f] = sim_file_create(names[f], size, (uint64_t)f + 1);
		if (!fm.files[f])
			abort();
		fm.file_obj[f] = model_obj_new(&fm.m, true, size);
		fm.m.objs[fm.file_obj[f]].handle = &fm.files[f]->base;
		fm_print("file %s %llu", names[f], (unsigned long long)size);
	}
}

/* Every process exits; then nothing may be left: frames, objects, cache. */
static void fm_machine_stop(void)
{
	sim_fail_countdown = 0;
	for (unsigned i = 0; i < FM_PROCS; i++)
		if (fm.procs[i].live) {
			fm_print("%u exit", i + 1);
			fm_proc_kill(i);
		}
	fm_check_all();
	for (int f = 0; f < FM_FILES; f++)
		FUZZ_EXPECT(sim_file_destroy(fm.files[f]) == 0,
			    "file f%d: cached frames still referenced after every process exited", f);
	mm_fini();
	buddy_drain();
	buddy_check();
	FUZZ_EXPECT(buddy_free_pages() == buddy_managed_pages(),
		    "%llu frames leaked after every process exited",
		    (unsigned long long)(buddy_managed_pages() - buddy_free_pages()));
	FUZZ_EXPECT(sim_obj_live == 0, "%llu mmcore objects leaked", (unsigned long long)sim_obj_live);
	model_fini(&fm.m);
}

void mm_run(const uint8_t *data, size_t size, FILE *trace)
{
	struct fuzz_input in;

	fuzz_input_init(&in, data, size);
	fm_machine_start(&in, trace);
	while (mm_step(&in))
		;
	fm_machine_stop();
}
