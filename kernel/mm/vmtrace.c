/*
 * mm/vmtrace.c - the address-space recorder behind `vmtrace=1`: each
 * event becomes one line of the trace format on COM2 (0x2f8, driven here
 * by port I/O so the recorder depends on no other serial code).
 *
 * A trace process is an address space, not a task: a vfork child runs in
 * its parent's memory, so its faults are its parent's events, and a trace
 * pid is the pid of the task that created the space (by fork or exec).
 * The table `spaces` maps each live struct mm to that pid.
 *
 * exec builds the new space before it knows it will succeed; what happens
 * to that space (the image mapped writable, filled by user copies that
 * fault, protected, the stack mapped and filled) waits in a buffer and is
 * written after `PID exec brk=ADDR` at the point of no return, or thrown
 * away when exec fails. An address space that goes away (exit, or the old
 * space at exec) first gets `expect` records of its VMA count, rss and
 * AnonHugePages, computed by the same mmcore functions `./sim` uses.
 *
 * What the format cannot say is written as a `# vmtrace:` comment line, so
 * a replay that then disagrees shows why (see traces/recorded/README.md).
 */
#include <stdarg.h>

#include "kernel/vmtrace.h"

#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/fdtable.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/printf.h"
#include "kernel/task.h"
#include "kernel/trap.h"
#include "kernel/vdso.h"
#include "kernel/vfs.h"
#include "mmcore/buddy.h"

#define COM2 0x2f8
#define LINE_MAX 256
#define SPACES_MAX 512
/* exec of a 2 MiB static binary writes a few hundred fault lines. */
#define PENDING_SIZE (128 * 1024)

#define NR_MMAP 9
#define NR_MPROTECT 10
#define NR_MUNMAP 11
#define NR_BRK 12
#define NR_MREMAP 25
#define NR_MADVISE 28

int vmtrace_state;

struct vt_space {
	struct mm *mm;
	int pid;
	bool killed; /* an OOM kill already ended it in the trace */
};

static struct vt_space spaces[SPACES_MAX];

/* The exec in progress: its new space and the lines recorded for it. */
static struct {
	struct mm *mm;
	struct task *task;
	char *buf;
	size_t len, lost;
} pending;

/* ---- output --------------------------------------------------------------- */

static void com2_init(void)
{
	outb(COM2 + 1, 0x00); /* no interrupts */
	outb(COM2 + 3, 0x80); /* DLAB: divisor follows */
	outb(COM2 + 0, 0x01); /* 115200 baud */
	outb(COM2 + 1, 0x00);
	outb(COM2 + 3, 0x03); /* 8N1 */
	outb(COM2 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM2 + 4, 0x03);
}

static void com2_put(char c)
{
	for (unsigned spin = 0; spin < 100000 && !(inb(COM2 + 5) & 0x20); spin++)
		;
	outb(COM2, (uint8_t)c);
}

static uint64_t irq_save(void)
{
	uint64_t flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static void irq_restore(uint64_t flags)
{
	if (flags & 0x200)
		cpu_irq_enable();
}

static void com2_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		com2_put(s[i]);
}

struct line_buf {
	char s[LINE_MAX];
	size_t n;
};

static void line_sink(void *ctx, char c)
{
	struct line_buf *b = ctx;
	if (b->n < LINE_MAX - 1)
		b->s[b->n++] = c;
}

/*
 * Write one line (a newline is added) for address space mm: into the
 * pending exec's buffer when mm is the space exec is building, else to
 * COM2 at once, interrupts off so that lines never interleave.
 */
__attribute__((format(printf, 2, 3))) static void emit(struct mm *mm, const char *fmt, ...)
{
	struct line_buf b = {.n = 0};
	va_list ap;
	va_start(ap, fmt);
	kvformat(line_sink, &b, fmt, ap);
	va_end(ap);
	b.s[b.n++] = '\n';
	uint64_t fl = irq_save();
	if (mm && mm == pending.mm) {
		if (pending.buf && pending.len + b.n <= PENDING_SIZE) {
			memcpy(pending.buf + pending.len, b.s, b.n);
			pending.len += b.n;
		} else {
			pending.lost++;
		}
	} else {
		com2_write(b.s, b.n);
	}
	irq_restore(fl);
}

/* ---- switching on ----------------------------------------------------------- */

