/*
 * simulator/explain.c - turns the fault path's steps (fault_explain.h)
 * into sentences for `sim replay --explain LINE`. Figures are printed in
 * hex for addresses and entries, decimal for counts.
 */
#include "explain.h"

#include "mmcore/fault_explain.h"
#include "mmcore/mm.h"

static FILE *explain_out;
static uint64_t explain_faults;

static const char *const access_names[] = {"read", "write", "exec"};
static const char *const result_names[] = {"OK (the access is retried and succeeds)",
					   "SIGSEGV", "SIGBUS", "OOM (the process is killed)"};

static const char *access_name(uint64_t a)
{
	return a < 3 ? access_names[a] : "?";
}

/* "rwx"-style protections of a VMA's flags. */
static const char *vma_prot(uint64_t flags, char buf[4])
{
	buf[0] = (flags & VM_READ) ? 'r' : '-';
	buf[1] = (flags & VM_WRITE) ? 'w' : '-';
	buf[2] = (flags & VM_EXEC) ? 'x' : '-';
	buf[3] = 0;
	return buf;
}

/* Steps that open, refuse or end a fault. */
static bool explain_frame(enum fault_step s, uint64_t a, uint64_t b)
{
	FILE *o = explain_out;
	char p[4];

	switch (s) {
	case FX_BEGIN:
		explain_faults++;
		fprintf(o, "  fault #%llu: %s at 0x%llx\n", (unsigned long long)explain_faults,
			access_name(b), (unsigned long long)a);
		return true;
	case FX_OUTSIDE_USER:
		fprintf(o, "    0x%llx is above the user half: SIGSEGV\n", (unsigned long long)a);
		return true;
	case FX_NO_VMA:
		fprintf(o, "    no VMA covers 0x%llx: SIGSEGV\n", (unsigned long long)a);
		return true;
	case FX_PROT:
		fprintf(o, "    the VMA is %s and forbids a %s: SIGSEGV\n", vma_prot(a, p),
			access_name(b));
		return true;
	case FX_END:
		fprintf(o, "    result: %s\n", a < 4 ? result_names[a] : "?");
		return true;
	case FX_OOM:
		fprintf(o, "    no free frame for the faulting page: OOM\n");
		return true;
	default:
		return false;
	}
}

/* Leaves already present, and the 2 MiB path. */
static bool explain_huge(enum fault_step s, uint64_t a, uint64_t b)
{
	FILE *o = explain_out;
	unsigned long long x = a, y = b;

	switch (s) {
	case FX_LEAF_ALLOWS:
		fprintf(o, "    a present %s leaf (entry 0x%llx) already allows it: stale TLB, "
			"nothing to do\n", b == 2 ? "2 MiB" : "4 KiB", x);
		return true;
	case FX_LEAF_REFUSES:
		fprintf(o, "    a present %s leaf (entry 0x%llx) refuses a non-write access: "
			"SIGSEGV\n", b == 2 ? "2 MiB" : "4 KiB", x);
		return true;
	case FX_PT_EXISTS:
		fprintf(o, "    huge path not tried: the PD entry (0x%llx) is not empty, a page "
			"table hangs below it\n", x);
		return true;
	case FX_THP_FILE:
		fprintf(o, "    huge path refused: file or shared mapping (THP is for private "
			"anonymous memory)\n");
		return true;
	case FX_THP_NOHUGEPAGE:
		fprintf(o, "    huge path refused: MADV_NOHUGEPAGE on the VMA\n");
		return true;
	case FX_THP_NEVER:
		fprintf(o, "    huge path refused: THP policy is `never`\n");
		return true;
	case FX_THP_MADVISE:
		fprintf(o, "    huge path refused: THP policy is `madvise` and the VMA has no "
			"MADV_HUGEPAGE\n");
		return true;
	case FX_THP_OUTSIDE:
		fprintf(o, "    huge path refused: region [0x%llx, 0x%llx) is not inside the VMA "
			"(it crosses 0x%llx)\n", x, x + (2ull << 20), y);
		return true;
	case FX_HUGE_PD_BUSY:
		fprintf(o, "    huge path refused: the PD entry for 0x%llx is not empty\n", x);
		return true;
	case FX_HUGE_NO_BLOCK:
		fprintf(o, "    no free 2 MiB (order-9) block for 0x%llx: falls back to 4 KiB\n", x);
		return true;
	case FX_HUGE_ZERO:
		fprintf(o, "    read: huge zero page mapped read-only at 0x%llx (2 MiB)\n", x);
		return true;
	case FX_HUGE_NEW:
		fprintf(o, "    new 2 MiB page (pfn 0x%llx) mapped at 0x%llx\n", y, x);
		return true;
	default:
		return false;
	}
}

