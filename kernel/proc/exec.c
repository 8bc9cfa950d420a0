/*
 * proc/exec.c - execve: copy the arguments in, resolve `#!` scripts to
 * their interpreter, build a new address space with the ELF image, the
 * vDSO (kernel/vdso.h) and the initial stack, and only then (the point of
 * no return) replace the old program: close-on-exec files, caught
 * signals back to default, fresh FPU and FS base, and the vfork parent
 * released.
 */
#include "elf.h"
#include "proc.h"

#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/fdtable.h"
#include "kernel/fpu.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uspace.h"
#include "kernel/vdso.h"
#include "kernel/vfs.h"
#include "kernel/vmtrace.h"
#include "mmcore/mm.h"

#define PATH_MAX 4096
#define BINPRM_BUF 256
#define SCRIPT_DEPTH_MAX 4
/* Room for argument and environment strings (Linux allows a quarter of the stack rlimit). */
#define ARG_SPACE (256 * 1024)
#define ARG_COUNT_MAX 8192
#define MSR_FS_BASE 0xc0000100u

void task_release_vfork(struct task *t);
void task_drop_mm(struct task *t);
int exec_stack_build(struct mm *mm, char *const argv[], char *const envp[], const char *execfn,
		     const struct elf_info *info, uint64_t vdso_base, uint64_t *sp_out);

/* One block holding a NULL-terminated pointer vector and its strings. */
struct argblock {
	char **vec;
	char *strings;
	size_t count, used;
};

static void argblock_free(struct argblock *b)
{
	kfree(b->vec);
	kfree(b->strings);
}

static int argblock_init(struct argblock *b)
{
	b->vec = kmalloc(sizeof(char *) * (ARG_COUNT_MAX + 1));
	b->strings = kmalloc(ARG_SPACE);
	b->count = b->used = 0;
	if (!b->vec || !b->strings) {
		argblock_free(b);
		return -ENOMEM;
	}
	b->vec[0] = NULL;
	return 0;
}

static int argblock_add(struct argblock *b, const char *s, size_t len)
{
	if (b->count >= ARG_COUNT_MAX || len + 1 > ARG_SPACE - b->used)
		return -E2BIG;
	char *dst = b->strings + b->used;
	memcpy(dst, s, len);
	dst[len] = 0;
	b->used += len + 1;
	b->vec[b->count++] = dst;
	b->vec[b->count] = NULL;
	return 0;
}

