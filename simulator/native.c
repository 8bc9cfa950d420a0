/*
 * simulator/native.c - the native runner's controller: read a trace with
 * the simulator's parser, run each event in the worker process of its pid
 * (native_proc.c), check outcomes, bytes and expectations against what
 * Linux did, and report as `./sim replay` does.
 *
 * What cannot be done natively stops the run with exit 2 and a message
 * saying "not applicable natively": `mem` (the host's memory is not the
 * trace's, so OOM cannot be reproduced) and any range that meets the
 * runner's own mappings (it would clobber the runner).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "mmcore/mm.h"
#include "native.h"
#include "native_proc.h"
#include "sim_proc.h"
#include "trace.h"
#include "trace_lex.h"

#define NATIVE_FILE_MAX (1ull << 30) /* larger trace files are not applicable */

struct native_run {
	const char *path;
	struct replay_summary *sum;
	struct native_annotate *ann;
	struct trace_parser parser;
	struct sim_procs names;     /* pid -> bound names (no address spaces) */
	struct native_proc *procs;  /* live workers */
	uint32_t nprocs, cap;
	int thp;
	char tracedir[PATH_MAX];
	int file_fd[TRACE_FILES_MAX];
	int stop;                   /* 0, or the exit code that stopped the run */
	double workers_cpu;         /* CPU seconds of the workers that ended */
	const char *line;           /* raw text of the current line */
	size_t len;
	uint32_t lineno;
};

