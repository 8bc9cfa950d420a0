/*
 * syscalls/sys_mm.c - the memory system calls, each a thin layer over
 * mmcore's address-space operations (which already use Linux's flag
 * values and errno numbers): brk, mmap (anonymous, /dev/zero and file
 * mappings through the file's page cache), munmap, mprotect, madvise,
 * mremap, mincore, msync. RLIMIT_AS and RLIMIT_DATA are Linux's
 * may_expand_vm (mm_may_expand_vm): here for mmap and brk, in mmcore for
 * mremap growth and mprotect adding write permission.
 */
#include "kernel/errno.h"
#include "kernel/fdtable.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/vfs.h"
#include "mmcore/mm.h"

#define PAGE 4096ull
#define MAP_SYNC_FLAG 0x80000
#define INT64_MAX_U 0x7fffffffffffffffull

#define PROT_WRITE_BIT 2
#define MAP_GROWSDOWN_FLAG 0x100

static uint64_t page_up(uint64_t x) { return (x + PAGE - 1) & ~(PAGE - 1); }

/*
 * RLIMIT_DATA (Linux 4.7+): a new private writable non-stack mapping
 * counts, a MAP_FIXED one only by what it adds to the pages it replaces
 * (Linux's mmap_region). RLIMIT_AS is mm_mmap's to check.
 */
static bool limit_data_exceeded(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags)
{
	uint64_t bytes = page_up(len), pages = bytes / PAGE, max = mm->rlimit_data / PAGE;
	if (mm->rlimit_data == ~0ull || !(prot & PROT_WRITE_BIT) ||
	    (flags & MM_MAP_TYPE) != MM_MAP_PRIVATE || (flags & MAP_GROWSDOWN_FLAG))
		return false;
	if ((flags & MM_MAP_FIXED) && !(addr & (PAGE - 1)) && addr + bytes > addr)
		pages -= mm_pages_mapped_in(mm, addr, addr + bytes);
	return pages > max || mm_data_vm(mm) > max - pages;
}

SYSCALL_DEFINE(12, brk)
{
	struct mm *mm = current->mm;
	uint64_t out;
	/*
	 * Growth is data memory: past RLIMIT_AS, or RLIMIT_DATA counting all
	 * private writable memory (Linux's do_brk_flags), the break stays
	 * where it is. mm_brk checks the heap's own span against RLIMIT_DATA.
	 */
	if (a0 > mm->brk && page_up(a0) >= page_up(mm->brk) &&
	    !mm_may_expand_vm(mm, VM_READ | VM_WRITE, (page_up(a0) - page_up(mm->brk)) / PAGE))
		return (long)mm->brk;
	mm_brk(mm, a0, &out);
	return (long)out;
}

/* The mm_file behind fd for mmap, or an error; *anon when the file maps as anonymous memory. */
static long mmap_file(int fd, int prot, int flags, struct file **fout, struct mm_file **mfout,
		      bool *anon)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	*fout = f;
	if (file_maps_anonymous(f)) {
		*anon = true;
		return 0;
	}
	int err = file_mmap_check(f, prot, flags);
	if (err)
		return err;
	/* MAP_SHARED_VALIDATE refuses MAP_SYNC: no file of ours is DAX. */
	if ((flags & MM_MAP_TYPE) == MM_MAP_SHARED_VALIDATE && (flags & MAP_SYNC_FLAG))
		return -EOPNOTSUPP;
	*mfout = file_mm_file(f);
	return *mfout ? 0 : -ENODEV;
}

