/* kernel/time.h - the monotonic clock, from the TSC calibrated against the PIT. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

/* Measure the TSC frequency against 10 ms of PIT channel 2. */
void time_init(void);
/* TSC ticks per millisecond, after time_init(). */
uint64_t time_tsc_khz(void);
/* Nanoseconds since the TSC started counting (machine reset); never decreases. */
uint64_t time_ns(void);
/* Busy-wait for ns nanoseconds. */
void time_delay_ns(uint64_t ns);
/*
 * Let PIT channel 2 count for about ms milliseconds (at most 50); returns
 * the TSC ticks elapsed and the PIT ticks (1.193182 MHz) in *pit_ticks.
 */
uint64_t pit_measure_tsc(unsigned ms, uint64_t *pit_ticks);

#endif
