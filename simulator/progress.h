/*
 * simulator/progress.h - a progress line on stderr for long replays:
 * lines done / total, rate and ETA, redrawn at most 10 times a second,
 * and nothing at all when stderr is not a terminal.
 */
#ifndef SIM_PROGRESS_H
#define SIM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct progress {
	bool on;            /* stderr is a terminal */
	uint64_t total;     /* lines in the file, 0 when unknown (a pipe) */
	uint64_t next_check; /* the clock is read only every so many lines */
	double t0, last;    /* start and last redraw (seconds) */
	const char *label;
};

/*
 * Start a progress line for file f named label. Counts f's lines first
 * when f is a regular file (and rewinds it). Off when stderr is not a
 * terminal or `enable` is false.
 */
void progress_start(struct progress *p, FILE *f, const char *label, bool enable);

/* Lines done so far; redraws when 0.1 s has passed since the last time. */
void progress_tick(struct progress *p, uint64_t done);

/* Erase the line (the summary follows on a clean terminal). */
void progress_end(struct progress *p);

#endif
