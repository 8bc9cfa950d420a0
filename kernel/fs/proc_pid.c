/*
 * fs/proc_pid.c - the directory of one process in /proc: stat, status,
 * statm, cmdline, comm, environ, mounts, the fd/ directory and the exe,
 * cwd and root links, in Linux's formats (proc(5)). The memory maps live
 * in proc_maps.c; the figures come from the task and its mmcore address
 * space. A file whose process has gone reads as ESRCH, as on Linux.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/printf.h"
#include "kernel/time.h"
#include "mmcore/mm.h"
#include "mmcore/pt.h"
#include "procfs.h"

struct task *proc_task_of(struct inode *ino)
{
	struct task *t = task_find((int)ino->pseudo_arg);
	return t && t->pid > 0 ? t : NULL;
}

/* ---- reading another process's memory ----------------------------------------- */

/*
 * Copy the bytes of [start, end) of t's address space through its page
 * tables and the direct map (no address-space switch); the first page that
 * is not present ends the data, as Linux's access_remote_vm does.
 */
static void proc_copy_user(struct task *t, uint64_t start, uint64_t end, struct pbuf *b)
{
	if (!t->mm || end <= start || end - start > (1ull << 20))
		return;
	while (start < end) {
		struct pt_lookup l;
		uint64_t n = PAGE_SIZE - (start & (PAGE_SIZE - 1));
		if (n > end - start)
			n = end - start;
		if (pt_lookup(t->mm->root_pfn, start, &l) || !(l.entry & PTE_US))
			return;
		pbuf_put(b, (const char *)pfn_address(l.pfn) + (start & (PAGE_SIZE - 1)), n);
		start += n;
	}
}

/* cmdline and environ: the strings exec left on the stack, as they are now. */
static int show_stack_strings(struct inode *ino, struct pbuf *b, bool env)
{
	struct task *t = proc_task_of(ino);
	if (!t)
		return -ESRCH;
	if (env)
		proc_copy_user(t, t->env_start, t->env_end, b);
	else
		proc_copy_user(t, t->arg_start, t->arg_end, b);
	return 0;
}

static int show_cmdline(struct inode *ino, struct pbuf *b)
{
	return show_stack_strings(ino, b, false);
}

static int show_environ(struct inode *ino, struct pbuf *b)
{
	return show_stack_strings(ino, b, true);
}

/* ---- comm ----------------------------------------------------------------------- */

static int show_comm(struct inode *ino, struct pbuf *b)
{
	struct task *t = proc_task_of(ino);
	if (!t)
		return -ESRCH;
	pbuf_printf(b, "%s\n", t->comm);
	return 0;
}

/* Writing comm renames the task (15 bytes at most, a trailing newline dropped). */
static long store_comm(struct inode *ino, const char *buf, uint64_t len)
{
	struct task *t = proc_task_of(ino);
	uint64_t n = len;
	if (!t)
		return -ESRCH;
	if (n && buf[n - 1] == '\n')
		n--;
	if (n > sizeof(t->comm) - 1)
		n = sizeof(t->comm) - 1;
	memcpy(t->comm, buf, n);
	t->comm[n] = 0;
	return (long)len;
}

/* ---- stat, statm, status -------------------------------------------------------- */

static int show_stat(struct inode *ino, struct pbuf *b)
{
	struct task *t = proc_task_of(ino);
	struct proc_mem m;
	struct proc_sigs s;
	if (!t)
		return -ESRCH;
	proc_mem_of(t, &m);
	proc_sigs_of(t, &s);
	pbuf_printf(b, "%d (%s) %c %d %d %d %d %d %u ", t->pid, t->comm, proc_state_char(t),
		    t->parent ? t->parent->pid : 0, t->pgid, t->sid, 0, -1, 0u);
	/* minflt cminflt majflt cmajflt utime stime cutime cstime priority nice threads itreal */
	pbuf_printf(b, "0 0 0 0 %lu %lu %lu %lu 20 %d 1 0 ", t->user_ticks, t->sys_ticks,
		    t->cutime_ticks, t->cstime_ticks, 0);
	pbuf_printf(b, "%lu %lu %lu %lu ", proc_ticks(t->start_ns), m.vm_bytes,
		    m.rss_bytes >> PAGE_SHIFT, ~0ul);
	pbuf_printf(b, "%lu %lu %lu 0 0 ", m.start_code, m.end_code, t->start_stack);
	pbuf_printf(b, "%lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 ", (unsigned long)s.pending,
		    (unsigned long)s.blocked, (unsigned long)s.ignored, (unsigned long)s.caught,
		    t->exit_signal);
	pbuf_printf(b, "%lu %lu %lu %lu %lu %lu %lu %d\n", m.start_data, m.end_data,
		    t->mm ? t->mm->brk_start : 0, t->arg_start, t->arg_end, t->env_start, t->env_end,
		    t->state == TASK_ZOMBIE ? t->exit_status : 0);
	return 0;
}

