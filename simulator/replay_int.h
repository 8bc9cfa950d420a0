/*
 * simulator/replay_int.h - state shared by the replay driver (replay.c)
 * and the event executor (replay_event.c).
 */
#ifndef SIM_REPLAY_INT_H
#define SIM_REPLAY_INT_H

#include "replay.h"
#include "sim_file.h"
#include "sim_proc.h"
#include "trace.h"

struct replay {
	const struct replay_opts *opts;
	struct replay_summary *sum;
	struct trace_parser parser;
	struct sim_procs procs;
	struct sim_file *files[TRACE_FILES_MAX];
	/* header settings */
	uint64_t mem;
	enum mm_thp_policy thp;
	unsigned faultaround;
	/* machine */
	bool started;
	uint64_t baseline_pages; /* frames in use right after mm_init() */
	bool malformed;          /* stop: the current line is malformed */
};

/*
 * Execute one event or expectation. Returns 0; a failed outcome or
 * expectation is reported and counted in r->sum; a record that cannot be
 * executed as written (an unbound name, an existing fork child) sets
 * r->malformed with the message in r->parser.error, before any effect.
 */
void replay_record(struct replay *r, const struct trace_record *rec);

/* Report `FILE:LINE: fmt...` on stderr as a failure (exit 1). */
void replay_fail(struct replay *r, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Frames not free right now. */
uint64_t replay_pages_in_use(void);

/* Tear down process p (exit or kill): its address space and its pid. */
void replay_proc_end(struct replay *r, struct sim_proc *p);

#endif