/* Append the user's NULL-terminated string vector at uvec (0: none). */
static int argblock_add_user(struct argblock *b, uint64_t uvec)
{
	if (!uvec)
		return 0;
	for (uint64_t i = 0;; i++) {
		uint64_t ustr;
		if (get_user_u64(&ustr, uvec + i * 8))
			return -EFAULT;
		if (!ustr)
			return 0;
		if (b->count >= ARG_COUNT_MAX)
			return -E2BIG;
		char *dst = b->strings + b->used;
		long n = strncpy_from_user(dst, ustr, ARG_SPACE - b->used);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return (int)n;
		b->used += (size_t)n + 1;
		b->vec[b->count++] = dst;
		b->vec[b->count] = NULL;
	}
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/*
 * buf (n bytes) starts with "#!": take the interpreter and its one optional
 * argument from the first line (Linux's rules: one argument, the rest of
 * the line). Returns 0, or -ENOEXEC when there is no interpreter.
 */
static int script_parse(char *buf, long n, char **interp, char **arg)
{
	char *end = buf + n, *p = buf + 2;
	for (char *q = p; q < end; q++)
		if (*q == '\n') {
			end = q;
			break;
		}
	*end = 0;
	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return -ENOEXEC;
	*interp = p;
	while (p < end && !is_blank(*p))
		p++;
	*arg = NULL;
	if (p < end) {
		*p++ = 0;
		while (p < end && is_blank(*p))
			p++;
		char *e = end;
		while (e > p && is_blank(e[-1]))
			*--e = 0;
		if (p < e)
			*arg = p;
	}
	return 0;
}

/* argv becomes [interp, arg?, path, argv[1..]]. */
static int script_rewrite_args(struct argblock *args, const char *interp, const char *arg,
			       const char *path)
{
	struct argblock nb;
	int err = argblock_init(&nb);
	if (err)
		return err;
	err = argblock_add(&nb, interp, strlen(interp));
	if (!err && arg)
		err = argblock_add(&nb, arg, strlen(arg));
	if (!err)
		err = argblock_add(&nb, path, strlen(path));
	for (size_t i = 1; !err && i < args->count; i++)
		err = argblock_add(&nb, args->vec[i], strlen(args->vec[i]));
	if (err) {
		argblock_free(&nb);
		return err;
	}
	argblock_free(args);
	*args = nb;
	return 0;
}

/*
 * Open the program for path, following `#!` lines (rewriting args).
 * Returns 0 and *out, or -errno. path is updated to the final program.
 */
static int exec_resolve(char *path, struct argblock *args, struct file **out)
{
	char buf[BINPRM_BUF + 1];
	for (int depth = 0; depth <= SCRIPT_DEPTH_MAX; depth++) {
		struct file *f;
		int err = vfs_open_exec(path, &f);
		if (err)
			return err;
		long n = file_pread(f, buf, BINPRM_BUF, 0);
		if (n < 0) {
			file_put(f);
			return (int)n;
		}
		if (n < 2 || buf[0] != '#' || buf[1] != '!') {
			*out = f;
			return 0;
		}
		file_put(f);
		char *interp, *arg;
		buf[n] = 0;
		if ((err = script_parse(buf, n, &interp, &arg)))
			return err;
		if (strlen(interp) >= PATH_MAX)
			return -ENAMETOOLONG;
		static char script[PATH_MAX];
		memcpy(script, path, strlen(path) + 1);
		if ((err = script_rewrite_args(args, interp, arg, script)))
			return err;
		memcpy(path, interp, strlen(interp) + 1);
	}
	return -ELOOP;
}

/* The last path component, for comm (at most 15 characters). */
static void comm_set(struct task *t, const char *path)
{
	const char *base = path;
	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			base = p + 1;
	size_t n = 0;
	while (base[n] && base[n] != '/' && n < sizeof(t->comm) - 1) {
		t->comm[n] = base[n];
		n++;
	}
	t->comm[n] = 0;
}

/* After the point of no return: what a new program starts with. */
static void exec_reset_task(struct task *t, struct file *f, const char *path)
{
	task_release_vfork(t);
	if (t->files)
		fdtable_close_on_exec(t->files);
	for (int i = 0; i < NSIG; i++) {
		struct k_sigaction *ka = &t->sigaction[i];
		if (ka->handler != SIG_IGN)
			ka->handler = SIG_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
	t->altstack_sp = t->altstack_size = 0;
	t->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	t->set_child_tid = t->clear_child_tid = 0;
	t->robust_list = t->robust_len = 0;
	fpu_reset(&t->fpu);
	fpu_restore(&t->fpu);
	if (t->exe)
		file_put(t->exe);
	t->exe = f;
	t->did_exec = true;
	t->not_dumpable = false;
	comm_set(t, path);
}

/* Build the new address space for f; on success it is loaded, with the stack pointer and entry set. */
static int exec_build_mm(struct file *f, struct argblock *args, char *const envp[],
			 const char *path, struct mm **out, uint64_t *sp, uint64_t *entry)
{
	struct task *t = current;
	struct mm *mm, *old = t->mm;
	int err = uspace_create(&mm);
	if (err)
		return -ENOMEM;
	mm->owner = t;
	vmtrace_exec_begin(mm);
	mm->rlimit_as = t->rlimits[RLIMIT_AS].cur;
	mm->rlimit_data = t->rlimits[RLIMIT_DATA].cur;
	uspace_switch(mm);
	struct elf_info info;
	uint64_t vdso_base = 0;
	err = elf_load(f, mm, &info);
	if (!err) {
		mm_brk_init(mm, info.brk);
		err = vdso_map(mm, &vdso_base);
	}
	if (!err)
		err = exec_stack_build(mm, args->vec, envp, path, &info, vdso_base, sp);
	if (err) {
		uspace_switch(old);
		vmtrace_exec_abort(mm);
		mm_destroy(mm);
		return err;
	}
	*entry = info.entry;
	*out = mm;
	return 0;
}

int exec_kernel(const char *upath, char *const argv[], char *const envp[], struct trap_frame *tf)
{
	static char path[PATH_MAX];
	struct argblock args;
	size_t plen = strlen(upath);
	if (plen >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(path, upath, plen + 1);
	int err = argblock_init(&args);
	for (size_t i = 0; !err && argv[i]; i++)
		err = argblock_add(&args, argv[i], strlen(argv[i]));
	struct file *f = NULL;
	if (!err)
		err = exec_resolve(path, &args, &f);
	struct mm *mm;
	uint64_t sp, entry;
	if (!err) {
		err = exec_build_mm(f, &args, envp, path, &mm, &sp, &entry);
		if (err)
			file_put(f);
	}
	argblock_free(&args);
	if (err)
		return err;

	/* Point of no return. */
	struct task *t = current;
	task_drop_mm(t);
	t->mm = mm;
	vmtrace_exec_commit(t, mm);
	uspace_switch(mm);
	exec_reset_task(t, f, path);
	__builtin_memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->rsp = sp;
	tf->cs = 0x23;
	tf->ss = 0x1b;
	tf->rflags = 0x202;
	tf->vector = 0x100;
	return 0;
}

SYSCALL_DEFINE(59, execve)
{
	struct argblock argv, envp;
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	long n = strncpy_from_user(path, a0, PATH_MAX);
	int err = n < 0 ? (int)n : 0;
	if (!err && (err = argblock_init(&argv)) == 0) {
		if ((err = argblock_init(&envp)) == 0) {
			err = argblock_add_user(&argv, a1);
			if (!err)
				err = argblock_add_user(&envp, a2);
			if (!err && n == 0)
				err = -ENOENT;
			if (!err)
				err = exec_kernel(path, argv.vec, envp.vec, current->user_frame);
			argblock_free(&envp);
		}
		argblock_free(&argv);
	}
	kfree(path);
	/* The new program starts with rax = 0, which the dispatcher stores. */
	return err;
}
