/*
 * mmcore/mm_mmap.c - mmap(2): argument checks in Linux's order, placement
 * (hint, else top-down below mmap_base, 2 MiB aligned for large anonymous
 * mappings), the new VMA and its merge with neighbours, MAP_POPULATE.
 */
#include "mmcore/mm_internal.h"

int mm_get_unmapped_area(struct mm *mm, uint64_t hint, uint64_t len, bool thp_align,
			 uint64_t *out)
{
	if (len > USER_VA_END - MM_MMAP_MIN_ADDR)
		return -MM_ENOMEM;
	if (hint) {
		/* round_hint_to_min(): down to a page, up to mmap_min_addr. */
		hint = ALIGN_DOWN(hint, PAGE_SIZE);
		if (hint < MM_MMAP_MIN_ADDR)
			hint = MM_MMAP_MIN_ADDR;
		if (hint <= USER_VA_END - len &&
		    !vma_find_intersection(&mm->vmas, hint, hint + len)) {
			*out = hint;
			return 0;
		}
	}
	/* Linux's thp_get_unmapped_area: every 2 MiB region inside may go huge. */
	if (thp_align && len >= HUGE_SIZE &&
	    vma_gap_topdown(&mm->vmas, len, HUGE_SIZE, MM_MMAP_MIN_ADDR, mm->mmap_base,
			    out) == 0)
		return 0;
	return vma_gap_topdown(&mm->vmas, len, PAGE_SIZE, MM_MMAP_MIN_ADDR, mm->mmap_base,
			       out);
}