static void run_fail(struct native_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void run_fail(struct native_run *r, const char *fmt, ...)
{
	va_list ap;
	r->sum->failures++;
	fprintf(stderr, "%s:%u: ", r->path, r->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Stop the run at this line: malformed, or not applicable natively (both exit 2). */
static void run_stop(struct native_run *r, bool not_applicable, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void run_stop(struct native_run *r, bool not_applicable, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s:%u: %s%s\n", r->path, r->lineno,
		not_applicable ? "not applicable natively: " : "", msg);
	if (not_applicable && r->ann) {
		r->ann->not_applicable = true;
		snprintf(r->ann->reason, sizeof(r->ann->reason), "line %u: %.180s", r->lineno, msg);
	}
	r->stop = 2;
}

/* ---- annotation (for ./sim diff) ----------------------------------------- */

static void ann_emit(struct native_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void ann_emit(struct native_run *r, const char *fmt, ...)
{
	struct native_annotate *a = r->ann;
	va_list ap;
	if (!a)
		return;
	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 1024;
		uint32_t *nm = realloc(a->map, nc * sizeof(*nm));
		if (!nm) {
			r->stop = 2;
			return;
		}
		a->map = nm;
		a->cap = nc;
	}
	a->map[a->n++] = r->lineno;
	va_start(ap, fmt);
	vfprintf(a->out, fmt, ap);
	va_end(ap);
	fputc('\n', a->out);
}

/* The first ntok tokens of the current line (before any comment or `=>`). */
static int ann_tokens(struct native_run *r, unsigned ntok, char *out, size_t size)
{
	struct trace_token tok[TRACE_TOKENS_MAX];
	unsigned n = 0, used = 0;
	char err[80];
	out[0] = 0;
	if (trace_tokenize(r->line, r->len, tok, TRACE_TOKENS_MAX, &n, err, sizeof(err)) < 0)
		return 0;
	for (unsigned i = 0; i < n && (ntok == 0 || i < ntok); i++) {
		if (trace_tok_is(&tok[i], "=>"))
			break;
		used += (unsigned)snprintf(out + used, size - used, "%s%.*s", i ? " " : "",
					   (int)tok[i].len, tok[i].s);
		if (used >= size)
			break;
	}
	return (int)used;
}

/* ---- processes ------------------------------------------------------------ */

static struct native_proc *proc_find(struct native_run *r, uint32_t pid)
{
	for (uint32_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

static struct native_proc *proc_slot(struct native_run *r)
{
	if (r->nprocs == r->cap) {
		uint32_t nc = r->cap ? r->cap * 2 : 16;
		struct native_proc *np = realloc(r->procs, nc * sizeof(*np));
		if (!np)
			return NULL;
		r->procs = np;
		r->cap = nc;
	}
	return &r->procs[r->nprocs];
}

/*
 * Whether this host maps the shared zero page for a read fault on
 * untouched anonymous memory, as Linux does (a kernel booted with
 * pvm_no_zero_page=1 allocates a page instead). Probed once: a read-only
 * page is read and its pagemap entry says whether it is exclusively
 * mapped (a page of its own) or not (the zero page).
 */
bool native_host_zero_page(void)
{
	static int known = -1;
	if (known < 0) {
		volatile uint8_t *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t e = 0;
		int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
		known = 1;
		if (p != MAP_FAILED && fd >= 0) {
			(void)p[0];
			if (pread(fd, &e, 8, (off_t)((uintptr_t)p / 4096 * 8)) == 8 &&
			    (e >> 63) && (e >> 56 & 1))
				known = 0;
		}
		if (fd >= 0)
			close(fd);
		if (p != MAP_FAILED)
			munmap((void *)p, 4096);
	}
	return known == 1;
}

/* Send the trace's policies to a fresh image. */
static int proc_set_thp(struct native_run *r, struct native_proc *p)
{
	struct native_cmd c = {.op = NOP_POLICY, .flags = r->thp, .fd = -1,
			       .access = !native_host_zero_page()};
	struct native_reply rep;
	return native_proc_call(p, &c, &rep, NULL);
}

/* A new, empty process for pid (its first event). */
static struct native_proc *proc_create(struct native_run *r, uint32_t pid)
{
	struct native_proc *p = proc_slot(r);
	char err[120];
	if (!p || !sim_proc_add(&r->names, pid, NULL)) {
		run_stop(r, false, "out of host memory");
		return NULL;
	}
	if (native_proc_spawn(p, pid, r->tracedir, err, sizeof(err)) < 0 ||
	    proc_set_thp(r, p) < 0) {
		sim_proc_remove(&r->names, sim_proc_find(&r->names, pid));
		run_stop(r, true, "%s", err);
		return NULL;
	}
	r->nprocs++;
	r->sum->procs_created++;
	return p;
}

static void proc_remove(struct native_run *r, struct native_proc *p)
{
	struct sim_proc *sp = sim_proc_find(&r->names, p->pid);
	uint64_t minflt;
	double cpu;
	native_proc_usage(p, &minflt, &cpu);
	r->sum->counters.faults_total += minflt;
	r->workers_cpu += cpu;
	native_proc_end(p);
	if (sp)
		sim_proc_remove(&r->names, sp);
	*p = r->procs[--r->nprocs];
}

/* ---- addresses -------------------------------------------------------------- */

/*
 * Resolve a trace address for process p (NULL: not alive yet). Names are
 * bound to real addresses; an absolute address in the simulator's heap
 * window moves to p's real heap. Returns false (malformed) for an unbound
 * name.
 */
static bool addr_resolve(struct native_run *r, const struct native_proc *p, uint32_t pid,
			 const struct trace_addr *a, uint64_t brk_base, uint64_t *out)
{
	struct sim_proc *sp = sim_proc_find(&r->names, pid);
	uint64_t v;
	if (a->name == TRACE_NO_NAME) {
		*out = a->value;
		if (a->value >= SIM_BRK_START && a->value - SIM_BRK_START < NATIVE_HEAP_WINDOW && p)
			*out = brk_base + (a->value - SIM_BRK_START);
		return true;
	}
	v = sp ? sim_proc_name(sp, a->name) : SIM_NAME_UNBOUND;
	if (v == SIM_NAME_UNBOUND) {
		run_stop(r, false, "name '%s' is not bound in process %u",
			 trace_name_text(&r->parser, a->name), pid);
		return false;
	}
	*out = v + a->value;
	return true;
}

/*
 * Refuse (not applicable) a range that meets the runner's own memory.
 * An access may meet the guard: it only faults there.
 */
static bool range_safe(struct native_run *r, const struct native_proc *p, uint64_t start,
		       uint64_t len, bool access)
{
	const struct native_vma *v = native_snap_meets(&p->snap, start, len,
						       access ? p->guard : 0);
	if (!v)
		return true;
	run_stop(r, true, "range 0x%llx+0x%llx meets the runner's own mapping %llx-%llx %s",
		 (unsigned long long)start, (unsigned long long)len, (unsigned long long)v->start,
		 (unsigned long long)v->end, v->path);
	return false;
}

/* The ranges an event touches must all be the trace's. */
static bool event_safe(struct native_run *r, const struct native_proc *p,
		       const struct trace_record *rec, uint64_t a1, uint64_t a2)
{
	switch (rec->kind) {
	case TR_MMAP:
		return !(rec->flags & (MM_MAP_FIXED | MM_MAP_FIXED_NOREPLACE)) ||
		       range_safe(r, p, a1, rec->len, false);
	case TR_MUNMAP: case TR_MPROTECT: case TR_MADVISE:
		return range_safe(r, p, a1, rec->len, false);
	case TR_MREMAP:
		return range_safe(r, p, a1, rec->len, false) &&
		       (!(rec->flags & MM_MREMAP_FIXED) || range_safe(r, p, a2, rec->len2, false));
	case TR_TOUCH:
		return range_safe(r, p, a1, rec->len, true);
	case TR_FAULT: case TR_WRITE: case TR_READ:
		return range_safe(r, p, a1, 1, true);
	default:
		return true;
	}
}

/* ---- events ------------------------------------------------------------------ */

static void bind_name(struct native_run *r, uint32_t pid, uint32_t name, uint64_t value)
{
	struct sim_proc *sp = sim_proc_find(&r->names, pid);
	if (name != TRACE_NO_NAME && (!sp || sim_proc_bind(sp, name, value) < 0))
		run_stop(r, false, "cannot bind another name");
}

static int32_t ev_fork(struct native_run *r, struct native_proc **pp,
		       const struct trace_record *rec)
{
	struct native_cmd c = {.op = NOP_FORK, .fd = -1};
	struct native_reply rep;
	struct native_proc *child, *p;
	struct sim_proc *cs;
	int fd = -1;
	uint32_t parent_pid = (*pp)->pid;

	if (native_proc_call(*pp, &c, &rep, &fd) < 0)
		return TRACE_OUT_SIGKILL;
	if (rep.outcome != 0)
		return rep.outcome;
	child = proc_slot(r);
	p = proc_find(r, parent_pid); /* proc_slot may have moved the array */
	*pp = p;
	cs = child ? sim_proc_add(&r->names, rec->child, NULL) : NULL;
	if (!cs || sim_proc_copy_names(cs, sim_proc_find(&r->names, parent_pid)) < 0) {
		run_stop(r, false, "out of host memory");
		return MM_ENOMEM;
	}
	memset(child, 0, sizeof(*child));
	child->pid = rec->child;
	child->host = rep.host_pid;
	child->fd = fd;
	child->brk_base = p->brk_base;
	child->guard = p->guard;
	if (native_snap_copy(&child->snap, &p->snap) < 0) {
		run_stop(r, false, "out of host memory");
		return MM_ENOMEM;
	}
	r->nprocs++;
	r->sum->procs_created++;
	return TRACE_OUT_OK;
}

static int32_t ev_exec(struct native_run *r, struct native_proc *p)
{
	struct native_cmd c = {.op = NOP_EXEC, .fd = -1};
	struct native_reply rep;
	if (native_proc_call(p, &c, &rep, NULL) < 0)
		return TRACE_OUT_SIGKILL;
	if (rep.outcome != 0)
		return rep.outcome; /* exec failed before the point of no return */
	/* That was the new image's ready message. */
	p->host = rep.host_pid;
	p->brk_base = rep.brk_base;
	p->guard = rep.guard;
	sim_proc_clear_names(sim_proc_find(&r->names, p->pid));
	if (native_vmas_read(p->host, r->tracedir, NULL, &p->snap) < 0 || proc_set_thp(r, p) < 0)
		return TRACE_OUT_SIGKILL;
	return TRACE_OUT_OK;
}

/* The command for a simple event (everything but fork, exec and exit). */
static void event_cmd(struct native_run *r, const struct trace_record *rec, uint64_t a1,
		      uint64_t a2, struct native_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->a1 = a1;
	c->a2 = a2;
	c->len = rec->len;
	c->len2 = rec->len2;
	c->prot = rec->prot;
	c->flags = rec->flags;
	c->byte = rec->byte;
	c->access = rec->access;
	switch (rec->kind) {
	case TR_MMAP:
		c->op = NOP_MMAP;
		c->offset = rec->offset;
		if (rec->file != UINT32_MAX)
			c->fd = r->file_fd[rec->file];
		break;
	case TR_MUNMAP: c->op = NOP_MUNMAP; break;
	case TR_MPROTECT: c->op = NOP_MPROTECT; break;
	case TR_MADVISE: c->op = NOP_MADVISE; break;
	case TR_MREMAP: c->op = NOP_MREMAP; break;
	case TR_BRK: c->op = NOP_BRK; break;
	case TR_FAULT:
		c->op = rec->access == MM_ACCESS_WRITE ? NOP_RMW : NOP_READ;
		break;
	case TR_TOUCH: c->op = NOP_TOUCH; break;
	case TR_WRITE: c->op = NOP_WRITE; break;
	default: c->op = NOP_READ; c->access = MM_ACCESS_READ; break;
	}
}

/* Run the event; returns its outcome and, for a read, the byte in *byte. */
static int32_t event_run(struct native_run *r, struct native_proc **pp,
			 const struct trace_record *rec, uint64_t a1, uint64_t a2, uint8_t *byte)
{
	struct native_cmd c;
	struct native_reply rep;

	if (rec->kind == TR_FORK)
		return ev_fork(r, pp, rec);
	if (rec->kind == TR_EXEC)
		return ev_exec(r, *pp);
	if (rec->kind == TR_EXIT) {
		proc_remove(r, *pp);
		*pp = NULL;
		return TRACE_OUT_OK;
	}
	event_cmd(r, rec, a1, a2, &c);
	if (native_proc_call(*pp, &c, &rep, NULL) < 0) {
		/* The worker died outside an access: nothing a trace can ask for. */
		run_stop(r, true, "the worker process for pid %u died", rec->pid);
		return TRACE_OUT_SIGKILL;
	}
	if (rep.outcome == 0 && (rec->kind == TR_MMAP || rec->kind == TR_MREMAP))
		bind_name(r, rec->pid, rec->bind, rep.value);
	*byte = (uint8_t)rep.value;
	return rep.outcome;
}

static void outcome_count(struct native_run *r, int32_t o)
{
	enum replay_outcome_class c = o == TRACE_OUT_OK ? OC_OK :
				      o == TRACE_OUT_SIGSEGV ? OC_SIGSEGV :
				      o == TRACE_OUT_SIGBUS ? OC_SIGBUS :
				      o == TRACE_OUT_SIGKILL ? OC_SIGKILL : OC_ERRNO;
	r->sum->outcomes[c]++;
}

/* The trace's counts for pid right now (an absent process is empty). */
static bool state_of(struct native_run *r, uint32_t pid, struct native_counts *cnt,
		     struct native_snap *vmas)
{
	struct native_proc *p = proc_find(r, pid);
	memset(cnt, 0, sizeof(*cnt));
	if (!p)
		return true;
	if (native_vmas_read(p->host, r->tracedir, &p->snap, vmas) < 0) {
		run_stop(r, true, "cannot read /proc/%d/smaps", (int)p->host);
		return false;
	}
	native_counts(vmas, &p->snap, cnt);
	return true;
}

/* With ann->state, the state of pid after an event, for the simulator to match. */
static void ann_state(struct native_run *r, uint32_t pid)
{
	struct native_counts cnt;
	struct native_snap vmas = {0};
	if (!r->ann || !r->ann->state || !proc_find(r, pid) || !state_of(r, pid, &cnt, &vmas))
		return;
	native_snap_free(&vmas);
	ann_emit(r, "expect %u vmas %llu", pid, (unsigned long long)cnt.vmas);
	ann_emit(r, "expect %u rss %llu", pid, (unsigned long long)cnt.rss);
	ann_emit(r, "expect %u anon_huge %llu", pid, (unsigned long long)cnt.anon_huge);
}

static void run_event(struct native_run *r, const struct trace_record *rec)
{
	struct native_proc *p = proc_find(r, rec->pid);
	uint64_t a1 = 0, a2 = 0, base = p ? p->brk_base : 0;
	int32_t outcome;
	uint8_t byte = 0;
	char text[TRACE_LINE_MAX + 64], name[32];

	/* Everything that can make the record malformed comes first (as replay). */
	if (!addr_resolve(r, p, rec->pid, &rec->addr, base, &a1) ||
	    !addr_resolve(r, p, rec->pid, &rec->addr2, base, &a2))
		return;
	if (rec->kind == TR_FORK && proc_find(r, rec->child)) {
		run_stop(r, false, "fork: child pid %u already exists", rec->child);
		return;
	}
	/* A recorded trace's heap start and chosen addresses are another system's. */
	if (rec->kind == TR_EXEC && (rec->flags & TRACE_EXEC_BRK)) {
		run_stop(r, true, "exec brk=ADDR (the host places its own heap)");
		return;
	}
	if (rec->kind == TR_GROW) {
		run_stop(r, true, "grow (a kernel's stack growth; the host grows no VMA on request)");
		return;
	}
	if (rec->has_outcome && rec->outcome == TRACE_OUT_ADDR) {
		run_stop(r, true, "an address outcome (the host chooses its own addresses)");
		return;
	}
	if (!p) {
		p = proc_create(r, rec->pid);
		if (!p)
			return;
		/* Absolute heap addresses and brk move to the new process's heap. */
		addr_resolve(r, p, rec->pid, &rec->addr, p->brk_base, &a1);
		addr_resolve(r, p, rec->pid, &rec->addr2, p->brk_base, &a2);
	}
	if (rec->kind == TR_BRK && rec->addr.name == TRACE_NO_NAME && rec->addr.value != 0)
		a1 = p->brk_base + (rec->addr.value - SIM_BRK_START);
	if (!event_safe(r, p, rec, a1, a2))
		return;
	r->sum->events++;
	outcome = event_run(r, &p, rec, a1, a2, &byte);
	if (r->stop)
		return;
	outcome_count(r, outcome);
	if (rec->kind == TR_READ && outcome == TRACE_OUT_OK && rec->has_byte && byte != rec->byte)
		run_fail(r, "expected byte %u, got %u", rec->byte, byte);
	else if (rec->kind == TR_READ && outcome != TRACE_OUT_OK && rec->has_byte &&
		 !rec->has_outcome)
		run_fail(r, "expected byte %u, got %s", rec->byte,
			 trace_outcome_name(outcome, name, sizeof(name)));
	if (rec->has_outcome && outcome != rec->outcome) {
		char want[32];
		run_fail(r, "expected %s, got %s", trace_outcome_name(rec->outcome, want, sizeof(want)),
			 trace_outcome_name(outcome, name, sizeof(name)));
	}
	ann_tokens(r, rec->kind == TR_READ ? 3 : 0, text, sizeof(text));
	if (rec->kind == TR_READ && outcome == TRACE_OUT_OK)
		ann_emit(r, "%s %u => ok", text, byte);
	else
		ann_emit(r, "%s => %s", text, trace_outcome_name(outcome, name, sizeof(name)));
	if (p)
		ann_state(r, rec->pid);
}

static void run_expect(struct native_run *r, const struct trace_record *rec)
{
	struct native_proc *p = proc_find(r, rec->pid);
	struct native_snap vmas = {0};
	struct native_counts cnt;
	char text[TRACE_LINE_MAX + 64], want[16], got[16];

	r->sum->expects++;
	if (!state_of(r, rec->pid, &cnt, &vmas))
		return;
	if (rec->kind == TR_EXPECT_PROT) {
		uint64_t addr;
		int32_t prot;
		if (!addr_resolve(r, p, rec->pid, &rec->addr, p ? p->brk_base : 0, &addr)) {
			native_snap_free(&vmas);
			return;
		}
		prot = p ? native_prot_at(&vmas, addr) : -1;
		if (prot != rec->prot)
			run_fail(r, "expected prot %s, got %s", trace_prot_name(rec->prot, want, sizeof(want)),
				 trace_prot_name(prot, got, sizeof(got)));
		ann_tokens(r, 4, text, sizeof(text));
		ann_emit(r, "%s %s", text, trace_prot_name(prot, got, sizeof(got)));
	} else {
		const char *what = rec->kind == TR_EXPECT_VMAS ? "vmas" :
				   rec->kind == TR_EXPECT_RSS ? "rss" : "anon_huge";
		uint64_t v = rec->kind == TR_EXPECT_VMAS ? cnt.vmas :
			     rec->kind == TR_EXPECT_RSS ? cnt.rss : cnt.anon_huge;
		if (v != rec->len)
			run_fail(r, "expected %s %llu, got %llu", what, (unsigned long long)rec->len,
				 (unsigned long long)v);
		ann_tokens(r, 3, text, sizeof(text));
		ann_emit(r, "%s %llu", text, (unsigned long long)v);
	}
	native_snap_free(&vmas);
}

/* ---- header ------------------------------------------------------------------- */

/* A real file of size bytes, byte o = o mod 251, in the trace's directory. */
static void file_create(struct native_run *r, const struct trace_record *rec)
{
	const struct trace_file_decl *d = &r->parser.files[rec->file];
	char path[PATH_MAX + 80], buf[251 * 64];
	uint64_t done = 0;
	int fd;

	if (d->size > NATIVE_FILE_MAX) {
		run_stop(r, true, "file %s is larger than %llu bytes", d->name,
			 (unsigned long long)NATIVE_FILE_MAX);
		return;
	}
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i % 251);
	snprintf(path, sizeof(path), "%s/%s", r->tracedir, d->name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600); /* inherited by the workers */
	if (fd < 0) {
		run_stop(r, true, "cannot create %s: %s", path, strerror(errno));
		return;
	}
	while (done < d->size) {
		/* buf holds whole periods of 251, so every chunk starts at o mod 251 == 0 */
		size_t n = d->size - done < sizeof(buf) ? (size_t)(d->size - done) : sizeof(buf);
		ssize_t w = write(fd, buf, n);
		if (w <= 0) {
			run_stop(r, true, "cannot write %s", path);
			close(fd);
			return;
		}
		done += (uint64_t)w;
		if ((size_t)w != n) /* a short write breaks the period: give up */
			break;
	}
	r->file_fd[rec->file] = fd;
}

static void run_header(struct native_run *r, const struct trace_record *rec)
{
	if (rec->kind == TR_MEM)
		run_stop(r, true, "`mem` (the host's memory cannot be limited to the trace's, "
			 "so OOM cannot be reproduced)");
	else if (rec->kind == TR_THP)
		r->thp = rec->flags;
	else if (rec->kind == TR_FILE)
		file_create(r, rec);
	/* faultaround: Linux has no anonymous fault-around; nothing to set. */
}

/* ---- driver ----------------------------------------------------------------- */

static void run_line(struct native_run *r, const struct trace_record *rec)
{
	if (trace_kind_is_header(rec->kind)) {
		run_header(r, rec);
		ann_emit(r, "%.*s", (int)r->len, r->line);
	} else if (trace_kind_is_event(rec->kind)) {
		run_event(r, rec);
	} else if (trace_kind_is_expect(rec->kind)) {
		run_expect(r, rec);
	} else {
		ann_emit(r, "%.*s", (int)r->len, r->line);
	}
}

static void run_lines(struct native_run *r, FILE *f)
{
	struct trace_reader rd;
	const char *line;
	size_t len;
	int rc;

	if (trace_reader_init(&rd, f) < 0) {
		fprintf(stderr, "sim: out of host memory\n");
		r->stop = 2;
		return;
	}
	while (!r->stop && (rc = trace_reader_next(&rd, &line, &len)) > 0) {
		struct trace_record rec;
		r->parser.line = r->lineno = rd.line;
		r->sum->lines = rd.line;
		r->line = line;
		r->len = len;
		if (trace_parse_line(&r->parser, line, len, &rec) < 0) {
			run_stop(r, false, "%s", r->parser.error);
			break;
		}
		run_line(r, &rec);
	}
	if (!r->stop && rc < 0) {
		fprintf(stderr, "%s:%u: %s\n", r->path, rd.line,
			ferror(f) ? "read error" : "line longer than 4096 bytes");
		r->stop = 2;
	}
	trace_reader_fini(&rd);
}

/*
 * A private directory for the trace's files: $TMPDIR, else /dev/shm (a
 * tmpfs, where PROT_EXEC file mappings are allowed; /tmp may be noexec).
 */
static bool tracedir_make(struct native_run *r)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(r->tracedir, sizeof(r->tracedir), "%s/sim-native.XXXXXX", tmp);
	return mkdtemp(r->tracedir) != NULL;
}

static void run_finish(struct native_run *r)
{
	r->sum->procs_live = r->nprocs;
	while (r->nprocs > 0)
		proc_remove(r, &r->procs[r->nprocs - 1]);
	free(r->procs);
	for (unsigned i = 0; i < TRACE_FILES_MAX; i++) {
		if (r->file_fd[i] >= 0) {
			char path[PATH_MAX + 80];
			close(r->file_fd[i]);
			snprintf(path, sizeof(path), "%s/%s", r->tracedir, r->parser.files[i].name);
			unlink(path);
		}
	}
	rmdir(r->tracedir);
}

int native_replay_file(const char *path, const struct replay_opts *opts,
		       struct replay_summary *sum, struct native_annotate *ann)
{
	struct native_run r = {.path = path, .sum = sum, .ann = ann, .thp = MM_THP_ALWAYS};
	struct timespec t0, t1, c0, c1;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

	(void)opts;
	memset(sum, 0, sizeof(*sum));
	sum->path = path;
	for (unsigned i = 0; i < TRACE_FILES_MAX; i++)
		r.file_fd[i] = -1;
	if (!f) {
		fprintf(stderr, "%s: cannot open: ", path);
		perror(NULL);
		return sum->exit_code = 2;
	}
	if (!tracedir_make(&r)) {
		fprintf(stderr, "%s: cannot make a temporary directory: %s\n", path, strerror(errno));
		if (f != stdin)
			fclose(f);
		return sum->exit_code = 2;
	}
	signal(SIGPIPE, SIG_IGN); /* a dead worker shows as a failed call */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	trace_parser_init(&r.parser, path);
	sim_procs_init(&r.names);
	run_lines(&r, f);
	run_finish(&r);
	sim_procs_fini(&r.names);
	trace_parser_fini(&r.parser);
	if (f != stdin)
		fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	sum->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* The controller's CPU time and the workers' (exec'd images count from their exec). */
	sum->cpu_seconds = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9 +
			   r.workers_cpu;
	sum->exit_code = r.stop ? r.stop : sum->failures ? 1 : 0;
	return sum->exit_code;
}
