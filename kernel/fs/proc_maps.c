/*
 * fs/proc_maps.c - /proc/PID/maps, smaps and smaps_rollup, byte for byte
 * in Linux's layout: the address range, permissions, offset, device and
 * inode of a file mapping, the name padded to column 73 ([heap], [stack],
 * [vvar] and [vdso] for the special ones); smaps adds the
 * residency mmcore counts per VMA (mm_vma_stat) and the VmFlags mnemonics.
 */
#include "kernel/heap.h"
#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "kernel/printf.h"
#include "kernel/vdso.h"
#include "mmcore/mm.h"
#include "mmcore/mm_stat.h"
#include "procfs.h"

#define MAPS_NAME_COLUMN 73 /* Linux pads the name to 25 + 6 * sizeof(void *) - 1, then a space */

/* The tmpfs inode an mm_file is part of (regfile.c embeds it). */
static struct inode *mmf_to_inode(struct mm_file *mf)
{
	return (struct inode *)((char *)mf - __builtin_offsetof(struct inode, reg.mmf));
}

/* Where the path of a mapped file is worked out once per read. */
struct maps_ctx {
	struct task *t;
	struct mm_file *last;
	char path[VFS_PATH_MAX];
	char line[128];
};

/* The path Linux would show for a mapped regular file (exe, an open descriptor, the tree). */
static void maps_file_path(struct maps_ctx *c, struct inode *ino)
{
	proc_inode_path(c->t, ino, c->path, sizeof(c->path));
}

/* An open file's path already carries Linux's mark once its name is gone. */
static bool maps_marked_deleted(const char *path)
{
	uint64_t n = strlen(path), m = sizeof(" (deleted)") - 1;
	return n >= m && !strcmp(path + n - m, " (deleted)");
}

/* One maps line (the smaps header too). */
static void maps_line(struct maps_ctx *c, struct pbuf *b, struct vma *v)
{
	const struct mm *mm = c->t->mm;
	const char *name = NULL;
	uint64_t dev_minor = 0, ino_nr = 0, off = 0;
	int n;
	if (v->file && vdso_file_name(v->file)) {
		name = vdso_file_name(v->file); /* Linux's special mappings: no offset, device or inode */
	} else if (v->file && v->file->name) { /* shared anonymous memory: an unlinked shmem file */
		name = v->file->name;
		dev_minor = 1;
		ino_nr = v->file->ino;
		off = v->pgoff << PAGE_SHIFT;
	} else if (v->file) {
		struct inode *ino = mmf_to_inode(v->file);
		if (c->last != v->file) {
			maps_file_path(c, ino);
			if (ino->nlink == 0 && !maps_marked_deleted(c->path))
				ksnprintf(c->path + strlen(c->path), sizeof(c->path) - strlen(c->path),
					  " (deleted)");
			c->last = v->file;
		}
		name = c->path;
		dev_minor = ino->dev;
		ino_nr = ino->ino;
		off = v->pgoff << PAGE_SHIFT;
	} else if (v->start < mm->brk && v->end > mm->brk_start) {
		name = "[heap]"; /* Linux's vma_is_initial_heap() */
	} else if (c->t->start_stack ? v->start <= c->t->start_stack && v->end >= c->t->start_stack
				     : (v->flags & VM_STACK)) {
		name = "[stack]"; /* vma_is_initial_stack() */
	}
	n = ksnprintf(c->line, sizeof(c->line), "%08lx-%08lx %c%c%c%c %08lx %02x:%02lx %lu ",
		      v->start, v->end, v->flags & VM_READ ? 'r' : '-', v->flags & VM_WRITE ? 'w' : '-',
		      v->flags & VM_EXEC ? 'x' : '-', v->flags & VM_MAYSHARE ? 's' : 'p', off, 0,
		      dev_minor, ino_nr);
	pbuf_put(b, c->line, (uint64_t)n);
	if (name) {
		for (; n < MAPS_NAME_COLUMN - 1; n++)
			pbuf_put(b, " ", 1);
		pbuf_printf(b, " %s", name);
	}
	pbuf_put(b, "\n", 1);
}

static struct maps_ctx *maps_begin(struct inode *ino, int *err)
{
	struct task *t = proc_task_of(ino);
	struct maps_ctx *c;
	*err = 0;
	if (!t) {
		*err = -ESRCH;
		return NULL;
	}
	if (!t->mm || t->state == TASK_ZOMBIE)
		return NULL; /* nothing mapped: an empty file */
	c = kmalloc(sizeof(*c));
	if (!c)
		*err = -ENOMEM;
	else
		c->t = t;
	return c;
}

static int show_maps(struct inode *ino, struct pbuf *b)
{
	int err;
	struct maps_ctx *c = maps_begin(ino, &err);
	if (!c)
		return err;
	for (struct vma *v = vma_first(&c->t->mm->vmas); v; v = vma_next(v))
		maps_line(c, b, v);
	kfree(c);
	return 0;
}

/* ---- smaps ------------------------------------------------------------------------ */

