/*
 * mmcore/mm_fork.c - fork(2): the child gets a copy of every VMA (except
 * VM_DONTFORK ones) and shares the parent's pages copy-on-write; the
 * child's copy of a VM_WIPEONFORK VMA starts empty (it reads zeroes).
 *
 * Like Linux's copy_page_range, leaves are copied only for VMAs that have
 * an anon_vma identity: shared and untouched-private mappings are refaulted
 * by the child from the page cache, so the child's VmRSS matches Linux's.
 * Private writable leaves are write-protected in both address spaces; a
 * 2 MiB leaf stays one 2 MiB leaf in both.
 */
#include "mmcore/mm_internal.h"

struct fork_ctx {
	struct mm *child;
	struct vma *vma; /* the child's copy of the VMA being copied */
};

static pte_t fork_copy_leaf(void *arg, uint64_t va, pte_t *src, int level,
			    struct page *src_table)
{
	struct fork_ctx *c = arg;
	pte_t e = *src;
	bool huge = level == 2;
	struct page *pg = pfn_to_page(huge ? pte_huge_pfn(e) : pte_pfn(e));

	if (vma_is_private(c->vma) && pte_write(e)) {
		e = pte_wrprotect(e);
		pt_entry_set(src_table, src, e);
	}
	mm_page_map_get(pg);
	mm_rss_account(c->child, c->vma, pg, huge ? HUGE_NR_PAGES : 1, huge);
	return e;
}

/* Copy one VMA and, when it has anonymous pages, its leaves. */
static int fork_copy_vma(struct mm *parent, struct mm *child, struct vma *p)
{
	struct fork_ctx c = { .child = child };
	int err;

	c.vma = mm_vma_dup(p, p->start, p->end, p->pgoff);
	if (!c.vma)
		return -MM_ENOMEM;
	/*
	 * Linux's anon_vma_fork: a new anon_vma, chained to the parent's, only
	 * where it had one. VM_WIPEONFORK gets a clean slate instead: no
	 * anon_vma until the child's first fault, and no leaves (dup_mmap).
	 */
	if (p->anon_id && !(p->flags & VM_WIPEONFORK)) {
		c.vma->anon_id = mm_anon_id_new();
		c.vma->flags |= VM_ANON_CHAINED;
	} else if (p->flags & VM_WIPEONFORK) {
		c.vma->anon_id = 0;
		c.vma->flags &= ~VM_ANON_CHAINED;
	}
	vma_insert(&child->vmas, c.vma);
	child->total_vm += vma_pages(c.vma);
	if (!c.vma->anon_id)
		return 0;
	err = pt_copy_range(child->root_pfn, parent->root_pfn, p->start, p->end,
			    fork_copy_leaf, &c);
	if (vma_is_private(p))
		mm_plat_tlb_flush_range(parent->root_pfn, p->start, p->end);
	return err;
}

int mm_fork(struct mm *parent, struct mm **out)
{
	struct mm *child;
	struct vma *p;
	int err;

	err = mm_create(&child);
	if (err)
		return err;
	child->mmap_base = parent->mmap_base;
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->rlimit_as = parent->rlimit_as;
	child->rlimit_data = parent->rlimit_data;
	child->stats = parent->stats;
	child->owner = NULL;
	for (p = vma_first(&parent->vmas); p; p = vma_next(p)) {
		if (p->flags & VM_DONTFORK)
			continue;
		err = fork_copy_vma(parent, child, p);
		if (err)
			goto destroy_child;
	}
	*out = child;
	mm_after_op(parent);
	mm_after_op(child);
	return 0;

destroy_child:
	/* What was shared stays write-protected in the parent; faults reuse it. */
	mm_destroy(child);
	mm_after_op(parent);
	return err;
}
