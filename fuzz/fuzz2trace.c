/*
 * fuzz/fuzz2trace.c - turn a fuzz_mm input into a trace that ./sim replay
 * understands: `fuzz2trace INPUT > crash.trace`. The input is run exactly
 * as fuzz_mm runs it (so a mismatch still stops with its message, after
 * the trace up to that point has been written); every event carries the
 * outcome the model expects. Operations the trace language cannot express
 * (failure injection, policy changes between events) appear as comments.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mm_run.h"

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	size_t n;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FUZZ_MM_INPUT > FILE.trace\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	printf("# fuzz_mm input %s (%zu bytes)\n", argv[1], n);
	mm_run(buf, n, stdout);
	return 0;
}
