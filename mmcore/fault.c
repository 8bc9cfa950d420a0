/*
 * mmcore/fault.c - mm_fault(): check the access against the VMA, build the
 * fault state, and route it to a leaf handler (see the map in fault.h).
 * The router decides from the page tables themselves, not from the
 * caller's `present` hint, so a stale TLB or a repeated fault is harmless.
 */
#include "mmcore/fault.h"
#include "mmcore/fault_explain.h"

void (*fault_explain_hook)(enum fault_step step, uint64_t a, uint64_t b);

/* Linux's access_error(): what the VMA allows, whatever the tables say. */
static bool fault_access_ok(const struct vma *v, enum mm_access access)
{
	switch (access) {
	case MM_ACCESS_WRITE:
		return (v->flags & VM_WRITE) != 0;
	case MM_ACCESS_EXEC:
		return (v->flags & VM_EXEC) != 0;
	default:
		/* x86 cannot map write- or exec-only pages: any access implies read. */
		return (v->flags & VM_PROT_MASK) != 0;
	}
}

bool fault_thp_allowed(const struct vma *v, uint64_t addr)
{
	uint64_t haddr = addr & HUGE_MASK;

	if (v->file || !vma_is_private(v)) {
		FAULT_EXPLAIN(FX_THP_FILE, 0, 0);
		return false;
	}
	if (v->flags & VM_NOHUGEPAGE) {
		FAULT_EXPLAIN(FX_THP_NOHUGEPAGE, 0, 0);
		return false;
	}
	if (mm_config.thp == MM_THP_NEVER) {
		FAULT_EXPLAIN(FX_THP_NEVER, 0, 0);
		return false;
	}
	if (mm_config.thp == MM_THP_MADVISE && !(v->flags & VM_HUGEPAGE)) {
		FAULT_EXPLAIN(FX_THP_MADVISE, 0, 0);
		return false;
	}
	if (haddr < v->start || haddr + HUGE_SIZE > v->end) {
		FAULT_EXPLAIN(FX_THP_OUTSIDE, haddr, haddr < v->start ? v->start : v->end);
		return false;
	}
	return true;
}

void fault_walk_pte(struct fault *f)
{
	f->pt_table = NULL;
	f->pte = pt_walk(f->mm->root_pfn, f->addr, 1, false, &f->pt_table, NULL);
}

/* A present leaf already allows this access (stale TLB, repeated fault). */
static bool fault_leaf_allows(pte_t e, enum mm_access access)
{
	if (!pte_present(e))
		return false;
	if (access == MM_ACCESS_WRITE)
		return pte_write(e);
	if (access == MM_ACCESS_EXEC)
		return !(e & PTE_NX);
	return true;
}

/* A leaf is there: retry (stale TLB), write-protect fault, or refusal. */
static enum fault_result fault_on_leaf(struct fault *f, pte_t e, bool huge)
{
	if (fault_leaf_allows(e, f->access)) {
		FAULT_EXPLAIN(FX_LEAF_ALLOWS, e, huge ? 2 : 1);
		return FAULT_OK;
	}
	/* Only a write can be refused by a present leaf the VMA allows. */
	if (!f->write || !pte_present(e)) {
		FAULT_EXPLAIN(FX_LEAF_REFUSES, e, huge ? 2 : 1);
		return FAULT_SIGSEGV;
	}
	return huge ? do_huge_wp_page(f) : do_wp_page(f);
}

/*
 * Route a fault whose access the VMA allows. One walk to the PTE answers
 * the common cases; the PD entry is read only when a 2 MiB leaf covers
 * the address.
 */
static enum fault_result fault_route(struct fault *f)
{
	enum fault_result r;
	int err = 0;

	f->pte = pt_walk(f->mm->root_pfn, f->addr, 1, false, &f->pt_table, &err);
	if (f->pte && !pte_none(*f->pte))
		return fault_on_leaf(f, *f->pte, false);
	if (!f->pte && err == -MM_EEXIST) {
		f->pde = pt_walk(f->mm->root_pfn, f->addr, 2, false, &f->pd_table, NULL);
		return fault_on_leaf(f, *f->pde, true);
	}
	/* No page table below the PD entry: a 2 MiB page may fit. */
	if (f->pte && fault_explain_hook)
		FAULT_EXPLAIN(FX_PT_EXISTS, *pt_walk(f->mm->root_pfn, f->addr, 2, false, NULL, NULL), 0);
	if (!f->pte && fault_thp_allowed(f->vma, f->addr)) {
		r = do_huge_anonymous_page(f);
		if (r != FAULT_FALLBACK)
			return r;
	}
	if (f->vma->file)
		return do_file_fault(f);
	return do_anonymous_page(f);
}

/* Count a fault's final result in the address space's statistics. */
static enum fault_result fault_count(struct mm *mm, enum fault_result r)
{
	if (r == FAULT_SIGSEGV)
		mm->stats->sigsegv++;
	else if (r == FAULT_SIGBUS)
		mm->stats->sigbus++;
	else if (r == FAULT_OOM)
		mm->stats->oom++;
	return r;
}

enum fault_result mm_fault(struct mm *mm, uint64_t addr, enum mm_access access,
			   bool present)
{
	struct vma *v;
	enum fault_result r;

	(void)present; /* the tables are the truth; see the file comment */
	mm->stats->faults_total++;
	FAULT_EXPLAIN(FX_BEGIN, addr, access);
	if (addr >= USER_VA_END) {
		FAULT_EXPLAIN(FX_OUTSIDE_USER, addr, 0);
		return fault_count(mm, FAULT_SIGSEGV);
	}
	v = vma_lookup(&mm->vmas, addr);
	if (!v)
		FAULT_EXPLAIN(FX_NO_VMA, addr, 0);
	else if (!fault_access_ok(v, access))
		FAULT_EXPLAIN(FX_PROT, v->flags, access);
	if (!v || !fault_access_ok(v, access))
		return fault_count(mm, FAULT_SIGSEGV);

	struct fault f = {
		.mm = mm,
		.vma = v,
		.addr = addr & PAGE_MASK,
		.access = access,
		.write = access == MM_ACCESS_WRITE,
	};
	r = fault_route(&f);
	mm_after_op(mm);
	FAULT_EXPLAIN(FX_END, r, 0);
	return fault_count(mm, r);
}
