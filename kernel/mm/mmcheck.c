/*
 * mm/mmcheck.c - the fortress profile's global mm_check() (kernel/mmcheck.h):
 * when it is due, how it learns of the references the kernel holds, and
 * the scratch memory it counts in.
 *
 * The count table (two int32 per page descriptor, about 1 MiB for 512 MiB
 * of RAM) is taken from the buddy allocator once, at boot right after
 * mm_init (before ktest and user space measure free memory), and kept:
 * the check then allocates nothing, so it runs under memory exhaustion
 * too, and free memory does not move when it runs.
 *
 * References mm_check() cannot find in page tables: the tmpfs page cache
 * (one per cached frame, reported by regfile_cache_refs), the vDSO's own
 * frames (vdso_page_refs) and the shmem
 * objects (counted by mmcore itself). Frames the kernel holds for itself
 * (heap slabs, kernel stacks, pipe rings) are neither PG_ANON nor PG_CACHE
 * and never mapped in a user space, so the check passes over them; the
 * kernel never pins a user frame across an operation, so at the end of a
 * system call every reference is accounted for.
 */
#include "kernel/mmcheck.h"

#include "kernel/panic.h"
#include "kernel/printf.h"
#include "kernel/time.h"
#include "kernel/vdso.h"
#include "mmcore/buddy.h"
#include "mmcore/mm.h"

#if MM_CFG_CHECK_EVERY_OP

/* System calls after which the check always runs: fork, exec. */
#define NR_CLONE 56
#define NR_FORK 57
#define NR_VFORK 58
#define NR_EXECVE 59
#define NR_EXECVEAT 322
#define NR_CLONE3 435

/* Report progress on the console after this many checks. */
#define MMCHECK_REPORT_EVERY 1024

static uint64_t ops_since;   /* mm operations since the last check */
static bool requested;       /* a space was torn down since the last check */
static uint64_t runs, ops_total, ns_total;
static uint64_t last_end_ns, last_len_ns; /* when the last check ended, how long it took */
static int32_t *scratch;     /* mm_check_scratch_count() counts, kept */

void mmcheck_init(void)
{
	uint64_t bytes = mm_check_scratch_count() * sizeof(int32_t);
	unsigned order = 0;
	struct page *pg;

	while ((PAGE_SIZE << order) < bytes)
		if (++order > BUDDY_MAX_ORDER)
			panic("mmcheck: %lu page descriptors need too big a count table",
			      (unsigned long)page_nr);
	pg = buddy_alloc(order);
	if (!pg)
		panic("mmcheck: no memory for the count table");
	scratch = page_address(pg);
}

void mmcheck_count_op(void)
{
	ops_since++;
	ops_total++;
}

void mmcheck_request(void) { requested = true; }

static int32_t kernel_extra_refs(uint64_t pfn, void *ctx)
{
	(void)ctx;
	return regfile_cache_refs(pfn_to_page(pfn)) + vdso_page_refs(pfn_to_page(pfn));
}

/* Run the global check now (a point where no operation is half done). */
static void mmcheck_run(void)
{
	uint64_t t0 = time_ns();

	ops_since = 0;
	requested = false;
	MM_ASSERT(scratch, "mmcheck: a check before mmcheck_init");
	mm_check_all(scratch, kernel_extra_refs, NULL);
	runs++;
	last_end_ns = time_ns();
	last_len_ns = last_end_ns - t0;
	ns_total += last_len_ns;
	if (runs == 1 || runs % MMCHECK_REPORT_EVERY == 0)
		kprintf("mmcheck: %lu global checks passed over %lu mm operations, %lu us each\n",
			runs, ops_total, ns_total / runs / 1000);
}

/*
 * A check due by operation count waits until the kernel has run at least
 * as long outside checks as the last check took, so checking never takes
 * more than about half of the time, however fault-heavy the load (each
 * check walks every page descriptor: milliseconds under emulation).
 */
static bool ops_due(void)
{
	return ops_since >= MMCHECK_EVERY_OPS && time_ns() - last_end_ns >= last_len_ns;
}

void mmcheck_syscall_exit(long nr)
{
	bool event = nr == NR_CLONE || nr == NR_FORK || nr == NR_VFORK || nr == NR_EXECVE ||
		     nr == NR_EXECVEAT || nr == NR_CLONE3;

	if (event || requested || ops_due())
		mmcheck_run();
}

void mmcheck_user_fault(void)
{
	if (requested || ops_due())
		mmcheck_run();
}

uint64_t mmcheck_runs(void) { return runs; }

#else

void mmcheck_init(void) {}
uint64_t mmcheck_runs(void) { return 0; }

#endif
