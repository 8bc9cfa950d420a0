/*
 * mmcore/vma.c - the VMA tree: a red-black tree keyed by start address,
 * threaded with an in-order list, and augmented with the largest free gap
 * of every subtree (Linux's old rb_subtree_gap) so that top-down placement
 * descends to the highest fitting gap instead of scanning every VMA.
 *
 * The gap below a VMA v is v->start - prev->end, or v->start for the lowest
 * VMA. The gap above the highest VMA is unbounded and is not part of the
 * augmentation: vma_gap_topdown() looks at it first, using t->highest.
 *
 * Augmentation discipline: every operation first changes links and
 * addresses, then recomputes subtree_gap on the root paths of every node
 * whose own gap or set of descendants changed, and only then rebalances;
 * rotations recompute the two nodes they move from their (already correct)
 * children, so the augmentation is correct at every step.
 */
#include "mmcore/vma.h"

enum rb_color { RB_RED = 0, RB_BLACK = 1 };
enum rb_dir { RB_LEFT = 0, RB_RIGHT = 1 };

/* Red-black height is at most 2 * log2(n + 1), so 128 bounds any tree. */
#define RB_MAX_HEIGHT 128

#define vma_of(n) ((struct vma *)((char *)(n) - offsetof(struct vma, node)))

/* ---- the free gap below each VMA --------------------------------------- */

static uint64_t vma_prev_end(const struct vma *v)
{
	return v->node.prev ? vma_of(v->node.prev)->end : 0;
}

static uint64_t vma_gap_below(const struct vma *v)
{
	return v->start - vma_prev_end(v);
}

static uint64_t node_subtree_gap(const struct vma_node *n)
{
	return n ? n->subtree_gap : 0;
}

/* Recompute n's augmentation from its own gap and its children's. */
static void node_gap_update(struct vma_node *n)
{
	uint64_t gap = vma_gap_below(vma_of(n));

	gap = MM_MAX(gap, node_subtree_gap(n->left));
	gap = MM_MAX(gap, node_subtree_gap(n->right));
	n->subtree_gap = gap;
}

/*
 * Recompute every node from n to the root. Always runs to the root: an
 * operation may change two paths, and stopping early on an unchanged value
 * could leave the other path's ancestors stale.
 */
static void node_gap_propagate(struct vma_node *n)
{
	for (; n; n = n->parent)
		node_gap_update(n);
}

/* ---- red-black primitives ---------------------------------------------- */

static bool node_is_red(const struct vma_node *n)
{
	return n && n->color == RB_RED;
}

/* The child slot of n on side dir; lets one body serve both mirror cases. */
static struct vma_node **node_child(struct vma_node *n, int dir)
{
	return dir == RB_LEFT ? &n->left : &n->right;
}

