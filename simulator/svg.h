/*
 * simulator/svg.h - pictures of the simulator's state as standalone SVG
 * (viewBox, vector text, no scripts): every process's address space
 * (`replay --svg`) and faults per kind over a replay (`stats --svg`).
 */
#ifndef SIM_SVG_H
#define SIM_SVG_H

#include <stdint.h>

#include "mmcore/mm.h"
#include "sim_proc.h"

/*
 * Draw every live process of procs: one row per process, VMAs as bars on
 * a broken address axis (each gap is drawn at a fixed width), labelled
 * with range, protections and size; inside the bars, 4 KiB resident
 * pages, 2 MiB leaves, CoW-shared pages and zero pages in colours; and
 * the page-table pages per level. Returns 0, or -1 when path cannot be
 * written (errno set).
 */
int svg_write_spaces(const char *path, struct sim_procs *procs, const char *title);

/* Fault counters sampled along a replay, for `sim stats --svg`. */
#define SERIES_MAX 1024
#define SERIES_KINDS 8
struct stats_series {
	uint64_t every;                  /* events between samples (doubles when full) */
	uint64_t events;                 /* events seen */
	uint32_t n;                      /* samples taken */
	uint64_t at[SERIES_MAX];         /* event number of each sample */
	uint64_t v[SERIES_MAX][SERIES_KINDS]; /* cumulative counters */
};

/* Names of the series' kinds, in column order. */
extern const char *const series_kind_names[SERIES_KINDS];

/* Count one event; sample the counters c when a sampling point is reached. */
void series_event(struct stats_series *s, const struct mm_counters *c);

/*
 * Draw faults per kind per sampling interval against events as a line
 * chart. Returns 0, or -1 when path cannot be written.
 */
int svg_write_series(const char *path, const struct stats_series *s, const char *title);

/*
 * `sim stats --svg OUT.svg FILE`: replay FILE quietly, sampling the fault
 * counters, and draw them. Returns the replay's exit status, or 2 on a
 * usage error or when OUT.svg cannot be written.
 */
int svg_stats_main(int argc, char **argv);

#endif