/* The counts both smaps and smaps_rollup print, from Pss_Dirty (rollup: Pss_Anon..) down. */
static void smaps_counts(struct pbuf *b, const struct mm_vma_stat *st, bool rollup)
{
	pbuf_kb(b, "Rss:", st->rss);
	pbuf_kb(b, "Pss:", st->pss >> MM_PSS_SHIFT);
	pbuf_kb(b, "Pss_Dirty:", st->pss_dirty >> MM_PSS_SHIFT);
	if (rollup) {
		pbuf_kb(b, "Pss_Anon:", st->pss_anon >> MM_PSS_SHIFT);
		pbuf_kb(b, "Pss_File:", st->pss_file >> MM_PSS_SHIFT);
		pbuf_kb(b, "Pss_Shmem:", st->pss_shmem >> MM_PSS_SHIFT);
	}
	pbuf_kb(b, "Shared_Clean:", st->shared_clean);
	pbuf_kb(b, "Shared_Dirty:", st->shared_dirty);
	pbuf_kb(b, "Private_Clean:", st->private_clean);
	pbuf_kb(b, "Private_Dirty:", st->private_dirty);
	pbuf_kb(b, "Referenced:", st->referenced);
	pbuf_kb(b, "Anonymous:", st->anonymous);
	pbuf_kb(b, "KSM:", 0);
	pbuf_kb(b, "LazyFree:", 0);
	pbuf_kb(b, "AnonHugePages:", st->anon_huge);
	pbuf_kb(b, "ShmemPmdMapped:", st->shmem_huge);
	pbuf_kb(b, "FilePmdMapped:", st->file_huge);
	pbuf_kb(b, "Shared_Hugetlb:", 0);
	pbuf_kb(b, "Private_Hugetlb:", 0);
	pbuf_kb(b, "Swap:", 0);
	pbuf_kb(b, "SwapPss:", 0);
	pbuf_kb(b, "Locked:", st->locked);
}

/*
 * Linux's THPeligible for smaps: private anonymous memory the policy
 * allows huge pages in (always, or madvise with MADV_HUGEPAGE) that is
 * big enough for an aligned 2 MiB page below its end.
 */
static bool smaps_thp_eligible(const struct vma *v)
{
	uint64_t h = (v->end - HUGE_SIZE) & HUGE_MASK;
	if (v->file || (v->flags & VM_NOHUGEPAGE) || v->end - v->start < HUGE_SIZE)
		return false;
	if (mm_config.thp == MM_THP_NEVER ||
	    (mm_config.thp == MM_THP_MADVISE && !(v->flags & VM_HUGEPAGE)))
		return false;
	return h >= v->start && h + HUGE_SIZE <= v->end;
}

/* VmFlags mnemonics in Linux's order (by its vm_flags bit numbers). */
static void smaps_vmflags(struct pbuf *b, uint32_t f)
{
	static const struct {
		uint32_t flag;
		char name[3];
	} names[] = {
		{VM_READ, "rd"},       {VM_WRITE, "wr"},     {VM_EXEC, "ex"},
		{VM_SHARED, "sh"},     {VM_MAYREAD, "mr"},   {VM_MAYWRITE, "mw"},
		{VM_MAYEXEC, "me"},    {VM_MAYSHARE, "ms"},  {VM_GROWSDOWN, "gd"},
		{VM_LOCKED, "lo"},     {VM_DONTFORK, "dc"},  {VM_DONTEXPAND, "de"},
		{VM_ACCOUNT, "ac"},    {VM_NORESERVE, "nr"}, {VM_HUGEPAGE, "hg"},
		{VM_NOHUGEPAGE, "nh"},
	};
	pbuf_printf(b, "VmFlags: ");
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].flag)
			pbuf_printf(b, "%s ", names[i].name);
	pbuf_put(b, "\n", 1);
}

static int show_smaps(struct inode *ino, struct pbuf *b)
{
	int err;
	struct maps_ctx *c = maps_begin(ino, &err);
	if (!c)
		return err;
	for (struct vma *v = vma_first(&c->t->mm->vmas); v; v = vma_next(v)) {
		struct mm_vma_stat st = {0};
		mm_vma_stat(c->t->mm, v, &st);
		maps_line(c, b, v);
		pbuf_kb(b, "Size:", v->end - v->start);
		pbuf_kb(b, "KernelPageSize:", PAGE_SIZE);
		pbuf_kb(b, "MMUPageSize:", PAGE_SIZE);
		smaps_counts(b, &st, false);
		pbuf_printf(b, "THPeligible:    %8u\n", smaps_thp_eligible(v) ? 1u : 0u);
		smaps_vmflags(b, v->flags);
	}
	kfree(c);
	return 0;
}

/* smaps_rollup: the sums over every VMA under one "[rollup]" header spanning them all. */
static int show_smaps_rollup(struct inode *ino, struct pbuf *b)
{
	struct mm_vma_stat st = {0};
	struct vma *first, *last;
	int err, n;
	struct maps_ctx *c = maps_begin(ino, &err);
	if (!c)
		return err;
	first = vma_first(&c->t->mm->vmas);
	last = vma_last(&c->t->mm->vmas);
	for (struct vma *v = first; v; v = vma_next(v))
		mm_vma_stat(c->t->mm, v, &st);
	n = ksnprintf(c->line, sizeof(c->line), "%08lx-%08lx ---p 00000000 00:00 0 ",
		      first ? first->start : 0, last ? last->end : 0);
	pbuf_put(b, c->line, (uint64_t)n);
	for (; n < MAPS_NAME_COLUMN - 1; n++)
		pbuf_put(b, " ", 1);
	pbuf_printf(b, " [rollup]\n");
	smaps_counts(b, &st, true);
	kfree(c);
	return 0;
}

const struct pseudo_node proc_maps_node = {.show = show_maps};
const struct pseudo_node proc_smaps_node = {.show = show_smaps};
const struct pseudo_node proc_smaps_rollup_node = {.show = show_smaps_rollup};
