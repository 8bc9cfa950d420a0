/*
 * simulator/replay_event.c - executing one trace record: an event through
 * mmcore's address-space operations or the software MMU, or an expectation
 * against the process's state; then comparing the outcome with `=>`.
 *
 * Every check that could make a record impossible to execute as written
 * (an unbound name, a fork child that already exists) runs before the
 * record has any effect, so a malformed record is never half replayed.
 */
#include <stdio.h>

#include "replay_int.h"

static void set_malformed(struct replay *r, const char *what, const char *name, uint32_t pid)
{
	snprintf(r->parser.error, sizeof(r->parser.error), what, name, pid);
	r->malformed = true;
}

/* Resolve an address of process p (NULL: not alive, so no names). */
static bool addr_resolve(struct replay *r, const struct sim_proc *p, uint32_t pid,
			 const struct trace_addr *a, uint64_t *out)
{
	uint64_t v;
	if (a->name == TRACE_NO_NAME) {
		*out = a->value;
		return true;
	}
	v = p ? sim_proc_name(p, a->name) : SIM_NAME_UNBOUND;
	if (v == SIM_NAME_UNBOUND) {
		set_malformed(r, "name '%s' is not bound in process %u",
			      trace_name_text(&r->parser, a->name), pid);
		return false;
	}
	*out = v + a->value; /* NAME-OFF wraps like C pointer arithmetic would */
	return true;
}

/* The outcome of a fault result. */
static int32_t fault_outcome(enum fault_result fr)
{
	switch (fr) {
	case FAULT_OK:
		return TRACE_OUT_OK;
	case FAULT_SIGSEGV:
		return TRACE_OUT_SIGSEGV;
	case FAULT_SIGBUS:
		return TRACE_OUT_SIGBUS;
	default:
		return TRACE_OUT_SIGKILL;
	}
}

static struct sim_proc *proc_create(struct replay *r, uint32_t pid, int32_t *outcome)
{
	struct mm *mm;
	struct sim_proc *p;
	if (mm_create(&mm) < 0) {
		*outcome = MM_ENOMEM;
		return NULL;
	}
	mm_brk_init(mm, SIM_BRK_START);
	p = sim_proc_add(&r->procs, pid, mm);
	if (!p) {
		mm_destroy(mm);
		*outcome = MM_ENOMEM;
	}
	return p;
}

void replay_proc_end(struct replay *r, struct sim_proc *p)
{
	/* The home's job, as a CR3 switch away from a dying space would be. */
	sim_tlb_flush_all(p->mm->root_pfn);
	mm_destroy(p->mm);
	sim_proc_remove(&r->procs, p);
}

/*
 * One access through the MMU. On OOM, reclaim clean page cache and retry
 * once; if memory is still short the process is killed (SIGKILL) and *p
 * becomes NULL.
 */
static enum fault_result proc_access(struct replay *r, struct sim_proc **p, uint64_t va,
				     enum mm_access access, uint8_t *byte, bool *large)
{
	enum fault_result fr = sim_mmu_access((*p)->mm, va, access, byte, large);
	uint64_t used = replay_pages_in_use();

	/* Sampled per access too: a touch can peak and be killed in one event. */
	if (used > r->sum->peak_pages)
		r->sum->peak_pages = used;
	if (fr == FAULT_OOM && sim_file_reclaim_all() > 0)
		fr = sim_mmu_access((*p)->mm, va, access, byte, large);
	if (fr == FAULT_OOM) {
		replay_proc_end(r, *p);
		*p = NULL;
	}
	return fr;
}

/* Where a touch resumes after a signal at va: the next page that may behave differently. */
static uint64_t touch_skip(struct mm *mm, uint64_t va)
{
	struct vma *v = vma_lookup(&mm->vmas, va);
	if (v)
		return v->end; /* the whole VMA refuses this access kind alike */
	v = vma_find(&mm->vmas, va);
	return v ? v->start : UINT64_MAX;
}

/*
 * touch: one access at the first byte of every page overlapping
 * [addr, addr+len). As if a handler skipped each refused access, the touch
 * goes on after SIGSEGV/SIGBUS; the outcome is the first signal.
 */
static int32_t ev_touch(struct replay *r, struct sim_proc **p, uint64_t addr, uint64_t len,
			enum mm_access access)
{
	uint64_t va = addr & PAGE_MASK;
	uint64_t end = len > UINT64_MAX - addr ? UINT64_MAX : addr + len;
	int32_t first = TRACE_OUT_OK;
	uint8_t byte;