static void header_write(void)
{
	/* What is free for processes now; the kernel's own later allocations are not in it. */
	uint64_t mem = buddy_free_pages() * 4096ull;
	mem &= ~((4ull << 20) - 1);
	if (mem > (16ull << 30))
		mem = 16ull << 30;
	static const char *const thp[] = {"always", "madvise", "never"};
	emit(NULL, "# Recorded by the kernel (vmtrace=1): every address-space event and user");
	emit(NULL, "# page fault of every process, with the kernel's results as outcomes.");
	emit(NULL, "# diff: skip native a whole system's absolute addresses (0x400000 images, the stack)");
	emit(NULL, "version 1");
	emit(NULL, "mem %luM", (unsigned long)(mem >> 20));
	emit(NULL, "thp %s", thp[mm_config.thp <= MM_THP_NEVER ? mm_config.thp : 0]);
	emit(NULL, "faultaround %u", mm_config.faultaround);
	/* The two files exec maps into every process (kernel/vdso.h). */
	emit(NULL, "file vvar %lu", (unsigned long)VDSO_VVAR_SIZE);
	emit(NULL, "file vdso %lu", (unsigned long)vdso_image_size());
}

bool vmtrace_decide(void)
{
	char buf[8];
	const char *v = cmdline_get(boot_info.cmdline, "vmtrace", buf, sizeof(buf));
	if (!v || strcmp(v, "1")) {
		vmtrace_state = -1;
		return false;
	}
	vmtrace_state = 1;
	pending.buf = kmalloc(PENDING_SIZE);
	com2_init();
	header_write();
	return true;
}

/* ---- address spaces ---------------------------------------------------------- */

static struct vt_space *space_find(struct mm *mm)
{
	for (unsigned i = 0; i < SPACES_MAX; i++)
		if (spaces[i].mm == mm)
			return &spaces[i];
	return NULL;
}

static void space_add(struct mm *mm, int pid)
{
	struct vt_space *s = space_find(mm);
	if (!s)
		s = space_find(NULL);
	if (!s) {
		emit(NULL, "# vmtrace: more than %u address spaces; pid %d is not told apart",
		     SPACES_MAX, pid);
		return;
	}
	*s = (struct vt_space){.mm = mm, .pid = pid};
}

/* The trace pid of mm: its creator's, or (never expected) the current task's. */
static int space_pid(struct mm *mm)
{
	struct vt_space *s = space_find(mm);
	if (s)
		return s->pid;
	return current ? current->pid : 0;
}

/* ---- formatting pieces ------------------------------------------------------- */

static const char *prot_text(int prot, char *buf)
{
	char *p = buf;
	if (prot & MM_PROT_READ)
		*p++ = 'r';
	if (prot & MM_PROT_WRITE)
		*p++ = 'w';
	if (prot & MM_PROT_EXEC)
		*p++ = 'x';
	if (p == buf)
		return "none";
	*p = 0;
	return buf;
}

/* The trace's name for errno e (positive), or NULL when the format has none. */
static const char *errno_text(long e)
{
	switch (e) {
	case 1: return "EPERM";
	case 2: return "ENOENT";
	case 4: return "EINTR";
	case 9: return "EBADF";
	case 11: return "EAGAIN";
	case 12: return "ENOMEM";
	case 13: return "EACCES";
	case 14: return "EFAULT";
	case 16: return "EBUSY";
	case 17: return "EEXIST";
	case 19: return "ENODEV";
	case 22: return "EINVAL";
	case 23: return "ENFILE";
	case 27: return "EFBIG";
	case 75: return "EOVERFLOW";
	default: return NULL;
	}
}

/* `ok`, an errno name, or NULL when ret is an errno the format cannot name. */
static const char *result_text(long ret)
{
	return ret >= 0 ? "ok" : errno_text(-ret);
}

static void add_flag(char *buf, size_t *n, const char *word)
{
	if (*n)
		buf[(*n)++] = ',';
	while (*word && *n < 63)
		buf[(*n)++] = *word++;
	buf[*n] = 0;
}

/* mmap flags with no effect in mmcore (Linux ignores the first three too). */
#define MAP_IGNORED (MM_MAP_DENYWRITE | MM_MAP_EXECUTABLE | MM_MAP_STACK | MM_MAP_GROWSDOWN | \
		     MM_MAP_NONBLOCK)
#define MAP_WRITTEN (MM_MAP_TYPE | MM_MAP_ANONYMOUS | MM_MAP_FIXED | MM_MAP_FIXED_NOREPLACE | \
		     MM_MAP_POPULATE | MM_MAP_NORESERVE)

