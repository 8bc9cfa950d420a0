/* simulator/gen.h - synthetic trace generators for `./sim gen`. */
#ifndef SIM_GEN_H
#define SIM_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum gen_kind { GEN_FAULT_HEAVY, GEN_FORK_HEAVY, GEN_RANDOM };

struct gen_opts {
	enum gen_kind kind;
	uint64_t events;      /* events to write (expectations not counted) */
	uint64_t seed;
	const char *thp;      /* header value, or NULL for the default */
	long faultaround;     /* header value, or -1 for the default */
	uint64_t mem;         /* header value in bytes, or 0 for the default */
	bool touch;           /* fault-heavy: one touch per region instead of one fault per page */
	bool native;          /* random: runnable by `sim replay --native` and `sim diff` */
};

/* Write a valid trace for opts to out. Returns 0, or -1 on a write error. */
int gen_write(FILE *out, const struct gen_opts *opts);

#endif