	if (len == 0)
		return TRACE_OUT_OK;
	while (va < end) {
		bool large = false;
		enum fault_result fr = proc_access(r, p, va, access,
						   access == MM_ACCESS_WRITE ? NULL : &byte, &large);
		uint64_t next;
		if (fr == FAULT_OOM)
			return TRACE_OUT_SIGKILL;
		if (fr != FAULT_OK) {
			if (first == TRACE_OUT_OK)
				first = fault_outcome(fr);
			next = touch_skip((*p)->mm, va);
		} else {
			/* The rest of a 2 MiB page behaves exactly like this access. */
			next = large ? (va & HUGE_MASK) + HUGE_SIZE : va + PAGE_SIZE;
		}
		if (next <= va)
			break;
		va = next;
	}
	return first;
}

static int32_t errno_outcome(int rc)
{
	return rc < 0 ? -rc : TRACE_OUT_OK;
}

static int32_t ev_fork(struct replay *r, struct sim_proc *parent, const struct trace_record *rec)
{
	struct mm *child_mm;
	struct sim_proc *child;
	int rc = mm_fork(parent->mm, &child_mm);
	if (rc < 0)
		return errno_outcome(rc);
	child = sim_proc_add(&r->procs, rec->child, child_mm);
	if (!child || sim_proc_copy_names(child, parent) < 0) {
		if (child)
			replay_proc_end(r, child);
		else
			mm_destroy(child_mm);
		return MM_ENOMEM;
	}
	return TRACE_OUT_OK;
}

static int32_t ev_exec(struct replay *r, struct sim_proc *p, const struct trace_record *rec)
{
	struct mm *fresh;
	if (mm_create(&fresh) < 0)
		return MM_ENOMEM; /* exec fails before the point of no return */
	mm_brk_init(fresh, (rec->flags & TRACE_EXEC_BRK) ? rec->addr.value : SIM_BRK_START);
	sim_tlb_flush_all(p->mm->root_pfn);
	mm_destroy(p->mm);
	p->mm = fresh;
	sim_proc_clear_names(p);
	return TRACE_OUT_OK;
}

/*
 * Bind rec->bind in p to value. When the simulator cannot hold another
 * name the replay stops at this line (exit 2), like a malformed trace.
 */
static void bind_name(struct replay *r, struct sim_proc *p, const struct trace_record *rec,
		      uint64_t value)
{
	if (rec->bind != TRACE_NO_NAME && sim_proc_bind(p, rec->bind, value) < 0) {
		snprintf(r->parser.error, sizeof(r->parser.error),
			 "cannot bind another name (simulator limit of %llu name slots "
			 "across processes, or out of host memory)",
			 (unsigned long long)SIM_NAME_SLOTS_MAX);
		r->malformed = true;
	}
}

static int32_t ev_read(struct replay *r, struct sim_proc **p, const struct trace_record *rec,
		       uint64_t addr)
{
	uint8_t byte = 0;
	enum fault_result fr = proc_access(r, p, addr, MM_ACCESS_READ, &byte, NULL);
	if (fr == FAULT_OK && rec->has_byte && byte != rec->byte)
		replay_fail(r, rec->line, "expected byte %u, got %u", rec->byte, byte);
	else if (fr != FAULT_OK && rec->has_byte && !rec->has_outcome) {
		char got[32];
		replay_fail(r, rec->line, "expected byte %u, got %s", rec->byte,
			    trace_outcome_name(fault_outcome(fr), got, sizeof(got)));
	}
	return fault_outcome(fr);
}

/*
 * `grow ADDR` (recorded traces): the VMA above ADDR grows down in place to
 * start at ADDR's page, as the kernel grows a stack on a fault below it
 * (Linux's expand_stack; the kernel checked its limits, the trace only
 * says it happened; ADDR lies in the gap below it, so nothing is in the
 * way). EINVAL when no anonymous VMA lies above ADDR; ok when ADDR is
 * already inside one.
 */
static int32_t ev_grow(struct mm *mm, uint64_t addr)
{
	struct vma *v = vma_find(&mm->vmas, addr);
	uint64_t start = addr & PAGE_MASK, pages;

	if (!v || v->file)
		return MM_EINVAL;
	if (v->start <= addr)
		return TRACE_OUT_OK;
	pages = (v->start - start) >> PAGE_SHIFT;
	v->start = start;
	v->pgoff -= pages;
	vma_adjust(&mm->vmas, v);
	mm->total_vm += pages;
	return TRACE_OUT_OK;
}

