/*
 * simulator/explain.h - `sim replay --explain LINE`: while one trace line
 * is replayed, every decision of mmcore's fault path (fault_explain.h) is
 * printed as a sentence: which path the router took and the fact that
 * decided it.
 */
#ifndef SIM_EXPLAIN_H
#define SIM_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Print `FILE:LINE: text` to out and install the fault-path hook, so the
 * faults taken until explain_end() are described on out.
 */
void explain_begin(FILE *out, const char *path, uint32_t line, const char *text, size_t len);

/* Remove the hook; says so when the line took no page fault at all. */
void explain_end(void);

#endif
