/*
 * fs/proc_task.c - the figures the per-pid files of /proc report about a
 * task: memory sizes by kind of mapping (Linux's VmData, VmStk, VmExe
 * rules), signal masks, scheduler state, clock ticks.
 */
#include "kernel/fdtable.h"
#include "kernel/kstring.h"
#include "kernel/printf.h"
#include "mmcore/mm.h"
#include "mmcore/pt.h"
#include "procfs.h"

#define PATH_SEARCH_DEPTH 24

/* Depth-first search of the in-memory tree below dir for ino's name (generated trees skipped). */
static bool path_search(struct inode *dir, struct inode *ino, char *buf, uint64_t len, int depth)
{
	for (struct dirent_node *de = dir->dir.head; de; de = de->next) {
		struct inode *c = de->inode;
		while (c->mounted)
			c = c->mounted;
		if (c == ino) {
			long n = vfs_path_of(dir, buf, len);
			return n >= 0 && (uint64_t)ksnprintf(buf + n, len - (uint64_t)n, "%s%s",
							     n > 1 ? "/" : "", de->name) <
						 len - (uint64_t)n;
		}
		if (S_ISDIR(c->mode) && !c->pseudo && depth < PATH_SEARCH_DEPTH &&
		    path_search(c, ino, buf, len, depth + 1))
			return true;
	}
	return false;
}

/*
 * The name of regular file ino as t sees it: the name its executable or
 * one of its descriptors was opened by, else the first name found in the
 * tree; "" when it has none.
 */
void proc_inode_path(struct task *t, struct inode *ino, char *buf, uint64_t len)
{
	struct fdtable *ft = t->files;
	buf[0] = 0;
	if (t->exe && t->exe->inode == ino && *file_path(t->exe, buf, len))
		return;
	for (int fd = 0; ft && fd < ft->size; fd++) {
		struct file *f = ft->slots[fd].file;
		if (f && f->inode == ino && *file_path(f, buf, len))
			return;
	}
	if (!path_search(vfs_root, ino, buf, len, 0))
		buf[0] = 0;
}

/*
 * The executable's code and data ranges: its file's mappings when it is
 * mapped from the file, else (the loader copies segments into anonymous
 * memory) the mappings below the heap, where the image lies.
 */
static bool mem_is_image(struct task *t, struct vma *v)
{
	struct mm_file *exe = t->exe ? file_mm_file(t->exe) : NULL;
	if (v->file)
		return v->file == exe;
	return !(v->flags & (VM_BRK | VM_STACK | VM_GROWSDOWN)) && v->end <= t->mm->brk_start;
}

static void mem_exe_ranges(struct task *t, struct vma *v, struct proc_mem *m)
{
	if (!mem_is_image(t, v))
		return;
	if (v->flags & VM_EXEC) {
		if (!m->end_code || v->start < m->start_code)
			m->start_code = v->start;
		if (v->end > m->end_code)
			m->end_code = v->end;
	} else if (v->flags & VM_WRITE) {
		if (!m->end_data || v->start < m->start_data)
			m->start_data = v->start;
		if (v->end > m->end_data)
			m->end_data = v->end;
	}
}

/* Sizes of t's address space (all zero for a zombie). */
void proc_mem_of(struct task *t, struct proc_mem *m)
{
	struct mm *mm = t->state == TASK_ZOMBIE ? NULL : t->mm;
	uint64_t tables[5];
	*m = (struct proc_mem){0};
	if (!mm)
		return;
	for (struct vma *v = vma_first(&mm->vmas); v; v = vma_next(v)) {
		uint64_t len = v->end - v->start;
		bool stack = v->flags & (VM_GROWSDOWN | VM_STACK);
		m->vm_bytes += len;
		if (stack)
			m->stack_bytes += len;
		else if ((v->flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			m->data_bytes += len;
		else if ((v->flags & (VM_EXEC | VM_WRITE)) == VM_EXEC)
			m->exec_bytes += len;
		if (v->flags & VM_LOCKED)
			m->locked_bytes += len;
		mem_exe_ranges(t, v, m);
	}
	m->rss_anon = mm->rss_anon << PAGE_SHIFT;
	m->rss_file = mm->rss_file << PAGE_SHIFT;
	m->rss_shmem = mm->rss_shmem << PAGE_SHIFT;
	m->rss_bytes = mm_rss_bytes(mm);
	/* Linux's VmPTE counts the tables below the top level. */
	pt_count_tables(mm->root_pfn, tables);
	m->pt_bytes = (tables[1] + tables[2] + tables[3]) << PAGE_SHIFT;
}

void proc_sigs_of(struct task *t, struct proc_sigs *s)
{
	*s = (struct proc_sigs){.pending = t->pending, .blocked = t->blocked};
	for (int sig = 1; sig <= NSIG; sig++) {
		uint64_t h = t->sigaction[sig - 1].handler;
		if (h == SIG_IGN)
			s->ignored |= sig_bit(sig);
		else if (h != SIG_DFL)
			s->caught |= sig_bit(sig);
	}
	for (sigset_t p = t->pending; p; p &= p - 1)
		s->queued++;
}

char proc_state_char(struct task *t)
{
	switch (t->state) {
	case TASK_SLEEPING:
		return 'S';
	case TASK_STOPPED:
		return 'T';
	case TASK_ZOMBIE:
		return 'Z';
	default:
		return 'R';
	}
}

const char *proc_state_name(struct task *t)
{
	switch (t->state) {
	case TASK_SLEEPING:
		return "S (sleeping)";
	case TASK_STOPPED:
		return "T (stopped)";
	case TASK_ZOMBIE:
		return "Z (zombie)";
	default:
		return "R (running)";
	}
}

uint64_t proc_ticks(uint64_t ns)
{
	return ns / (1000000000ull / PROC_USER_HZ);
}