/* A trace file's page range that MADV_REMOVE punches. */
struct punch {
	struct sim_file *file;
	uint64_t first, last;
};

#define PUNCH_MAX 64

/* The trace file behind v, or NULL (anonymous memory, shmem). */
static struct sim_file *trace_file_of(struct replay *r, const struct vma *v)
{
	for (unsigned i = 0; v->file && i < TRACE_FILES_MAX; i++)
		if (r->files[i] && &r->files[i]->base == v->file)
			return r->files[i];
	return NULL;
}

/*
 * MADV_REMOVE on a shared file mapping punches a hole in the file
 * (Linux: fallocate PUNCH_HOLE). mmcore unmaps the pages; the file is the
 * simulator's. Collect the ranges madvise will reach, in order, up to the
 * first VMA it refuses (not a shared writable file mapping); shmem VMAs
 * are mmcore's own business and skipped.
 */
static unsigned punch_collect(struct replay *r, struct mm *mm, uint64_t start, uint64_t len,
			      struct punch *out)
{
	uint64_t end = start + ((len + PAGE_SIZE - 1) & PAGE_MASK);
	unsigned n = 0;
	if ((start & ~PAGE_MASK) || end < start)
		return 0;
	for (struct vma *v = vma_find(&mm->vmas, start); v && v->start < end && n < PUNCH_MAX;
	     v = vma_next(v)) {
		struct sim_file *f = trace_file_of(r, v);
		uint64_t s = MM_MAX(start, v->start), e = MM_MIN(end, v->end);
		if (v->file && !f)
			continue;
		if (!f || (v->flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
			break;
		out[n++] = (struct punch){f, v->pgoff + ((s - v->start) >> PAGE_SHIFT),
					  v->pgoff + ((e - v->start) >> PAGE_SHIFT)};
	}
	return n;
}

/* madvise, punching the files' holes for MADV_REMOVE once mmcore has unmapped them. */
static int32_t ev_madvise(struct replay *r, struct mm *mm, const struct trace_record *rec,
			  uint64_t a1)
{
	struct punch holes[PUNCH_MAX];
	unsigned n = rec->flags == MM_MADV_REMOVE ? punch_collect(r, mm, a1, rec->len, holes) : 0;
	int rc = mm_madvise(mm, a1, rec->len, rec->flags);

	/* Linux punches each VMA it reaches; an error stops it at the refused one. */
	if (rc == 0 || rc == -MM_ENOMEM || rc == -MM_EACCES || rc == -MM_EINVAL)
		for (unsigned i = 0; i < n; i++)
			if (sim_file_punch(holes[i].file, holes[i].first, holes[i].last) < 0)
				return MM_ENOMEM;
	return errno_outcome(rc);
}

/* Run event rec for process *p; returns its outcome (mmap, mremap, brk: the address in *res). */
static int32_t event_run(struct replay *r, struct sim_proc **p, const struct trace_record *rec,
			 uint64_t a1, uint64_t a2, uint64_t *res)
{
	struct mm *mm = (*p)->mm;
	uint64_t out = 0;
	int rc;
	uint8_t byte = rec->byte;

	switch (rec->kind) {
	case TR_MMAP: {
		struct sim_file *f = rec->file == UINT32_MAX ? NULL : r->files[rec->file];
		rc = mm_mmap(mm, a1, rec->len, rec->prot, rec->flags, f ? &f->base : NULL,
			     rec->offset, &out);
		*res = out;
		if (rc == 0)
			bind_name(r, *p, rec, out);
		return errno_outcome(rc);
	}
	case TR_MUNMAP:
		return errno_outcome(mm_munmap(mm, a1, rec->len));
	case TR_MPROTECT:
		return errno_outcome(mm_mprotect(mm, a1, rec->len, rec->prot));
	case TR_MADVISE:
		return ev_madvise(r, mm, rec, a1);
	case TR_MREMAP:
		rc = mm_mremap(mm, a1, rec->len, rec->len2, rec->flags, a2, &out);
		*res = out;
		if (rc == 0)
			bind_name(r, *p, rec, out);
		return errno_outcome(rc);
	case TR_BRK:
		rc = mm_brk(mm, a1, &out);
		*res = out;
		return errno_outcome(rc);
	case TR_FAULT:
		return fault_outcome(proc_access(r, p, a1, rec->access, &byte, NULL));
	case TR_TOUCH:
		return ev_touch(r, p, a1, rec->len, rec->access);
	case TR_WRITE:
		return fault_outcome(proc_access(r, p, a1, MM_ACCESS_WRITE, &byte, NULL));
	case TR_READ:
		return ev_read(r, p, rec, a1);
	case TR_FORK:
		return ev_fork(r, *p, rec);
	case TR_EXEC:
		return ev_exec(r, *p, rec);
	case TR_GROW:
		return ev_grow(mm, a1);
	case TR_EXIT:
		replay_proc_end(r, *p);
		*p = NULL;
		return TRACE_OUT_OK;
	}
	return TRACE_OUT_OK;
}

static void outcome_count(struct replay *r, int32_t o)
{
	enum replay_outcome_class c = o == TRACE_OUT_OK ? OC_OK :
				      o == TRACE_OUT_SIGSEGV ? OC_SIGSEGV :
				      o == TRACE_OUT_SIGBUS ? OC_SIGBUS :
				      o == TRACE_OUT_SIGKILL ? OC_SIGKILL : OC_ERRNO;
	r->sum->outcomes[c]++;
}

static void replay_event(struct replay *r, const struct trace_record *rec)
{
	struct sim_proc *p = sim_proc_find(&r->procs, rec->pid);
	uint64_t a1 = 0, a2 = 0, res = 0;
	int32_t outcome = TRACE_OUT_OK;

	/* Everything that can make the record malformed comes first. */
	if (!addr_resolve(r, p, rec->pid, &rec->addr, &a1) ||
	    !addr_resolve(r, p, rec->pid, &rec->addr2, &a2))
		return;
	if (rec->kind == TR_FORK && sim_proc_find(&r->procs, rec->child)) {
		snprintf(r->parser.error, sizeof(r->parser.error),
			 "fork: child pid %u already exists", rec->child);
		r->malformed = true;
		return;
	}
	r->sum->events++;
	if (!p)
		p = proc_create(r, rec->pid, &outcome);
	if (p)
		outcome = event_run(r, &p, rec, a1, a2, &res);
	outcome_count(r, outcome);
	if (rec->has_outcome && rec->outcome == TRACE_OUT_ADDR) {
		char got[32];
		if (outcome != TRACE_OUT_OK)
			replay_fail(r, rec->line, "expected 0x%llx, got %s",
				    (unsigned long long)rec->result,
				    trace_outcome_name(outcome, got, sizeof(got)));
		else if (res != rec->result)
			replay_fail(r, rec->line, "expected 0x%llx, got 0x%llx",
				    (unsigned long long)rec->result, (unsigned long long)res);
	} else if (rec->has_outcome && outcome != rec->outcome) {
		char want[32], got[32];
		replay_fail(r, rec->line, "expected %s, got %s",
			    trace_outcome_name(rec->outcome, want, sizeof(want)),
			    trace_outcome_name(outcome, got, sizeof(got)));
	}
}

/* Expectations look at a process without creating it: a missing one is empty. */
static void replay_expect(struct replay *r, const struct trace_record *rec)
{
	struct sim_proc *p = sim_proc_find(&r->procs, rec->pid);
	const char *what = rec->kind == TR_EXPECT_VMAS ? "vmas" :
			   rec->kind == TR_EXPECT_RSS ? "rss" : "anon_huge";
	uint64_t got = 0;

	r->sum->expects++;
	if (rec->kind == TR_EXPECT_PROT) {
		uint64_t addr;
		struct vma *v;
		int32_t prot = -1;
		char want[16], gotp[16];
		if (!addr_resolve(r, p, rec->pid, &rec->addr, &addr))
			return;
		v = p ? vma_lookup(&p->mm->vmas, addr) : NULL;
		if (v)
			prot = (int32_t)(v->flags & VM_PROT_MASK); /* VM_* == PROT_* bits */
		if (prot != rec->prot)
			replay_fail(r, rec->line, "expected prot %s, got %s",
				    trace_prot_name(rec->prot, want, sizeof(want)),
				    trace_prot_name(prot, gotp, sizeof(gotp)));
		return;
	}
	if (p)
		got = rec->kind == TR_EXPECT_VMAS ? mm_vma_count(p->mm) :
		      rec->kind == TR_EXPECT_RSS ? mm_rss_bytes(p->mm) : mm_anon_huge_bytes(p->mm);
	if (got != rec->len)
		replay_fail(r, rec->line, "expected %s %llu, got %llu", what,
			    (unsigned long long)rec->len, (unsigned long long)got);
}

void replay_record(struct replay *r, const struct trace_record *rec)
{
	if (trace_kind_is_event(rec->kind))
		replay_event(r, rec);
	else if (trace_kind_is_expect(rec->kind))
		replay_expect(r, rec);
}
