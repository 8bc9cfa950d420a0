/*
 * simulator/replay.h - replaying one trace file through mmcore on a fresh
 * simulated machine, and what the replay found.
 */
#ifndef SIM_REPLAY_H
#define SIM_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "mmcore/mm.h"
#include "sim_mmu.h"
#include "sim_tlb.h"

/* A new process's program break starts here (no ELF image to follow). */
#define SIM_BRK_START 0x01000000ull

struct replay_opts {
	bool check;  /* mm_check() after every event, not only at the end */
	bool quiet;  /* no summary */
	bool json;   /* summary as one JSON object per file */
	/* seeing inside (explain.h, svg.h, progress.h); all off when zero */
	uint32_t explain_line;      /* describe the fault path of this line */
	const char *svg;            /* address-space picture at the end */
	bool svg_every;             /* and one per `expect` (FILE-LINE.svg) */
	bool progress;              /* progress line on stderr (a terminal) */
	struct stats_series *series; /* fault counters sampled over the replay */
};

enum replay_outcome_class { OC_OK, OC_ERRNO, OC_SIGSEGV, OC_SIGBUS, OC_SIGKILL, OC_N };

struct replay_summary {
	const char *path;
	uint64_t lines, events, expects, failures;
	uint64_t outcomes[OC_N];
	uint64_t procs_created, procs_live;   /* live: at the end of the trace */
	uint64_t mem_pages;                   /* RAM of the machine */
	uint64_t peak_pages, final_pages;     /* in use (all frames not free) */
	uint64_t leaked_pages;                /* after the last exit and teardown */
	struct mm_counters counters;
	struct sim_tlb_stats tlb;
	struct sim_mmu_stats mmu;
	double seconds;                       /* wall-clock time of the replay */
	double cpu_seconds;                   /* CPU time of the replay (this process) */
	int exit_code;                        /* 0 held, 1 failed, 2 malformed */
};

/*
 * Replay the trace at path ("-" = standard input) and fill *sum. Reports
 * each failure as `FILE:LINE: ...` on stderr. Returns the exit code: 0
 * when every outcome, expectation and invariant held and nothing leaked,
 * 1 on any failure, 2 when the trace is malformed (nothing after the bad
 * line was replayed) or cannot be read.
 */
int replay_file(const char *path, const struct replay_opts *opts, struct replay_summary *sum);

/* Print *sum as text or JSON on stdout. */
void replay_summary_print(const struct replay_summary *sum, bool json);

#endif