static int show_statm(struct inode *ino, struct pbuf *b)
{
	struct task *t = proc_task_of(ino);
	struct proc_mem m;
	if (!t)
		return -ESRCH;
	proc_mem_of(t, &m);
	pbuf_printf(b, "%lu %lu %lu %lu 0 %lu 0\n", m.vm_bytes >> PAGE_SHIFT, m.rss_bytes >> PAGE_SHIFT,
		    (m.rss_file + m.rss_shmem) >> PAGE_SHIFT, (m.end_code - m.start_code) >> PAGE_SHIFT,
		    (m.data_bytes + m.stack_bytes) >> PAGE_SHIFT);
	return 0;
}

static void status_kb(struct pbuf *b, const char *name, uint64_t bytes)
{
	pbuf_printf(b, "%s:\t%8lu kB\n", name, bytes >> 10);
}

static void status_ids(struct pbuf *b, struct task *t)
{
	pbuf_printf(b, "Uid:\t%u\t%u\t%u\t%u\n", t->uid, t->euid, t->suid, t->euid);
	pbuf_printf(b, "Gid:\t%u\t%u\t%u\t%u\n", t->gid, t->egid, t->sgid, t->egid);
	pbuf_printf(b, "FDSize:\t%d\nGroups:\t \n", t->files ? t->files->size : 0);
	pbuf_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\n", t->tgid,
		    t->pid, t->pgid, t->sid);
}

static void status_mem(struct pbuf *b, const struct proc_mem *m)
{
	status_kb(b, "VmPeak", m->vm_bytes);
	status_kb(b, "VmSize", m->vm_bytes);
	status_kb(b, "VmLck", m->locked_bytes);
	status_kb(b, "VmPin", 0);
	status_kb(b, "VmHWM", m->rss_bytes);
	status_kb(b, "VmRSS", m->rss_bytes);
	pbuf_printf(b, "RssAnon:\t%8lu kB\nRssFile:\t%8lu kB\nRssShmem:\t%8lu kB\n",
		    m->rss_anon >> 10, m->rss_file >> 10, m->rss_shmem >> 10);
	status_kb(b, "VmData", m->data_bytes);
	status_kb(b, "VmStk", m->stack_bytes);
	status_kb(b, "VmExe", m->end_code - m->start_code);
	status_kb(b, "VmLib", m->exec_bytes - (m->end_code - m->start_code));
	status_kb(b, "VmPTE", m->pt_bytes);
	status_kb(b, "VmSwap", 0);
	pbuf_printf(b, "HugetlbPages:\t%8lu kB\n", 0ul);
}