/* The trace's FLAGS word for mmap flags; false when some flag has no word. */
static bool map_flags_text(int flags, char *buf)
{
	size_t n = 0;
	int type = flags & MM_MAP_TYPE;
	buf[0] = 0;
	if (type == MM_MAP_PRIVATE)
		add_flag(buf, &n, "private");
	else if (type == MM_MAP_SHARED || type == MM_MAP_SHARED_VALIDATE)
		add_flag(buf, &n, "shared");
	else
		return false;
	if (flags & MM_MAP_ANONYMOUS)
		add_flag(buf, &n, "anon");
	if (flags & MM_MAP_FIXED)
		add_flag(buf, &n, "fixed");
	if (flags & MM_MAP_FIXED_NOREPLACE)
		add_flag(buf, &n, "fixed_noreplace");
	if (flags & MM_MAP_POPULATE)
		add_flag(buf, &n, "populate");
	if (flags & MM_MAP_NORESERVE)
		add_flag(buf, &n, "noreserve");
	return (flags & ~(MAP_WRITTEN | MAP_IGNORED)) == 0;
}

/* ---- the memory system calls ------------------------------------------------- */

/* An event line whose outcome is ret (an address for mmap/mremap/brk when addr_result). */
static void emit_call(struct mm *mm, const char *what, long ret, bool addr_result)
{
	int pid = space_pid(mm);
	const char *res = result_text(ret);
	if (ret >= 0 && addr_result)
		emit(mm, "%d %s => 0x%lx", pid, what, (unsigned long)ret);
	else if (res)
		emit(mm, "%d %s => %s", pid, what, res);
	else
		emit(mm, "# vmtrace: %d %s => errno %ld (no name in the format; a failed call "
			 "changes nothing)", pid, what, -ret);
}

/* mmap with an fd: /dev/zero maps as anonymous memory; true when f is such a file. */
static bool fd_maps_anonymous(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return false;
	bool anon = file_maps_anonymous(f);
	file_put(f);
	return anon;
}

static void record_mmap(struct mm *mm, const struct trap_frame *tf, long ret)
{
	char what[160], fl[64], pb[4], hint[24];
	int flags = (int)tf->r10, prot = (int)tf->rdx;
	bool anon = (flags & MM_MAP_ANONYMOUS) || (ret >= 0 && fd_maps_anonymous((int)tf->r8));
	if (anon)
		flags |= MM_MAP_ANONYMOUS;
	bool ok = map_flags_text(flags, fl) && !(prot & ~(MM_PROT_READ | MM_PROT_WRITE | MM_PROT_EXEC));
	if (tf->rdi)
		ksnprintf(hint, sizeof(hint), "0x%lx", (unsigned long)tf->rdi);
	else
		ksnprintf(hint, sizeof(hint), "-");
	if (!anon && ret < 0)
		ok = false; /* a failed file mapping: nothing to declare, nothing changed */
	if (!anon && ret >= 0) {
		emit(mm, "# vmtrace: %d mmap of fd %d offset 0x%lx at 0x%lx len 0x%lx: file "
			 "mappings are not recorded (a file cannot be declared after the header)",
		     space_pid(mm), (int)tf->r8, (unsigned long)tf->r9, (unsigned long)ret,
		     (unsigned long)tf->rsi);
		return;
	}
	ksnprintf(what, sizeof(what), "mmap %s 0x%lx %s %s", hint, (unsigned long)tf->rsi,
		  prot_text(prot, pb), fl);
	if (!ok) {
		emit(mm, "# vmtrace: %d mmap %s 0x%lx prot 0x%x flags 0x%x => %ld (not expressible)",
		     space_pid(mm), hint, (unsigned long)tf->rsi, prot, (int)tf->r10, ret);
		return;
	}
	emit_call(mm, what, ret, true);
}

static const char *advice_text(int advice)
{
	switch (advice) {
	case MM_MADV_DONTNEED: return "dontneed";
	case MM_MADV_HUGEPAGE: return "hugepage";
	case MM_MADV_NOHUGEPAGE: return "nohugepage";
	case MM_MADV_WILLNEED: return "willneed";
	case MM_MADV_REMOVE: return "remove";
	case MM_MADV_DONTFORK: return "dontfork";
	case MM_MADV_DOFORK: return "dofork";
	default: return NULL;
	}
}

