/*
 * mmcore/vma.h - virtual memory areas of one address space, in a balanced
 * search tree keyed by start address, augmented with the largest free gap
 * of each subtree so a top-down gap search is O(log n).
 *
 * VMAs never overlap; [start, end) are page aligned.
 */
#ifndef MMCORE_VMA_H
#define MMCORE_VMA_H

#include "mmcore/file.h"

/* vm_flags: the protection bits, then the attributes Linux compares on merge. */
enum vma_flags {
	VM_READ = 1u << 0,
	VM_WRITE = 1u << 1,
	VM_EXEC = 1u << 2,
	VM_SHARED = 1u << 3,
	VM_MAYREAD = 1u << 4,
	VM_MAYWRITE = 1u << 5,
	VM_MAYEXEC = 1u << 6,
	VM_MAYSHARE = 1u << 7,
	VM_GROWSDOWN = 1u << 8,  /* stack */
	VM_DONTFORK = 1u << 9,   /* madvise(DONTFORK) */
	VM_ACCOUNT = 1u << 10,   /* private writable memory charged at mmap */
	VM_NORESERVE = 1u << 11, /* MAP_NORESERVE */
	VM_HUGEPAGE = 1u << 12,  /* madvise(HUGEPAGE) */
	VM_NOHUGEPAGE = 1u << 13,/* madvise(NOHUGEPAGE) */
	VM_LOCKED = 1u << 14,
	VM_DONTEXPAND = 1u << 15,
	VM_BRK = 1u << 16,       /* the heap (for maps output: [heap]) */
	VM_STACK = 1u << 17,     /* the main stack (for maps output: [stack]) */
	VM_WIPEONFORK = 1u << 18,/* madvise(WIPEONFORK): a fork child gets it zero-filled */
};
#define VM_PROT_MASK (VM_READ | VM_WRITE | VM_EXEC)

/*
 * The tree's part of a VMA. Besides the red-black links, every node is on a
 * doubly linked list in address order (Linux's old vm_prev/vm_next): the
 * gap below a VMA is v->start - prev->end, and the augmentation recomputes
 * it on every rotation, so the predecessor must be O(1) to find.
 */
struct vma_node {
	struct vma_node *left, *right, *parent;
	int color;            /* red-black colour */
	uint64_t subtree_gap; /* largest gap below any VMA in this subtree */
	struct vma_node *prev, *next; /* in-order neighbours */
};

struct vma {
	struct vma_node node; /* must stay first */
	uint64_t start, end;
	uint32_t flags;       /* enum vma_flags */
	struct mm_file *file; /* NULL for anonymous memory */
	uint64_t pgoff;       /* file page index of `start` (or start >> 12 for anon) */
	uint64_t anon_id;     /* Linux's anon_vma identity: 0 until the first anon page */
};

struct vma_tree {
	struct vma_node *root;
	uint64_t count;
	uint64_t highest; /* highest VMA end, for the gap above the last VMA */
};

/* Make t an empty tree. */
void vma_tree_init(struct vma_tree *t);

/* First VMA with end > addr (Linux find_vma), or NULL. O(log n). */
struct vma *vma_find(struct vma_tree *t, uint64_t addr);
/* The VMA containing addr, or NULL. O(log n). */
struct vma *vma_lookup(struct vma_tree *t, uint64_t addr);
/* Lowest VMA overlapping [start, end), or NULL (also for start >= end). O(log n). */
struct vma *vma_find_intersection(struct vma_tree *t, uint64_t start, uint64_t end);

/* In-order neighbours, or NULL. O(1). */
struct vma *vma_next(struct vma *v);
struct vma *vma_prev(struct vma *v);
/* Lowest / highest VMA of t, or NULL when t is empty. O(log n). */
struct vma *vma_first(struct vma_tree *t);
struct vma *vma_last(struct vma_tree *t);

/*
 * Insert v: [start, end) non-empty, page aligned, overlapping no VMA of t
 * (MM_ASSERT otherwise: an overlap would corrupt the tree). O(log n).
 */
void vma_insert(struct vma_tree *t, struct vma *v);
/* Unlink v, which must be in t, from t (does not free it). O(log n). */
void vma_remove(struct vma_tree *t, struct vma *v);
/*
 * Tell the tree v->start/v->end changed in place; v must still be non-empty,
 * page aligned and between its neighbours (MM_ASSERT). O(log n).
 */
void vma_adjust(struct vma_tree *t, struct vma *v);

/*
 * Highest address a such that [a, a + len) is free, low <= a,
 * a + len <= high, and a is `align`-aligned (power of two >= 4096).
 * Returns 0 and sets *out, -MM_ENOMEM when no such a exists, or -MM_EINVAL
 * for len 0 or a bad align. O(log n) when align is PAGE_SIZE; with a larger
 * align each gap that is long enough for len but not for len after
 * aligning costs one extra O(log n) descent.
 */
int vma_gap_topdown(struct vma_tree *t, uint64_t len, uint64_t align,
		    uint64_t low, uint64_t high, uint64_t *out);

/*
 * File references: a VMA whose file is non-NULL owns one reference to it.
 * Whoever first sets v->file (mmap) takes that reference with
 * file->ops->get; vma_split takes one for the new upper VMA itself;
 * vma_free drops the VMA's reference with file->ops->put (so vma_merge,
 * which frees the upper VMA, drops that one).
 */

/* A zeroed VMA object (mm_plat_obj_alloc), or NULL on ENOMEM. */
struct vma *vma_alloc(void);
/* Drop v's file reference (if any) and free v, which must not be in a tree. */
void vma_free(struct vma *v);

/*
 * Split v at addr (strictly inside it, page aligned): v keeps [start, addr),
 * a new VMA gets [addr, end) with the same flags, file (plus its own file
 * reference) and anon_id, and pgoff advanced by (addr - start) >> 12; it is
 * inserted and returned in *upper. Returns 0, -MM_ENOMEM (v and the tree
 * unchanged) or -MM_EINVAL when addr is not a page-aligned address strictly
 * inside v.
 */
int vma_split(struct vma_tree *t, struct vma *v, uint64_t addr, struct vma **upper);

/*
 * Linux's merge rule: a (below) and b (above, a->end == b->start) may be
 * one VMA when flags, file and contiguous pgoff agree and their anon_ids
 * are compatible (equal, or one of them 0). VM_DONTEXPAND VMAs never merge
 * (it is one of Linux's VM_SPECIAL flags).
 */
bool vma_can_merge(const struct vma *a, const struct vma *b);

/*
 * Merge b into a (both in t, vma_can_merge(a, b) true): a grows to b->end,
 * takes b's anon_id if it had none, and b is removed and freed.
 */
void vma_merge(struct vma_tree *t, struct vma *a, struct vma *b);

/*
 * Verify order, non-overlap, alignment, non-emptiness, the neighbour list,
 * gap augmentation, red-black balance, count and highest. Returns 0;
 * panics (MM_ASSERT) on the first broken invariant. O(n).
 */
int vma_check(struct vma_tree *t);

#endif
