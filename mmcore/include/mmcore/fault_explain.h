/*
 * mmcore/fault_explain.h - an optional tracing callback for the fault path.
 * The router and the leaf handlers report each decision they take (which
 * path, and the fact that decided it) to fault_explain_hook. The hook is
 * NULL unless a debugging tool (`sim replay --explain`) installs one, so
 * the cost in normal runs is one load and a not-taken branch per step.
 */
#ifndef MMCORE_FAULT_EXPLAIN_H
#define MMCORE_FAULT_EXPLAIN_H

#include "platform.h"

/* The decisions; a and b are the step's figures, named per step. */
enum fault_step {
	FX_BEGIN,            /* a = address, b = enum mm_access */
	FX_OUTSIDE_USER,     /* a = address: above the user half -> SIGSEGV */
	FX_NO_VMA,           /* a = address: no VMA covers it -> SIGSEGV */
	FX_PROT,             /* a = VMA flags, b = access: the VMA forbids it -> SIGSEGV */
	FX_LEAF_ALLOWS,      /* a = entry, b = level: already mapped as needed (stale TLB) */
	FX_LEAF_REFUSES,     /* a = entry, b = level: present leaf refuses a non-write -> SIGSEGV */
	FX_PT_EXISTS,        /* a = PD entry: a page table is below it, no 2 MiB try */
	FX_THP_FILE,         /* file or shared mapping: no anonymous THP */
	FX_THP_NOHUGEPAGE,   /* MADV_NOHUGEPAGE on the VMA */
	FX_THP_NEVER,        /* policy `never` */
	FX_THP_MADVISE,      /* policy `madvise` and no MADV_HUGEPAGE on the VMA */
	FX_THP_OUTSIDE,      /* a = 2 MiB region start, b = the VMA boundary it crosses */
	FX_HUGE_PD_BUSY,     /* a = region start: the PD entry is not empty */
	FX_HUGE_ZERO,        /* a = region start: huge zero page mapped (read) */
	FX_HUGE_NO_BLOCK,    /* no free order-9 block -> 4 KiB path */
	FX_HUGE_NEW,         /* a = region start, b = head pfn: new 2 MiB page */
	FX_FILE,             /* a = file page index: through the page cache */
	FX_ANON_ZERO,        /* a = address: read maps the 4 KiB zero page */
	FX_FA_WINDOW,        /* a = window start, b = window end (fault-around) */
	FX_FA_CLIP_VMA,      /* a = VMA boundary that cut the window */
	FX_FA_CLIP_HUGE,     /* a = 2 MiB boundary that cut the window */
	FX_FA_MAPPED,        /* a = pages newly mapped, b = pages of the window */
	FX_WP_SHARED,        /* a = pfn: shared mapping made writable in place */
	FX_WP_REUSE,         /* a = pfn, b = refcount (1): sole owner, made writable */
	FX_WP_COPY,          /* a = pfn, b = refcount: shared, copied */
	FX_WP_ZERO,          /* a = pfn: write to the zero page, new zeroed page */
	FX_HUGE_WP_ZERO,     /* a = region start: huge zero page replaced by a 2 MiB page */
	FX_HUGE_WP_SPLIT,    /* a = head pfn, b = refcount: split, then 4 KiB write fault */
	FX_HUGE_WP_REUSE,    /* a = head pfn: sole owner, 2 MiB leaf made writable */
	FX_OOM,              /* no memory for the faulting page */
	FX_END,              /* a = enum fault_result */
};

/* The installed hook, or NULL (the default): called for every step taken. */
extern void (*fault_explain_hook)(enum fault_step step, uint64_t a, uint64_t b);

#define FAULT_EXPLAIN(step, a, b)                                               \
	do {                                                                    \
		if (fault_explain_hook)                                         \
			fault_explain_hook((step), (uint64_t)(a), (uint64_t)(b)); \
	} while (0)

#endif