static void record_madvise(struct mm *mm, const struct trap_frame *tf, long ret)
{
	char what[96];
	const char *adv = advice_text((int)tf->rdx);
	if (!adv) {
		/* NORMAL, RANDOM, SEQUENTIAL, FREE: hints mmcore takes without visible effect. */
		emit(mm, "# vmtrace: %d madvise 0x%lx 0x%lx advice %d => %ld (no word in the format)",
		     space_pid(mm), (unsigned long)tf->rdi, (unsigned long)tf->rsi, (int)tf->rdx, ret);
		return;
	}
	ksnprintf(what, sizeof(what), "madvise 0x%lx 0x%lx %s", (unsigned long)tf->rdi,
		  (unsigned long)tf->rsi, adv);
	emit_call(mm, what, ret, false);
}

static void record_mremap(struct mm *mm, const struct trap_frame *tf, long ret)
{
	char what[128], fl[64];
	size_t n = 0;
	int flags = (int)tf->r10;
	fl[0] = 0;
	if (flags & MM_MREMAP_MAYMOVE)
		add_flag(fl, &n, "maymove");
	if (flags & MM_MREMAP_FIXED)
		add_flag(fl, &n, "fixed");
	if (flags & MM_MREMAP_DONTUNMAP)
		add_flag(fl, &n, "dontunmap");
	if (flags & ~(MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP)) {
		emit(mm, "# vmtrace: %d mremap flags 0x%x => %ld (not expressible)", space_pid(mm),
		     flags, ret);
		return;
	}
	int k = ksnprintf(what, sizeof(what), "mremap 0x%lx 0x%lx 0x%lx %s", (unsigned long)tf->rdi,
			  (unsigned long)tf->rsi, (unsigned long)tf->rdx, n ? fl : "-");
	if (flags & MM_MREMAP_FIXED)
		ksnprintf(what + k, sizeof(what) - (size_t)k, " 0x%lx", (unsigned long)tf->r8);
	emit_call(mm, what, ret, true);
}

void vmtrace_do_syscall(long nr, const struct trap_frame *tf, long ret)
{
	struct mm *mm = current ? current->mm : NULL;
	char what[96], pb[4];
	int prot = (int)tf->rdx;
	if (!mm)
		return;
	switch (nr) {
	case NR_MMAP:
		record_mmap(mm, tf, ret);
		break;
	case NR_MUNMAP:
		ksnprintf(what, sizeof(what), "munmap 0x%lx 0x%lx", (unsigned long)tf->rdi,
			  (unsigned long)tf->rsi);
		emit_call(mm, what, ret, false);
		break;
	case NR_MPROTECT:
		if (prot & ~(MM_PROT_READ | MM_PROT_WRITE | MM_PROT_EXEC)) {
			emit(mm, "# vmtrace: %d mprotect 0x%lx 0x%lx prot 0x%x => %ld (not expressible)",
			     space_pid(mm), (unsigned long)tf->rdi, (unsigned long)tf->rsi, prot, ret);
			break;
		}
		ksnprintf(what, sizeof(what), "mprotect 0x%lx 0x%lx %s", (unsigned long)tf->rdi,
			  (unsigned long)tf->rsi, prot_text(prot, pb));
		emit_call(mm, what, ret, false);
		break;
	case NR_MADVISE:
		record_madvise(mm, tf, ret);
		break;
	case NR_MREMAP:
		record_mremap(mm, tf, ret);
		break;
	case NR_BRK:
		ksnprintf(what, sizeof(what), "brk 0x%lx", (unsigned long)tf->rdi);
		emit_call(mm, what, ret, true);
		break;
	}
}

/* ---- what the kernel does to address spaces itself -------------------------- */

void vmtrace_do_map(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags, int err)
{
	char what[128], fl[64], pb[4];
	if (!map_flags_text(flags, fl)) {
		emit(mm, "# vmtrace: %d kernel mmap flags 0x%x (not expressible)", space_pid(mm), flags);
		return;
	}
	ksnprintf(what, sizeof(what), "mmap 0x%lx 0x%lx %s %s", (unsigned long)addr,
		  (unsigned long)len, prot_text(prot, pb), fl);
	emit_call(mm, what, err ? err : (long)addr, true);
}