/* Make `new` take old's place under parent (or as the root). */
static void rb_replace_child(struct vma_tree *t, struct vma_node *parent,
			     struct vma_node *old, struct vma_node *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

/*
 * Rotate x down towards dir: its child on the other side takes its place.
 * The set of nodes below the pair is unchanged, so only x and its new
 * parent need their augmentation recomputed (x first: it is now below).
 */
static void rb_rotate(struct vma_tree *t, struct vma_node *x, int dir)
{
	struct vma_node *y = *node_child(x, !dir);
	struct vma_node *inner = *node_child(y, dir);

	*node_child(x, !dir) = inner;
	if (inner)
		inner->parent = x;
	rb_replace_child(t, x->parent, x, y);
	*node_child(y, dir) = x;
	x->parent = y;
	node_gap_update(x);
	node_gap_update(y);
}

/* Restore the red-black rules after z was linked in as a red leaf. */
static void rb_insert_fixup(struct vma_tree *t, struct vma_node *z)
{
	struct vma_node *p, *g, *uncle;
	int dir;

	while ((p = z->parent) && p->color == RB_RED) {
		g = p->parent; /* exists: a red node is never the root */
		dir = (p == g->right) ? RB_RIGHT : RB_LEFT;
		uncle = *node_child(g, !dir);
		if (node_is_red(uncle)) {
			/* Push the blackness down from g and retry two levels up. */
			p->color = RB_BLACK;
			uncle->color = RB_BLACK;
			g->color = RB_RED;
			z = g;
			continue;
		}
		if (z == *node_child(p, !dir)) {
			/* Inner grandchild: make it outer so one rotation at g fixes it. */
			rb_rotate(t, p, dir);
			z = p;
			p = z->parent;
		}
		p->color = RB_BLACK;
		g->color = RB_RED;
		rb_rotate(t, g, !dir);
	}
	t->root->color = RB_BLACK;
}

/*
 * Restore the red-black rules after a black node was unlinked: x (maybe
 * NULL) under x_parent carries one black too few.
 */
static void rb_erase_fixup(struct vma_tree *t, struct vma_node *x,
			   struct vma_node *x_parent)
{
	struct vma_node *w;
	int dir;

	while (x != t->root && !node_is_red(x)) {
		/*
		 * x's sibling is never NULL here: its side holds at least the
		 * black that x's side lost. So the NULL slot identifies x.
		 */
		dir = (x_parent->left == x) ? RB_LEFT : RB_RIGHT;

		w = *node_child(x_parent, !dir);
		if (node_is_red(w)) {
			w->color = RB_BLACK;
			x_parent->color = RB_RED;
			rb_rotate(t, x_parent, dir);
			w = *node_child(x_parent, !dir);
		}
		if (!node_is_red(w->left) && !node_is_red(w->right)) {
			w->color = RB_RED;
			x = x_parent;
			x_parent = x->parent;
			continue;
		}
		if (!node_is_red(*node_child(w, !dir))) {
			(*node_child(w, dir))->color = RB_BLACK;
			w->color = RB_RED;
			rb_rotate(t, w, !dir);
			w = *node_child(x_parent, !dir);
		}
		w->color = x_parent->color;
		x_parent->color = RB_BLACK;
		(*node_child(w, !dir))->color = RB_BLACK;
		rb_rotate(t, x_parent, dir);
		x = t->root;
	}
	if (x)
		x->color = RB_BLACK;
}

static struct vma_node *node_extreme(struct vma_node *n, int dir)
{
	if (!n)
		return NULL;
	while (*node_child(n, dir))
		n = *node_child(n, dir);
	return n;
}

/* ---- lookups ------------------------------------------------------------ */

void vma_tree_init(struct vma_tree *t)
{
	t->root = NULL;
	t->count = 0;
	t->highest = 0;
}

struct vma *vma_find(struct vma_tree *t, uint64_t addr)
{
	struct vma_node *n = t->root, *best = NULL;

	/* Ends grow with starts (no overlap), so the tree is ordered by end too. */
	while (n) {
		if (vma_of(n)->end > addr) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best ? vma_of(best) : NULL;
}

struct vma *vma_lookup(struct vma_tree *t, uint64_t addr)
{
	struct vma *v = vma_find(t, addr);

	return v && v->start <= addr ? v : NULL;
}

struct vma *vma_find_intersection(struct vma_tree *t, uint64_t start, uint64_t end)
{
	struct vma *v;

	if (start >= end)
		return NULL;
	v = vma_find(t, start);
	return v && v->start < end ? v : NULL;
}

struct vma *vma_next(struct vma *v)
{
	return v->node.next ? vma_of(v->node.next) : NULL;
}

struct vma *vma_prev(struct vma *v)
{
	return v->node.prev ? vma_of(v->node.prev) : NULL;
}

struct vma *vma_first(struct vma_tree *t)
{
	struct vma_node *n = node_extreme(t->root, RB_LEFT);

	return n ? vma_of(n) : NULL;
}

struct vma *vma_last(struct vma_tree *t)
{
	struct vma_node *n = node_extreme(t->root, RB_RIGHT);

	return n ? vma_of(n) : NULL;
}

/* ---- insert, remove, adjust --------------------------------------------- */

/* Preconditions shared by insert and adjust: v fits between its neighbours. */
static void vma_assert_fits(const struct vma *v, const struct vma_node *prev,
			    const struct vma_node *next)
{
	MM_ASSERT(v->start < v->end, "vma: empty or inverted range");
	MM_ASSERT(IS_ALIGNED(v->start, PAGE_SIZE) && IS_ALIGNED(v->end, PAGE_SIZE),
		  "vma: range not page aligned");
	MM_ASSERT(!prev || vma_of(prev)->end <= v->start, "vma: overlaps the VMA below");
	MM_ASSERT(!next || v->end <= vma_of(next)->start, "vma: overlaps the VMA above");
}

void vma_insert(struct vma_tree *t, struct vma *v)
{
	struct vma_node **link = &t->root, *parent = NULL;
	struct vma_node *pred = NULL, *succ = NULL, *n = &v->node;

	while (*link) {
		parent = *link;
		if (v->start < vma_of(parent)->start) {
			succ = parent;
			link = &parent->left;
		} else {
			pred = parent;
			link = &parent->right;
		}
	}
	vma_assert_fits(v, pred, succ);

	n->left = n->right = NULL;
	n->parent = parent;
	n->color = RB_RED;
	n->prev = pred;
	n->next = succ;
	if (pred)
		pred->next = n;
	if (succ)
		succ->prev = n;
	*link = n;
	t->count++;
	if (!succ)
		t->highest = v->end;

	/* v's gap is new, and the VMA above lost the part of its gap v took. */
	node_gap_propagate(n);
	if (succ)
		node_gap_propagate(succ);
	rb_insert_fixup(t, n);
}

/*
 * Unlink z from the tree's shape (classic red-black erase with successor
 * splicing), fixing the augmentation before rebalancing. z is already off
 * the neighbour list, so every gap below has its final value.
 */
static void rb_erase(struct vma_tree *t, struct vma_node *z, struct vma_node *succ)
{
	struct vma_node *x, *x_parent, *y;
	int removed_color = z->color;

	if (!z->left || !z->right) {
		x = z->left ? z->left : z->right;
		x_parent = z->parent;
		rb_replace_child(t, z->parent, z, x);
	} else {
		/* Two children: the in-order successor y takes z's place. */
		y = node_extreme(z->right, RB_LEFT);
		removed_color = y->color;
		x = y->right;
		if (y->parent == z) {
			x_parent = y;
		} else {
			x_parent = y->parent;
			rb_replace_child(t, y->parent, y, x);
			y->right = z->right;
			y->right->parent = y;
		}
		rb_replace_child(t, z->parent, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->color = z->color;
	}
	/* x_parent's path covers y's new place; succ's own gap grew. */
	node_gap_propagate(x_parent);
	if (succ)
		node_gap_propagate(succ);
	if (removed_color == RB_BLACK)
		rb_erase_fixup(t, x, x_parent);
}

void vma_remove(struct vma_tree *t, struct vma *v)
{
	struct vma_node *n = &v->node, *pred = n->prev, *succ = n->next;

	MM_ASSERT(t->count > 0, "vma_remove: tree is empty");
	MM_ASSERT(n->parent || t->root == n, "vma_remove: VMA is not in this tree");
	if (pred)
		pred->next = succ;
	if (succ)
		succ->prev = pred;
	rb_erase(t, n, succ);
	t->count--;
	if (!succ)
		t->highest = pred ? vma_of(pred)->end : 0;
	n->left = n->right = n->parent = n->prev = n->next = NULL;
}

void vma_adjust(struct vma_tree *t, struct vma *v)
{
	struct vma_node *n = &v->node;

	vma_assert_fits(v, n->prev, n->next);
	if (!n->next)
		t->highest = v->end;
	/* A new start changes v's own gap, a new end the gap of the VMA above. */
	node_gap_propagate(n);
	if (n->next)
		node_gap_propagate(n->next);
}

/* ---- top-down gap search ----------------------------------------------- */

struct gap_query {
	uint64_t len, align, low, high;
};

/*
 * The highest fitting address inside the free range [gs, ge) clipped to
 * [low, high], in *out; false when the clipped range cannot hold len once
 * its start is aligned.
 */
static bool gap_fit(const struct gap_query *q, uint64_t gs, uint64_t ge, uint64_t *out)
{
	uint64_t lo = MM_MAX(gs, q->low), hi = MM_MIN(ge, q->high), a;

	if (hi < lo || hi - lo < q->len)
		return false;
	a = ALIGN_DOWN(hi - q->len, q->align);
	if (a < lo)
		return false;
	*out = a;
	return true;
}

/*
 * Reverse in-order walk of n's subtree, highest gap first, that skips any
 * subtree whose largest gap is shorter than len or whose gaps all lie
 * outside [low, high]. Returns true with *out at the first fit found,
 * which is the highest one.
 */
static bool gap_search(const struct gap_query *q, struct vma_node *n, uint64_t *out)
{
	while (n && n->subtree_gap >= q->len) {
		struct vma *v = vma_of(n);

		/* Gaps on the right start at v->end or above. */
		if (v->end <= q->high - q->len && gap_search(q, n->right, out))
			return true;
		if (vma_gap_below(v) >= q->len && gap_fit(q, vma_prev_end(v), v->start, out))
			return true;
		/* Gaps on the left end below v->start: too low once it is <= low + len. */
		if (v->start <= q->low + q->len)
			return false;
		n = n->left;
	}
	return false;
}

int vma_gap_topdown(struct vma_tree *t, uint64_t len, uint64_t align,
		    uint64_t low, uint64_t high, uint64_t *out)
{
	struct gap_query q = { .len = len, .align = align, .low = low, .high = high };

	if (len == 0 || align < PAGE_SIZE || (align & (align - 1)))
		return -MM_EINVAL;
	/* Also guarantees high - len and low + len below cannot wrap. */
	if (high < low || high - low < len)
		return -MM_ENOMEM;
	if (gap_fit(&q, t->highest, high, out))
		return 0;
	return gap_search(&q, t->root, out) ? 0 : -MM_ENOMEM;
}

/* ---- objects, split and merge ------------------------------------------- */

struct vma *vma_alloc(void)
{
	struct vma *v = mm_plat_obj_alloc(sizeof(*v));

	if (v)
		__builtin_memset(v, 0, sizeof(*v));
	return v;
}

void vma_free(struct vma *v)
{
	struct vma_node *n;

	if (!v)
		return;
	n = &v->node;
	/* A linked VMA would leave a dangling node behind (a lone root slips by). */
	MM_ASSERT_CHEAP(!n->parent && !n->left && !n->right && !n->prev && !n->next,
			"vma_free: VMA is still in a tree");
	if (v->file && v->file->ops && v->file->ops->put)
		v->file->ops->put(v->file);
	mm_plat_obj_free(v, sizeof(*v));
}

int vma_split(struct vma_tree *t, struct vma *v, uint64_t addr, struct vma **upper)
{
	struct vma *u;

	if (addr <= v->start || addr >= v->end || !IS_ALIGNED(addr, PAGE_SIZE))
		return -MM_EINVAL;
	u = vma_alloc();
	if (!u)
		return -MM_ENOMEM;
	u->start = addr;
	u->end = v->end;
	u->flags = v->flags;
	u->file = v->file;
	u->pgoff = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
	u->anon_id = v->anon_id;
	/* The upper half owns its own reference; vma_free drops it. */
	if (u->file && u->file->ops && u->file->ops->get)
		u->file->ops->get(u->file);

	v->end = addr;
	vma_adjust(t, v);
	vma_insert(t, u);
	if (upper)
		*upper = u;
	return 0;
}

bool vma_can_merge(const struct vma *a, const struct vma *b)
{
	uint64_t a_pages = (a->end - a->start) >> PAGE_SHIFT;

	if (a->end != b->start || a->flags != b->flags || a->file != b->file)
		return false;
	if (a->flags & VM_DONTEXPAND)
		return false;
	if (a->pgoff + a_pages != b->pgoff)
		return false;
	return a->anon_id == b->anon_id || a->anon_id == 0 || b->anon_id == 0;
}

void vma_merge(struct vma_tree *t, struct vma *a, struct vma *b)
{
	uint64_t end = b->end;

	MM_ASSERT(vma_can_merge(a, b), "vma_merge: VMAs may not merge");
	MM_ASSERT(a->node.next == &b->node, "vma_merge: VMAs are not neighbours in t");
	if (!a->anon_id)
		a->anon_id = b->anon_id;
	vma_remove(t, b);
	a->end = end;
	vma_adjust(t, a);
	vma_free(b);
}

/* ---- invariant check ---------------------------------------------------- */

struct vma_check_state {
	struct vma_tree *t;
	struct vma_node *last; /* previous node in order */
	uint64_t visited;
};

/* Check one node against its in-order predecessor and the list. */
static void vma_check_node(struct vma_check_state *st, struct vma_node *n)
{
	struct vma *v = vma_of(n);

	MM_ASSERT(++st->visited <= st->t->count, "vma_check: more nodes than count");
	MM_ASSERT(v->start < v->end, "vma_check: empty VMA");
	MM_ASSERT(IS_ALIGNED(v->start, PAGE_SIZE) && IS_ALIGNED(v->end, PAGE_SIZE),
		  "vma_check: VMA not page aligned");
	MM_ASSERT(n->prev == st->last, "vma_check: prev link disagrees with tree order");
	if (st->last) {
		MM_ASSERT(st->last->next == n, "vma_check: next link disagrees with tree order");
		MM_ASSERT(vma_of(st->last)->end <= v->start, "vma_check: VMAs overlap or unsorted");
	}
	st->last = n;
}

/*
 * Check n's subtree in order; returns its black height. depth bounds the
 * recursion so a corrupted (cyclic) tree panics instead of overflowing.
 */
static int vma_check_subtree(struct vma_check_state *st, struct vma_node *n,
			     struct vma_node *parent, int depth)
{
	int left_bh, right_bh;
	uint64_t gap;

	if (!n)
		return 1;
	MM_ASSERT(depth < RB_MAX_HEIGHT, "vma_check: tree too deep (cycle?)");
	MM_ASSERT(n->parent == parent, "vma_check: bad parent link");
	MM_ASSERT(n->color == RB_RED || n->color == RB_BLACK, "vma_check: bad colour");
	MM_ASSERT(!node_is_red(n) || (!node_is_red(n->left) && !node_is_red(n->right)),
		  "vma_check: red node with a red child");
	left_bh = vma_check_subtree(st, n->left, n, depth + 1);
	vma_check_node(st, n);
	right_bh = vma_check_subtree(st, n->right, n, depth + 1);
	MM_ASSERT(left_bh == right_bh, "vma_check: black heights differ");

	gap = MM_MAX(vma_gap_below(vma_of(n)), node_subtree_gap(n->left));
	gap = MM_MAX(gap, node_subtree_gap(n->right));
	MM_ASSERT(n->subtree_gap == gap, "vma_check: stale subtree_gap");
	return left_bh + (n->color == RB_BLACK);
}

int vma_check(struct vma_tree *t)
{
	struct vma_check_state st = { .t = t, .last = NULL, .visited = 0 };

	MM_ASSERT(!node_is_red(t->root), "vma_check: red root");
	vma_check_subtree(&st, t->root, NULL, 0);
	MM_ASSERT(st.visited == t->count, "vma_check: count disagrees with tree");
	MM_ASSERT(!st.last || !st.last->next, "vma_check: highest VMA has a next link");
	MM_ASSERT(t->highest == (st.last ? vma_of(st.last)->end : 0),
		  "vma_check: highest disagrees with the last VMA");
	return 0;
}
