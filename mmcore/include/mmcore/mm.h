/*
 * mmcore/mm.h - address spaces and the operations on them, with Linux
 * semantics and Linux's errno values (returned negated). Flag and advice
 * numbers are Linux's own, so syscalls pass them straight through.
 *
 * Every operation that fails with -MM_ENOMEM leaves the address space as it
 * was before the call (or, where Linux itself leaves a partial result, in a
 * state that satisfies mm_check()).
 */
#ifndef MMCORE_MM_H
#define MMCORE_MM_H

#include "mmcore/vma.h"
#include "mmcore/pt.h"

/* Linux's values. */
#define MM_PROT_NONE 0x0
#define MM_PROT_READ 0x1
#define MM_PROT_WRITE 0x2
#define MM_PROT_EXEC 0x4

#define MM_MAP_SHARED 0x01
#define MM_MAP_PRIVATE 0x02
#define MM_MAP_SHARED_VALIDATE 0x03
#define MM_MAP_TYPE 0x0f
#define MM_MAP_FIXED 0x10
#define MM_MAP_ANONYMOUS 0x20
#define MM_MAP_GROWSDOWN 0x0100
#define MM_MAP_DENYWRITE 0x0800
#define MM_MAP_EXECUTABLE 0x1000
#define MM_MAP_LOCKED 0x2000
#define MM_MAP_NORESERVE 0x4000
#define MM_MAP_POPULATE 0x8000
#define MM_MAP_NONBLOCK 0x10000
#define MM_MAP_STACK 0x20000
#define MM_MAP_HUGETLB 0x40000
#define MM_MAP_FIXED_NOREPLACE 0x100000
/*
 * Not a Linux flag: the home sets it on a shared file mapping whose file is
 * not open for writing, and the mapping gets no VM_MAYWRITE (so mprotect
 * cannot add PROT_WRITE: EACCES), as Linux's do_mmap. Homes strip it from
 * the flags user space passes.
 */
#define MM_MAP_NOMAYWRITE 0x40000000

#define MM_MADV_NORMAL 0
#define MM_MADV_RANDOM 1
#define MM_MADV_SEQUENTIAL 2
#define MM_MADV_WILLNEED 3
#define MM_MADV_DONTNEED 4
#define MM_MADV_FREE 8
#define MM_MADV_REMOVE 9
#define MM_MADV_DONTFORK 10
#define MM_MADV_DOFORK 11
#define MM_MADV_HUGEPAGE 14
#define MM_MADV_NOHUGEPAGE 15
#define MM_MADV_WIPEONFORK 18
#define MM_MADV_KEEPONFORK 19

#define MM_MREMAP_MAYMOVE 1
#define MM_MREMAP_FIXED 2
#define MM_MREMAP_DONTUNMAP 4

/* Transparent huge page policy (Linux's transparent_hugepage/enabled). */
enum mm_thp_policy { MM_THP_ALWAYS, MM_THP_MADVISE, MM_THP_NEVER };

/* Global policy knobs; the home sets them (trace header, sysfs, cmdline). */
struct mm_config {
	enum mm_thp_policy thp;
	unsigned faultaround;     /* pages an anonymous fault may map; 0 = off */
	bool huge_zero_page;      /* map the huge zero page on THP read faults */
};
extern struct mm_config mm_config;
#define MM_FAULTAROUND_DEFAULT 16

/* Layout of a fresh address space (what Linux picks without randomisation). */
#define MM_MMAP_BASE_DEFAULT 0x00007ffff7fff000ull /* top-down mmap starts below */
#define MM_MMAP_MIN_ADDR 0x10000ull               /* vm.mmap_min_addr */

/* Counters visible to tests and the simulator's summary. */
struct mm_counters {
	uint64_t faults_total;
	uint64_t faults_anon_zero;   /* read fault mapped the zero page */
	uint64_t faults_anon_new;    /* write fault allocated a 4 KiB page */
	uint64_t faults_huge;        /* 2 MiB page mapped by a fault */
	uint64_t faults_huge_zero;   /* huge zero page mapped */
	uint64_t faults_huge_fallback;
	uint64_t faults_file;
	uint64_t faults_wp_reuse;
	uint64_t faults_wp_copy;
	uint64_t faultaround_pages;
	uint64_t huge_splits;
	uint64_t cow_copies;
	uint64_t sigsegv, sigbus, oom;
};

struct mm {
	uint64_t root_pfn;       /* PML4 */
	struct vma_tree vmas;
	uint64_t mmap_base;      /* top-down placement starts below this */
	uint64_t brk_start, brk; /* heap [brk_start, brk) */
	uint64_t rss_anon;       /* resident pages, as Linux's RSS counters */
	uint64_t rss_file;
	uint64_t rss_shmem;
	uint64_t anon_huge;      /* pages mapped by anonymous 2 MiB leaves */
	uint64_t total_vm;       /* pages in all VMAs */
	uint64_t rlimit_as;      /* bytes; ~0 = unlimited */
	uint64_t rlimit_data;
	mm_lock_t lock;
	struct mm_counters *stats; /* where fault counters go (may be shared) */
	void *owner;             /* home's process, for its hooks */
	struct mm *all_next, *all_prev; /* every live address space (mm.c) */
};

/* Counters of all address spaces whose stats pointer was left at default. */
extern struct mm_counters mm_global_counters;