void vmtrace_do_map_file(struct mm *mm, uint64_t hint, uint64_t len, int prot, int flags,
			 const char *file, long ret)
{
	char what[160], fl[64], pb[4], h[24];
	if (!map_flags_text(flags, fl) || (flags & MM_MAP_ANONYMOUS)) {
		emit(mm, "# vmtrace: %d kernel mmap of %s flags 0x%x (not expressible)", space_pid(mm),
		     file, flags);
		return;
	}
	if (hint)
		ksnprintf(h, sizeof(h), "0x%lx", (unsigned long)hint);
	else
		ksnprintf(h, sizeof(h), "-");
	ksnprintf(what, sizeof(what), "mmap %s 0x%lx %s %s,file=%s:0", h, (unsigned long)len,
		  prot_text(prot, pb), fl, file);
	emit_call(mm, what, ret, true);
}

void vmtrace_do_protect(struct mm *mm, uint64_t addr, uint64_t len, int prot, int err)
{
	char what[96], pb[4];
	ksnprintf(what, sizeof(what), "mprotect 0x%lx 0x%lx %s", (unsigned long)addr,
		  (unsigned long)len, prot_text(prot, pb));
	emit_call(mm, what, err, false);
}

void vmtrace_do_fault(struct mm *mm, uint64_t addr, enum mm_access access, enum fault_result r)
{
	static const char *const kinds[] = {"r", "w", "x"};
	static const char *const outs[] = {"ok", "SIGSEGV", "SIGBUS", "SIGKILL"};
	if (!mm || addr >= USER_VA_END)
		return;
	int pid = space_pid(mm);
	emit(mm, "%d fault 0x%lx %s => %s", pid, (unsigned long)addr, kinds[access % 3],
	     outs[(unsigned)r <= FAULT_OOM ? r : FAULT_OOM]);
	if (r == FAULT_OOM) {
		/* The trace's SIGKILL ends the process; its exit must not be written again. */
		struct vt_space *s = space_find(mm);
		if (s)
			s->killed = true;
	}
}

void vmtrace_do_stack_grow(struct mm *mm, uint64_t new_start, uint64_t old_start)
{
	/* `grow` (an extension of the format): the VMA above grows down in place. */
	(void)old_start;
	emit(mm, "%d grow 0x%lx => ok", space_pid(mm), (unsigned long)new_start);
}

/* ---- processes ---------------------------------------------------------------- */

void vmtrace_do_fork(struct task *parent, struct task *child)
{
	if (child->mm_borrowed || !child->mm)
		return; /* vfork: the child's events are its parent's space's */
	emit(parent->mm, "%d fork %d", space_pid(parent->mm), child->pid);
	space_add(child->mm, child->pid);
}

void vmtrace_do_exec_begin(struct mm *mm)
{
	if (pending.mm)
		emit(NULL, "# vmtrace: exec by pid %d began while another was in progress",
		     current->pid);
	pending.mm = mm;
	pending.task = current;
	pending.len = pending.lost = 0;
	space_add(mm, current->pid);
}

void vmtrace_do_exec_abort(struct mm *mm)
{
	struct vt_space *s = space_find(mm);
	if (s)
		s->mm = NULL;
	if (pending.mm == mm)
		pending.mm = NULL, pending.task = NULL;
}

void vmtrace_do_exec_commit(struct task *t, struct mm *mm)
{
	if (pending.mm != mm)
		return;
	pending.mm = NULL;
	pending.task = NULL;
	emit(NULL, "%d exec brk=0x%lx", t->pid, (unsigned long)mm->brk_start);
	uint64_t fl = irq_save();
	com2_write(pending.buf, pending.len);
	irq_restore(fl);
	if (pending.lost)
		emit(NULL, "# vmtrace: %lu lines of pid %d's exec were lost (buffer full)",
		     (unsigned long)pending.lost, t->pid);
}

void vmtrace_do_drop(struct task *t, struct mm *mm)
{
	if (t->mm_borrowed)
		return; /* a vfork child gives its parent's space back, which lives on */
	struct vt_space *s = space_find(mm);
	int pid = s ? s->pid : t->pid;
	bool killed = s && s->killed;
	if (s)
		s->mm = NULL;
	if (killed)
		return;
	emit(NULL, "expect %d vmas %lu", pid, (unsigned long)mm_vma_count(mm));
	emit(NULL, "expect %d rss %lu", pid, (unsigned long)mm_rss_bytes(mm));
	emit(NULL, "expect %d anon_huge %lu", pid, (unsigned long)mm_anon_huge_bytes(mm));
	/* At exec the old space goes with the `exec` record written at commit. */
	if (!(pending.mm && pending.task == t))
		emit(NULL, "%d exit", pid);
}