/* vm_flags of a new mapping, as Linux's do_mmap computes them. */
static uint32_t mmap_vm_flags(int prot, int flags)
{
	uint32_t vmf = mm_prot_to_vmflags(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if ((flags & MM_MAP_TYPE) != MM_MAP_PRIVATE) {
		vmf |= VM_SHARED | VM_MAYSHARE;
		if (flags & MM_MAP_NOMAYWRITE)
			vmf &= ~VM_MAYWRITE;
	}
	if (flags & MM_MAP_NORESERVE)
		vmf |= VM_NORESERVE;
	/* accountable_mapping(): private writable memory without NORESERVE. */
	if ((vmf & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE)
		vmf |= VM_ACCOUNT;
	return vmf;
}

/* The checks do_mmap makes before it looks for room. Returns 0 or -errno. */
static int mmap_check_args(uint64_t addr, uint64_t len, int flags,
			   struct mm_file *file, uint64_t offset)
{
	int type = flags & MM_MAP_TYPE;

	if (offset & ~PAGE_MASK)
		return -MM_EINVAL;
	if (!(flags & MM_MAP_ANONYMOUS) && !file)
		return -MM_EBADF;
	if (len == 0)
		return -MM_EINVAL;
	if (type != MM_MAP_SHARED && type != MM_MAP_PRIVATE && type != MM_MAP_SHARED_VALIDATE)
		return -MM_EINVAL;
	if (len > USER_VA_END)
		return -MM_ENOMEM;
	if (!(flags & MM_MAP_ANONYMOUS) &&
	    (offset >> PAGE_SHIFT) + (ALIGN_UP(len, PAGE_SIZE) >> PAGE_SHIFT) <
		    (offset >> PAGE_SHIFT))
		return -MM_EOVERFLOW;
	if (flags & (MM_MAP_FIXED | MM_MAP_FIXED_NOREPLACE)) {
		if (addr & ~PAGE_MASK)
			return -MM_EINVAL;
		if (addr > USER_VA_END - ALIGN_UP(len, PAGE_SIZE))
			return -MM_ENOMEM;
		if (addr < MM_MMAP_MIN_ADDR)
			return -MM_EPERM;
	}
	return 0;
}

/* Where the mapping goes. Returns 0 and *start, or -errno. */
static int mmap_place(struct mm *mm, uint64_t addr, uint64_t len, int flags,
		      uint64_t *start)
{
	bool anon_private = (flags & MM_MAP_ANONYMOUS) &&
			    (flags & MM_MAP_TYPE) == MM_MAP_PRIVATE;

	if (flags & MM_MAP_FIXED_NOREPLACE) {
		if (vma_find_intersection(&mm->vmas, addr, addr + len))
			return -MM_EEXIST;
		*start = addr;
		return 0;
	}
	if (flags & MM_MAP_FIXED) {
		*start = addr;
		return 0;
	}
	return mm_get_unmapped_area(mm, addr, len, anon_private, start);
}

/*
 * The object behind the mapping: the caller's file (one more reference),
 * a fresh shmem object for shared anonymous memory, or none.
 */
static int mmap_backing(int flags, uint64_t len, struct mm_file *file,
			struct mm_file **out)
{
	*out = NULL;
	if (flags & MM_MAP_ANONYMOUS) {
		if ((flags & MM_MAP_TYPE) == MM_MAP_PRIVATE)
			return 0;
		return mm_shmem_create(len, out);
	}
	if (file->ops->get)
		file->ops->get(file);
	*out = file;
	return 0;
}

/* Linux's populate rule: private writable memory is written, the rest read. */
static void mmap_populate(struct mm *mm, uint64_t start, uint64_t len, uint32_t vmf)
{
	enum mm_access access = MM_ACCESS_READ;

	if (!(vmf & (VM_PROT_MASK)))
		return;
	if ((vmf & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		access = MM_ACCESS_WRITE;
	/* As in Linux, a failed populate does not fail the mmap. */
	(void)mm_populate(mm, start, len, access);
}

int mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
	    struct mm_file *file, uint64_t offset, uint64_t *out)
{
	struct mm_file *backing;
	struct vma *v;
	uint64_t start;
	uint32_t vmf;
	int err;

	err = mmap_check_args(addr, len, flags, file, offset);
	if (err)
		return err;
	len = ALIGN_UP(len, PAGE_SIZE);
	/* RLIMIT_AS; MAP_FIXED counts only its growth over what it replaces (mmap_region). */
	if (mm->rlimit_as != ~0ull &&
	    !mm_may_expand_vm(mm, 0, (len >> PAGE_SHIFT) - ((flags & MM_MAP_FIXED) ?
				      mm_pages_mapped_in(mm, addr, addr + len) : 0)))
		return -MM_ENOMEM;
	err = mmap_place(mm, addr, len, flags, &start);
	if (err)
		return err;
	vmf = mmap_vm_flags(prot, flags);

	v = vma_alloc();
	if (!v)
		return -MM_ENOMEM;
	err = mmap_backing(flags, len, file, &backing);
	if (err)
		goto free_vma;
	v->start = start;
	v->end = start + len;
	v->flags = vmf;
	v->file = backing;
	if (!backing)
		v->pgoff = start >> PAGE_SHIFT;
	else if (!(flags & MM_MAP_ANONYMOUS))
		v->pgoff = offset >> PAGE_SHIFT;
	if (flags & MM_MAP_FIXED) {
		err = mm_unmap_range(mm, start, start + len);
		if (err)
			goto free_vma;
	}
	mm_vma_add(mm, v);
	if (flags & MM_MAP_POPULATE)
		mmap_populate(mm, start, len, vmf);
	*out = start;
	mm_after_op(mm);
	return 0;

free_vma:
	vma_free(v); /* drops the backing reference, if any was taken */
	return err;
}

/* True when the leaf at addr already allows the access. */
static bool populate_present(struct mm *mm, uint64_t addr, enum mm_access access)
{
	struct pt_lookup l;

	if (pt_lookup(mm->root_pfn, addr, &l) != 0)
		return false;
	return access != MM_ACCESS_WRITE || pte_write(l.entry);
}

enum fault_result mm_populate(struct mm *mm, uint64_t addr, uint64_t len,
			      enum mm_access access)
{
	uint64_t end;

	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	if (len > USER_VA_END || addr >= USER_VA_END)
		return FAULT_SIGSEGV;
	end = MM_MIN(ALIGN_UP(addr + len, PAGE_SIZE), USER_VA_END);
	for (; addr < end; addr += PAGE_SIZE) {
		enum fault_result r;

		if (populate_present(mm, addr, access))
			continue;
		r = mm_fault(mm, addr, access, false);
		if (r != FAULT_OK)
			return r;
	}
	return FAULT_OK;
}