/*
 * One-time set-up after buddy_add_range(): allocates the shared zero
 * page(s). Returns 0 or -MM_ENOMEM.
 */
int mm_init(void);
/* Release what mm_init() took (so a leak check can end at zero). */
void mm_fini(void);

/* A new empty address space. Returns 0 and *out, or -MM_ENOMEM. */
int mm_create(struct mm **out);
/* Tear down every mapping and table and free the address space (exit). */
void mm_destroy(struct mm *mm);

/* mmap(2): returns 0 and *out (the mapped address) or -errno. */
int mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
	    struct mm_file *file, uint64_t offset, uint64_t *out);
int mm_munmap(struct mm *mm, uint64_t addr, uint64_t len);
int mm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, int prot);
int mm_madvise(struct mm *mm, uint64_t addr, uint64_t len, int advice);
/* mremap(2): returns 0 and *out (the new address) or -errno. */
int mm_mremap(struct mm *mm, uint64_t old_addr, uint64_t old_len,
	      uint64_t new_len, int flags, uint64_t new_addr, uint64_t *out);
/* brk(2): *out is the new (or unchanged) break. Always returns 0, as Linux. */
int mm_brk(struct mm *mm, uint64_t addr, uint64_t *out);
/* Set the heap start (exec, after the ELF image). */
void mm_brk_init(struct mm *mm, uint64_t start);
/*
 * The home shrank file f to new_size bytes: unmap its pages past the new
 * end (from the first whole page beyond it) from every address space,
 * private copies included, as Linux's truncate_pagecache. Call it after
 * the file reports the new size and before its cache drops the pages.
 */
void mm_file_truncate(struct mm_file *f, uint64_t new_size);
/* fork(2): a copy-on-write copy. Returns 0 and *child, or -MM_ENOMEM. */
int mm_fork(struct mm *parent, struct mm **child);

/* Access kinds for faults. */
enum mm_access { MM_ACCESS_READ = 0, MM_ACCESS_WRITE = 1, MM_ACCESS_EXEC = 2 };

/* What a fault came to (SerenityOS-style: continue, or what to do instead). */
enum fault_result {
	FAULT_OK = 0,      /* the access can be retried and will succeed */
	FAULT_SIGSEGV,     /* no VMA or the VMA forbids the access */
	FAULT_SIGBUS,      /* past the end of a file mapping */
	FAULT_OOM,         /* no memory: the process must be killed */
};

/*
 * Resolve a user page fault at addr. present is true when the hardware
 * found a present entry (protection fault). Returns FAULT_OK when the
 * translation now allows the access.
 */
enum fault_result mm_fault(struct mm *mm, uint64_t addr, enum mm_access access,
			   bool present);

/*
 * Populate [addr, addr+len) as a sequence of faults of kind `access`
 * (MAP_POPULATE, madvise WILLNEED). Returns FAULT_OK or the first failure.
 */
enum fault_result mm_populate(struct mm *mm, uint64_t addr, uint64_t len,
			      enum mm_access access);

/* Resident set size in bytes, as Linux's VmRSS. */
uint64_t mm_rss_bytes(const struct mm *mm);
/* AnonHugePages in bytes. */
uint64_t mm_anon_huge_bytes(const struct mm *mm);
/* VMAs as Linux counts lines of /proc/PID/maps. */
uint64_t mm_vma_count(const struct mm *mm);

/*
 * Linux's may_expand_vm: whether mm may grow by `pages` pages of memory
 * with VMA flags vmflags: total_vm stays within RLIMIT_AS (mm->rlimit_as)
 * and, for data memory, data_vm within RLIMIT_DATA (mm->rlimit_data). Both
 * limits are in bytes, rounded down to pages, ~0 unlimited.
 */
bool mm_may_expand_vm(struct mm *mm, uint32_t vmflags, uint64_t pages);
/* Data memory as Linux's data_vm counts it: private, writable, not a stack. */
bool mm_vmflags_are_data(uint32_t vmflags);
/* Pages of data memory in mm (Linux's data_vm). */
uint64_t mm_data_vm(struct mm *mm);
/* Pages of [start, end) inside some VMA (what a MAP_FIXED mapping replaces). */
uint64_t mm_pages_mapped_in(struct mm *mm, uint64_t start, uint64_t end);

/*
 * Verify every invariant of this address space (VMA tree, page tables
 * against VMAs, counters). Panics on error.
 */
int mm_check_space(struct mm *mm);

/*
 * Verify global invariants given all live address spaces: buddy lists,
 * every frame's refcount and mapcount against the mappings found in all
 * spaces plus page-cache references the home reports through
 * extra_refs(pfn) (may be NULL). Panics on the first violation.
 */
int mm_check(struct mm **spaces, unsigned n,
	     int32_t (*extra_refs)(uint64_t pfn, void *ctx), void *ctx);

/*
 * mm_check() over every live address space (the mm_all list). scratch is
 * room for mm_check_scratch_count() int32_t counts that the caller keeps
 * (so the check allocates nothing and works when memory is exhausted), or
 * NULL to allocate it here (-MM_ENOMEM when that fails). Panics on the
 * first violation; must run where no operation holds a page temporarily.
 */
int mm_check_all(int32_t *scratch, int32_t (*extra_refs)(uint64_t pfn, void *ctx), void *ctx);
/* How many int32_t counts mm_check_all()'s scratch must hold. */
uint64_t mm_check_scratch_count(void);

#endif
