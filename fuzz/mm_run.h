/*
 * fuzz/mm_run.h - decode a fuzz_mm input into address-space operations, run
 * them through mmcore (simulator platform, software MMU) and check every
 * outcome and every byte read against the reference model (model_mm.h).
 */
#ifndef FUZZ_MM_RUN_H
#define FUZZ_MM_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Run one input. With `trace` non-NULL, also write the operations as a
 * trace (shared/spec/trace-format.md) that ./sim replay can replay, each
 * event with the outcome the model expects. A mismatch aborts with a
 * message naming the operation.
 */
void mm_run(const uint8_t *data, size_t size, FILE *trace);

#endif