/* 4 KiB anonymous, file and write-protect steps. */
static bool explain_small(enum fault_step s, uint64_t a, uint64_t b)
{
	FILE *o = explain_out;
	unsigned long long x = a, y = b;

	switch (s) {
	case FX_FILE:
		fprintf(o, "    file/shared fault: page %llu of the file, through the page cache\n", x);
		return true;
	case FX_ANON_ZERO:
		fprintf(o, "    read of untouched anonymous memory: zero page mapped read-only\n");
		return true;
	case FX_FA_WINDOW:
		fprintf(o, "    write: fault-around window [0x%llx, 0x%llx), %llu pages\n", x, y,
			(y - x) >> 12);
		return true;
	case FX_FA_CLIP_VMA:
		fprintf(o, "    fault-around stopped at the VMA boundary 0x%llx\n", x);
		return true;
	case FX_FA_CLIP_HUGE:
		fprintf(o, "    fault-around stopped at the 2 MiB boundary 0x%llx\n", x);
		return true;
	case FX_FA_MAPPED:
		fprintf(o, "    %llu new zeroed page(s) mapped (%llu of the window already "
			"present or not allocated)\n", x, y - x);
		return true;
	case FX_WP_SHARED:
		fprintf(o, "    write to a shared mapping: page (pfn 0x%llx) made writable in "
			"place, marked dirty\n", x);
		return true;
	case FX_WP_REUSE:
		fprintf(o, "    CoW reused: refcount of pfn 0x%llx is %llu, made writable in place\n",
			x, y);
		return true;
	case FX_WP_COPY:
		fprintf(o, "    CoW copied: refcount of pfn 0x%llx is %llu, so this space gets a "
			"private copy\n", x, y);
		return true;
	case FX_WP_ZERO:
		fprintf(o, "    write to the zero page: new zeroed page (pfn 0x%llx)\n", x);
		return true;
	case FX_HUGE_WP_ZERO:
		fprintf(o, "    write to the huge zero page: replaced by a new 2 MiB page (pfn "
			"0x%llx) at 0x%llx\n", y, x);
		return true;
	case FX_HUGE_WP_SPLIT:
		fprintf(o, "    2 MiB leaf (head pfn 0x%llx, refcount %llu) is shared or zero: "
			"split into 4 KiB entries here, then a 4 KiB write fault\n", x, y);
		return true;
	case FX_HUGE_WP_REUSE:
		fprintf(o, "    CoW reused: 2 MiB page (head pfn 0x%llx) has refcount %llu, made "
			"writable in place\n", x, y);
		return true;
	default:
		return false;
	}
}

static void explain_step(enum fault_step s, uint64_t a, uint64_t b)
{
	if (!explain_frame(s, a, b) && !explain_huge(s, a, b) && !explain_small(s, a, b))
		fprintf(explain_out, "    step %d (0x%llx, 0x%llx)\n", (int)s,
			(unsigned long long)a, (unsigned long long)b);
}

void explain_begin(FILE *out, const char *path, uint32_t line, const char *text, size_t len)
{
	explain_out = out;
	explain_faults = 0;
	fprintf(out, "%s:%u: %.*s\n", path, line, (int)len, text);
	fault_explain_hook = explain_step;
}

void explain_end(void)
{
	fault_explain_hook = NULL;
	if (explain_out && explain_faults == 0)
		fprintf(explain_out, "  no page fault: the TLB or the page tables already allowed "
			"every access (or the line is not an access)\n");
	if (explain_out)
		fflush(explain_out);
	explain_out = NULL;
}
