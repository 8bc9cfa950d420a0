/*
 * vdso/vdso.c - the vDSO's place in every address space.
 *
 * Two kernel-owned files stand behind the mappings: "vvar", one page that
 * holds the published clock (kernel/vclock.h; the clock code moves its
 * parameters there, time_vclock_move), and "vdso", the pages of the
 * linux-vdso.so.1 image embedded by vdso_image.S. Their frames come from
 * the buddy allocator at the first exec and are never freed; each holds
 * one reference owned here (vdso_page_refs tells mm_check_all), and every
 * mapping adds its own through get_page, as for any file.
 *
 * Both are mapped private: user space cannot write to the shared frames.
 * An mprotect that adds write makes the next store copy the page, as a
 * debugger's breakpoint would on Linux; munmap and mremap work as on any
 * file mapping (Linux allows both for the vDSO too).
 */
#include "kernel/vdso.h"

#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "kernel/time.h"
#include "kernel/vclock.h"
#include "kernel/vmtrace.h"
#include "mmcore/buddy.h"
#include "mmcore/mm.h"

#define VDSO_PAGES_MAX 4

extern const char vdso_image_start[], vdso_image_end[];

_Static_assert(sizeof(struct vclock) <= VDSO_VVAR_SIZE, "the clock must fit the data page");

static const struct mm_file_ops vdso_file_ops;
/* Named as Linux names the two mappings (gdb's mm-vmas shows the name too). */
static struct mm_file vvar_file = {.ops = &vdso_file_ops, .name = "[vvar]", .ino = 0};
static struct mm_file vdso_file = {.ops = &vdso_file_ops, .name = "[vdso]", .ino = 0};
static struct page *vvar_frame;
static struct page *vdso_frames[VDSO_PAGES_MAX];
static bool vdso_ready;

static uint64_t vdso_pages(void)
{
	return ((uint64_t)(vdso_image_end - vdso_image_start) + PAGE_SIZE - 1) / PAGE_SIZE;
}

uint64_t vdso_image_size(void) { return vdso_pages() * PAGE_SIZE; }

/* A zeroed frame owned by file f at index idx (its one reference is ours). */
static struct page *vdso_frame_new(struct mm_file *f, uint64_t idx)
{
	struct page *pg = buddy_alloc(0);
	if (!pg)
		return NULL;
	page_ref_init(pg);
	pg->flags |= PG_CACHE;
	pg->cache.file = f;
	pg->cache.index = idx;
	mm_plat_zero_page(page_address(pg));
	return pg;
}

static void vdso_frames_free(void)
{
	for (uint64_t i = 0; i < VDSO_PAGES_MAX; i++)
		if (vdso_frames[i]) {
			page_put(vdso_frames[i]);
			vdso_frames[i] = NULL;
		}
	if (vvar_frame) {
		page_put(vvar_frame);
		vvar_frame = NULL;
	}
}

/* Fill the frames (first exec only); from then on the clock lives in the data page. */
static int vdso_setup(void)
{
	uint64_t n = vdso_pages(), size = (uint64_t)(vdso_image_end - vdso_image_start);
	MM_ASSERT(n && n <= VDSO_PAGES_MAX, "vdso_setup: the image does not fit VDSO_PAGES_MAX");
	vvar_frame = vdso_frame_new(&vvar_file, 0);
	for (uint64_t i = 0; vvar_frame && i < n; i++) {
		vdso_frames[i] = vdso_frame_new(&vdso_file, i);
		if (!vdso_frames[i])
			break;
		uint64_t chunk = size - i * PAGE_SIZE < PAGE_SIZE ? size - i * PAGE_SIZE : PAGE_SIZE;
		memcpy(page_address(vdso_frames[i]), vdso_image_start + i * PAGE_SIZE, chunk);
	}
	if (!vvar_frame || !vdso_frames[n - 1]) {
		vdso_frames_free();
		return -ENOMEM;
	}
	time_vclock_move(page_address(vvar_frame));
	vdso_ready = true;
	return 0;
}

int vdso_map(struct mm *mm, uint64_t *base)
{
	uint64_t len = vdso_image_size(), addr, out;
	int err = vdso_ready ? 0 : vdso_setup();
	if (err)
		return err;
	/* One search for both, so that [vdso] follows [vvar] as on Linux; the vDSO replaces the tail. */
	err = mm_mmap(mm, 0, VDSO_VVAR_SIZE + len, MM_PROT_READ, MM_MAP_PRIVATE, &vvar_file, 0, &addr);
	vmtrace_map_file(mm, 0, VDSO_VVAR_SIZE + len, MM_PROT_READ, MM_MAP_PRIVATE, "vvar",
			 err ? err : (long)addr);
	if (err)
		return -ENOMEM;
	err = mm_mmap(mm, addr + VDSO_VVAR_SIZE, len, MM_PROT_READ | MM_PROT_EXEC,
		      MM_MAP_PRIVATE | MM_MAP_FIXED, &vdso_file, 0, &out);
	vmtrace_map_file(mm, addr + VDSO_VVAR_SIZE, len, MM_PROT_READ | MM_PROT_EXEC,
			 MM_MAP_PRIVATE | MM_MAP_FIXED, "vdso", err ? err : (long)out);
	if (err)
		return -ENOMEM;
	*base = out;
	return 0;
}

const char *vdso_file_name(const struct mm_file *f)
{
	return f->ops == &vdso_file_ops ? f->name : NULL;
}

int32_t vdso_page_refs(const struct page *pg)
{
	const struct mm_file *f = pg->cache.file;
	if (!(pg->flags & PG_CACHE) || (f != &vdso_file && f != &vvar_file))
		return 0;
	return f == &vvar_file ? pg == vvar_frame
			       : pg->cache.index < VDSO_PAGES_MAX && pg == vdso_frames[pg->cache.index];
}

/* ---- mmcore's view of the two files ------------------------------------------ */

static uint64_t vdso_file_size(struct mm_file *f)
{
	return f == &vvar_file ? VDSO_VVAR_SIZE : vdso_image_size();
}

static int vdso_file_get_page(struct mm_file *f, uint64_t index, struct page **out)
{
	struct page *pg;
	if (index >= vdso_file_size(f) / PAGE_SIZE)
		return -MM_EFAULT;
	pg = f == &vvar_file ? vvar_frame : vdso_frames[index];
	page_ref_inc(pg);
	*out = pg;
	return 0;
}

/* The files live as long as the kernel: mappings need no reference on them. */
static void vdso_file_hold(struct mm_file *f) { (void)f; }

static const struct mm_file_ops vdso_file_ops = {
	.size = vdso_file_size,
	.get_page = vdso_file_get_page,
	.set_dirty = NULL,
	.get = vdso_file_hold,
	.put = vdso_file_hold,
};
