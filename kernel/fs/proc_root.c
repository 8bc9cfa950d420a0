/*
 * fs/proc_root.c - the top directory of a procfs instance: the system
 * files, "self" and "mounts" links, and one directory per task, kept in
 * step with the task list on every lookup and listing (a task's directory
 * appears when it is created and goes when it is reaped; zombies stay
 * listed, as on Linux).
 */
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "procfs.h"

/* The pid a directory entry's name spells, or -1 for names that are not numbers. */
static long proc_name_pid(const struct dirent_node *de)
{
	long pid = 0;
	if (!de->len || de->len > 9)
		return -1;
	for (uint16_t i = 0; i < de->len; i++) {
		if (de->name[i] < '0' || de->name[i] > '9')
			return -1;
		pid = pid * 10 + (de->name[i] - '0');
	}
	return pid;
}

/* Directories of tasks that are gone leave; new tasks get theirs; "self" points at the caller. */
static void proc_root_refresh(struct inode *root)
{
	struct dirent_node *de, *next;
	struct task *cur = current_task();
	char name[16];
	for (de = root->dir.head; de; de = next) {
		long pid = proc_name_pid(de);
		next = de->next;
		if (pid >= 0 && !task_find((int)pid)) {
			dir_free_all(de->inode);
			dir_unlink(root, de);
		}
	}
	for (struct task *t = task_first(); t; t = t->all_next) {
		struct inode *dir;
		if (t->pid <= 0)
			continue;
		ksnprintf(name, sizeof(name), "%d", t->pid);
		dir = pseudo_child(root, name);
		if (!dir)
			dir = pseudo_mkdir(root, name, 0555, &proc_pid_dir_node, t->pid);
		if (dir) {
			dir->uid = t->euid;
			dir->gid = t->egid;
		}
	}
	ksnprintf(name, sizeof(name), "%d", cur && cur->pid > 0 ? cur->pid : 0);
	pseudo_symlink(root, "self", name);
}

static const struct pseudo_node proc_root_node = {.refresh = proc_root_refresh};

/* Fill a new procfs root with the system files and links; the pid directories come on refresh. */
int procfs_fill(struct inode *root)
{
	root->pseudo = &proc_root_node;
	for (const struct proc_sys_file *f = proc_sys_files; f->name; f++)
		if (!pseudo_file(root, f->name, 0444, f->node, 0))
			return -ENOMEM;
	if (!pseudo_symlink(root, "mounts", "self/mounts") || !pseudo_symlink(root, "self", "0"))
		return -ENOMEM;
	return 0;
}
