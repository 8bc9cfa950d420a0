/*
 * proc/init_process.c - the first user process. As Linux: run `rdinit=`
 * (default /init) from the initramfs; if that cannot be executed, `init=`,
 * then /sbin/init, /etc/init, /bin/init, /bin/sh. Words after `--` on the
 * command line are init's arguments (double quotes group words, as Linux's
 * parser allows); init gets HOME=/ and TERM=linux.
 */
#include "proc.h"

#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/fdtable.h"
#include "kernel/fpu.h"
#include "kernel/kstring.h"
#include "kernel/panic.h"
#include "kernel/printf.h"
#include "kernel/vfs.h"

#define INIT_ARGS_MAX 32

static char init_args_buf[BOOT_CMDLINE_MAX];

/* Split the words after " -- " into argv[1..]; returns the count. */
static int init_args_parse(char **argv, int max)
{
	const char *cl = boot_info.cmdline, *p = NULL;
	for (const char *q = cl; *q; q++)
		if (q[0] == '-' && q[1] == '-' && (q == cl || q[-1] == ' ') && (q[2] == ' ' || !q[2])) {
			p = q + 2;
			break;
		}
	if (!p)
		return 0;
	size_t n = strlen(p);
	memcpy(init_args_buf, p, n + 1);
	char *s = init_args_buf;
	int argc = 0;
	while (*s && argc < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		bool quoted = *s == '"';
		if (quoted)
			s++;
		argv[argc++] = s;
		char *out = s;
		while (*s && (quoted ? *s != '"' : *s != ' '))
			*out++ = *s++;
		if (*s)
			s++;
		*out = 0;
	}
	return argc;
}

/* Try to exec path in t (the current task); 0 when it is now loaded. */
static int init_try(const char *path, char **argv, struct trap_frame *tf)
{
	static char *const envp[] = {"HOME=/", "TERM=linux", NULL};
	argv[0] = (char *)path;
	int err = exec_kernel(path, argv, envp, tf);
	if (err)
		klog("init: cannot run %s: error %d\n", path, -err);
	return err;
}

static int init_exec(char **argv, struct trap_frame *tf)
{
	char buf[256];
	const char *rd = cmdline_get(boot_info.cmdline, "rdinit", buf, sizeof(buf));
	if (!init_try(rd ? rd : "/init", argv, tf))
		return 0;
	char buf2[256];
	const char *in = cmdline_get(boot_info.cmdline, "init", buf2, sizeof(buf2));
	if (in && !init_try(in, argv, tf))
		return 0;
	static const char *const fallbacks[] = {"/sbin/init", "/etc/init", "/bin/init", "/bin/sh"};
	for (unsigned i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++)
		if (!init_try(fallbacks[i], argv, tf))
			return 0;
	return -ENOENT;
}

int proc_start_init(void)
{
	struct task *idle = current, *t = task_alloc();
	if (!t)
		panic("init: no memory for the first task");
	t->pgid = t->sid = t->pid;
	t->umask = 022;
	t->exit_signal = SIGCHLD;
	task_rlimits_default(t);
	fpu_reset(&t->fpu);
	t->files = fdtable_create();
	t->fs = fs_create_root();
	if (!t->files || !t->fs)
		panic("init: no memory for the file table");
	task_link(t, NULL);

	/* Run exec and the console set-up as init itself. */
	sched_current = t;
	int err = vfs_open_console_fds();
	if (err)
		klog("init: no console (error %d)\n", -err);
	static char *argv[INIT_ARGS_MAX + 2];
	int argc = init_args_parse(argv + 1, INIT_ARGS_MAX);
	argv[argc + 1] = NULL;
	struct trap_frame tf;
	err = init_exec(argv, &tf);
	sched_current = idle;
	if (err)
		panic("No working init found. Try passing init= option to kernel.");
	task_setup_user_start(t, &tf);
	sched_enqueue(t);
	return 0;
}
