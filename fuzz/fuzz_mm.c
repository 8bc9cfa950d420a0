/*
 * fuzz/fuzz_mm.c - libFuzzer entry for the address-space operations and
 * the fault path against the reference model (the engine is mm_run.c).
 * With FUZZ_MM_TRACE=1 in the environment the operations are also printed
 * as a trace on stdout, as fuzz2trace does.
 */
#include <stdlib.h>

#include "mm_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int trace = -1;

	if (trace < 0)
		trace = getenv("FUZZ_MM_TRACE") != NULL;
	mm_run(data, size, trace ? stdout : NULL);
	return 0;
}