SYSCALL_DEFINE(9, mmap)
{
	uint64_t addr = a0, len = a1, off = a5, out;
	int prot = (int)a2, flags = (int)a3 & ~MM_MAP_NOMAYWRITE, fd = (int)a4;
	struct file *f = NULL;
	struct mm_file *mf = NULL;
	bool anon = (flags & MM_MAP_ANONYMOUS) != 0;
	if (off & (PAGE - 1))
		return -EINVAL;
	if (!anon) {
		long err = mmap_file(fd, prot, flags, &f, &mf, &anon);
		if (err) {
			if (f)
				file_put(f);
			return err;
		}
		/* file_mmap_ok(): a regular file's mapping must end below MAX_LFS_FILESIZE. */
		if (!anon && f->inode && S_ISREG(f->inode->mode) &&
		    (off > INT64_MAX_U || len > INT64_MAX_U - off)) {
			file_put(f);
			return -EOVERFLOW;
		}
		/* do_mmap: a shared mapping of a file not open for writing never gets VM_MAYWRITE. */
		if (!anon && !file_writable(f))
			flags |= MM_MAP_NOMAYWRITE;
		if (anon) {
			/* /dev/zero: private maps are plain anonymous memory, shared ones shmem. */
			flags |= MM_MAP_ANONYMOUS;
			off = 0;
		}
	}
	if (limit_data_exceeded(current->mm, addr, len, prot, flags)) {
		if (f)
			file_put(f);
		return -ENOMEM;
	}
	int err = mm_mmap(current->mm, addr, len, prot, flags, mf, off, &out);
	if (f)
		file_put(f);
	if (err)
		return err;
	if (flags & MM_MAP_POPULATE)
		mm_populate(current->mm, out, len, (prot & MM_PROT_WRITE) ? MM_ACCESS_WRITE
									  : MM_ACCESS_READ);
	return (long)out;
}

SYSCALL_DEFINE(11, munmap) { return mm_munmap(current->mm, a0, a1); }

SYSCALL_DEFINE(10, mprotect) { return mm_mprotect(current->mm, a0, a1, (int)a2); }

SYSCALL_DEFINE(28, madvise) { return mm_madvise(current->mm, a0, a1, (int)a2); }

/* Growth past RLIMIT_AS or RLIMIT_DATA is mm_mremap's to refuse, at Linux's point. */
SYSCALL_DEFINE(25, mremap)
{
	uint64_t out;
	int err = mm_mremap(current->mm, a0, a1, a2, (int)a3, a4, &out);
	return err ? err : (long)out;
}

/* Every page of [start, end) lies in some VMA. */
static bool range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	while (start < end) {
		struct vma *v = vma_lookup(&mm->vmas, start);
		if (!v)
			return false;
		start = v->end;
	}
	return true;
}

/* [addr, addr+len) page aligned start, rounded-up end without overflow: 0 or -EINVAL/-ENOMEM. */
static int range_check(uint64_t addr, uint64_t len, uint64_t *end)
{
	if (addr & (PAGE - 1))
		return -EINVAL;
	uint64_t rl = (len + PAGE - 1) & ~(PAGE - 1);
	if (rl < len || addr + rl < addr || addr + rl > USER_VA_END)
		return -ENOMEM;
	*end = addr + rl;
	return 0;
}

SYSCALL_DEFINE(27, mincore)
{
	uint64_t addr = a0, end;
	int err = range_check(addr, a1, &end);
	if (err)
		return err;
	struct mm *mm = current->mm;
	if (!range_mapped(mm, addr, end))
		return -ENOMEM;
	uint8_t buf[256];
	uint64_t out = a2;
	for (uint64_t va = addr; va < end;) {
		unsigned n = 0;
		for (; n < sizeof(buf) && va < end; n++, va += PAGE) {
			struct pt_lookup lk;
			buf[n] = pt_lookup(mm->root_pfn, va, &lk) == 0;
		}
		if (copy_to_user(out, buf, n))
			return -EFAULT;
		out += n;
	}
	return 0;
}

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* File pages live only in the page cache (there is no disk): syncing is a range check. */
SYSCALL_DEFINE(26, msync)
{
	uint64_t end;
	int flags = (int)a2;
	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	int err = range_check(a0, a1, &end);
	if (err)
		return err;
	return range_mapped(current->mm, a0, end) ? 0 : -ENOMEM;
}
