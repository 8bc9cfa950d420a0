/*
 * simulator/native.h - the Linux oracle: replaying a trace for real on the
 * host (`./sim replay --native`), one host process per trace pid.
 *
 * The controller (native.c) parses the trace with the simulator's parser,
 * keeps the names, and sends each event to the worker process of its pid
 * (native_proc.c, native_worker.c); expectations are read from
 * /proc/PID/smaps over the trace's own mappings (native_state.c). Results
 * are reported exactly as `./sim replay` reports them.
 */
#ifndef SIM_NATIVE_H
#define SIM_NATIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "replay.h"

/* argv[1] that makes `sim` a worker (argv[2] is its socket's fd number). */
#define NATIVE_WORKER_ARG "__native-worker"

/*
 * Absolute addresses in [SIM_BRK_START, SIM_BRK_START + NATIVE_HEAP_WINDOW)
 * are relative to the heap: natively they are moved to the host process's
 * own heap start, and every nonzero `brk ADDR` is moved the same way.
 */
#define NATIVE_HEAP_WINDOW (256ull << 20)

/*
 * What the native run writes for `./sim diff`: the trace with every event
 * given the outcome Linux had (`=> OUTCOME`, a read's byte) and every
 * expectation the value Linux had, and with `state`, an `expect vmas/rss/
 * anon_huge` triple after each event for its pid. map[i] is the original
 * line number of output line i + 1.
 */
struct native_annotate {
	FILE *out;
	bool state;
	uint32_t *map;
	size_t n, cap;
	bool not_applicable; /* the run stopped: the trace cannot run natively */
	char reason[200];    /* why, when not_applicable */
};

/*
 * Replay the trace at path ("-" = standard input) natively and fill *sum
 * (the mmcore counters stay zero; faults_total counts the workers' minor
 * faults). Reports failures as `FILE:LINE: ...` on stderr. Returns the
 * exit code of `./sim replay`: 0 held, 1 a failure, 2 malformed,
 * unreadable, or not applicable natively (`mem`, or a range that meets
 * the runner's own mappings). ann may be NULL.
 */
int native_replay_file(const char *path, const struct replay_opts *opts,
		       struct replay_summary *sum, struct native_annotate *ann);

/*
 * Whether the host maps the shared zero page on a read fault of untouched
 * anonymous memory (Linux does; a kernel booted with pvm_no_zero_page=1
 * does not, and then the workers emulate it: see native_worker.c).
 */
bool native_host_zero_page(void);

/*
 * The worker's main loop (`sim __native-worker FD`): serve commands on
 * socket FD until told to exit. Never returns.
 */
int native_worker_main(const char *fdarg) __attribute__((noreturn));

#endif
