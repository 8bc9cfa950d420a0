/*
 * kernel/time.h - the monotonic clock, from the TSC calibrated against the
 * PIT, and the realtime clock (monotonic plus an offset, first from the
 * CMOS RTC). The parameters live in one struct vclock that the vDSO's data
 * page shares (kernel/vclock.h).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

struct vclock;

/* Measure the TSC frequency against 10 ms of PIT channel 2. */
void time_init(void);
/* TSC ticks per millisecond, after time_init(). */
uint64_t time_tsc_khz(void);
/* Nanoseconds since the TSC started counting (machine reset); never decreases. */
uint64_t time_ns(void);
/* The clock's parameters as published (what clock_gettime and the vDSO read). */
const struct vclock *time_vclock(void);
/* Copy the parameters to `to` (the vDSO's data page) and keep them there from now on. */
void time_vclock_move(struct vclock *to);
/* Make CLOCK_REALTIME read ns now (settimeofday, clock_settime). */
void time_realtime_set(uint64_t ns);
/* Store the time zone settimeofday was given; gettimeofday hands it back. */
void time_tz_set(int32_t minuteswest, int32_t dsttime);
/* Wall-clock seconds since the epoch from the CMOS RTC (0 when it reads as nonsense). */
int64_t rtc_read_seconds(void);
/* Busy-wait for ns nanoseconds. */
void time_delay_ns(uint64_t ns);
/*
 * Let PIT channel 2 count for about ms milliseconds (at most 50); returns
 * the TSC ticks elapsed and the PIT ticks (1.193182 MHz) in *pit_ticks.
 */
uint64_t pit_measure_tsc(unsigned ms, uint64_t *pit_ticks);

#endif