static void status_sigs(struct pbuf *b, struct task *t)
{
	struct proc_sigs s;
	bool root = t->euid == 0;
	proc_sigs_of(t, &s);
	pbuf_printf(b, "SigQ:\t%u/%lu\n", s.queued, t->rlimits[RLIMIT_SIGPENDING].cur);
	pbuf_printf(b, "SigPnd:\t%016lx\nShdPnd:\t%016lx\n", (unsigned long)s.pending, 0ul);
	pbuf_printf(b, "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
		    (unsigned long)s.blocked, (unsigned long)s.ignored, (unsigned long)s.caught);
	pbuf_printf(b, "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\n", 0ul,
		    root ? PROC_CAP_FULL : 0, root ? PROC_CAP_FULL : 0);
	pbuf_printf(b, "CapBnd:\t%016lx\nCapAmb:\t%016lx\n", PROC_CAP_FULL, 0ul);
	pbuf_printf(b, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
	pbuf_printf(b, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
}

static int show_status(struct inode *ino, struct pbuf *b)
{
	struct task *t = proc_task_of(ino);
	struct proc_mem m;
	char umask[8];
	if (!t)
		return -ESRCH;
	proc_mem_of(t, &m);
	umask[0] = '0';
	umask[1] = (char)('0' + ((t->umask >> 6) & 7));
	umask[2] = (char)('0' + ((t->umask >> 3) & 7));
	umask[3] = (char)('0' + (t->umask & 7));
	umask[4] = 0;
	pbuf_printf(b, "Name:\t%s\nUmask:\t%s\nState:\t%s\n", t->comm, umask, proc_state_name(t));
	pbuf_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", t->tgid, t->pid,
		    t->parent ? t->parent->pid : 0);
	status_ids(b, t);
	if (t->mm && t->state != TASK_ZOMBIE) {
		status_mem(b, &m);
		pbuf_printf(b, "CoreDumping:\t0\nTHP_enabled:\t1\n");
		pbuf_printf(b, "untag_mask:\t0x%lx\n", ~0ul);
	}
	pbuf_printf(b, "Threads:\t1\n");
	status_sigs(b, t);
	return 0;
}

/* ---- fd/ and the links ------------------------------------------------------------- */

/*
 * What /proc/PID/fd/N reads as: a path, else Linux's "pipe:[ino]" and
 * "socket:[ino]" forms (an anonymous pipe end has no inode: fstat calls it
 * inode 0 too), "anon_inode:[ino]" for the rest.
 */
static void fd_target(struct task *t, struct file *f, char *buf, uint64_t len)
{
	file_path(f, buf, len);
	if (buf[0])
		return;
	if (f->inode && S_ISREG(f->inode->mode) && f->inode->nlink == 0) {
		proc_inode_path(t, f->inode, buf, len); /* another name it has, if any */
		ksnprintf(buf + strlen(buf), len - strlen(buf), "%s(deleted)", buf[0] ? " " : "");
	} else if (!f->inode)
		ksnprintf(buf, len, "pipe:[0]");
	else if (S_ISFIFO(f->inode->mode))
		ksnprintf(buf, len, "pipe:[%lu]", (unsigned long)f->inode->ino);
	else if ((f->inode->mode & S_IFMT) == S_IFSOCK)
		ksnprintf(buf, len, "socket:[%lu]", (unsigned long)f->inode->ino);
	else
		ksnprintf(buf, len, "anon_inode:[%lu]", (unsigned long)f->inode->ino);
}

/* The fd/ directory lists the open descriptors of its process, one symlink each. */
static void fd_dir_refresh(struct inode *dir)
{
	struct task *t = proc_task_of(dir);
	struct fdtable *ft = t ? t->files : NULL;
	char name[16], *target = kmalloc(VFS_PATH_MAX);
	struct dirent_node *de, *next;
	if (!target)
		return;
	for (de = dir->dir.head; de; de = next) {
		long fd = 0;
		next = de->next;
		for (uint16_t i = 0; i < de->len; i++)
			fd = fd * 10 + (de->name[i] - '0');
		if (!ft || fd >= ft->size || !ft->slots[fd].file)
			dir_unlink(dir, de);
	}
	for (int fd = 0; ft && fd < ft->size; fd++) {
		if (!ft->slots[fd].file)
			continue;
		fd_target(t, ft->slots[fd].file, target, VFS_PATH_MAX);
		ksnprintf(name, sizeof(name), "%d", fd);
		pseudo_symlink(dir, name, target);
	}
	kfree(target);
}

static const struct pseudo_node fd_dir_node = {.refresh = fd_dir_refresh};

/* exe, cwd and root follow the process; a missing one is an empty link (ENOENT). */
static void pid_links(struct inode *dir, struct task *t)
{
	char *buf = kmalloc(VFS_PATH_MAX);
	if (!buf)
		return;
	buf[0] = 0;
	if (t->exe && t->exe->inode)
		proc_inode_path(t, t->exe->inode, buf, VFS_PATH_MAX);
	pseudo_symlink(dir, "exe", buf);
	buf[0] = 0;
	if (t->fs && t->fs->cwd && vfs_path_of(t->fs->cwd, buf, VFS_PATH_MAX) < 0)
		buf[0] = 0;
	pseudo_symlink(dir, "cwd", buf);
	buf[0] = 0;
	if (t->fs && t->fs->root && vfs_path_of(t->fs->root, buf, VFS_PATH_MAX) < 0)
		buf[0] = 0;
	pseudo_symlink(dir, "root", buf);
	kfree(buf);
}

static const struct pseudo_node stat_node = {.show = show_stat};
static const struct pseudo_node statm_node = {.show = show_statm};
static const struct pseudo_node status_node = {.show = show_status};
static const struct pseudo_node cmdline_node = {.show = show_cmdline};
static const struct pseudo_node environ_node = {.show = show_environ};
static const struct pseudo_node comm_node = {.show = show_comm, .store = store_comm};

static int show_mounts(struct inode *ino, struct pbuf *b)
{
	(void)ino;
	mount_show(b);
	return 0;
}

static const struct pseudo_node mounts_node = {.show = show_mounts};

static const struct {
	const char *name;
	uint32_t perm;
	const struct pseudo_node *node;
} pid_files[] = {
	{"environ", 0400, &environ_node},
	{"status", 0444, &status_node},
	{"cmdline", 0444, &cmdline_node},
	{"stat", 0444, &stat_node},
	{"statm", 0444, &statm_node},
	{"comm", 0644, &comm_node},
	{"maps", 0444, &proc_maps_node},
	{"smaps", 0444, &proc_smaps_node},
	{"smaps_rollup", 0444, &proc_smaps_rollup_node},
	{"mounts", 0444, &mounts_node},
};

/* Fill a pid directory on its first visit, then keep its links current. */
static void pid_dir_refresh(struct inode *dir)
{
	struct task *t = proc_task_of(dir);
	if (!t)
		return;
	if (!dir->dir.head) {
		pseudo_mkdir(dir, "fd", 0500, &fd_dir_node, dir->pseudo_arg);
		for (unsigned i = 0; i < sizeof(pid_files) / sizeof(pid_files[0]); i++)
			pseudo_file(dir, pid_files[i].name, pid_files[i].perm, pid_files[i].node,
				    dir->pseudo_arg);
	}
	pid_links(dir, t);
}

const struct pseudo_node proc_pid_dir_node = {.refresh = pid_dir_refresh};
