/*
 * kernel/random.h - kernel random bytes (getrandom, AT_RANDOM): a
 * xoshiro256** generator seeded from RDRAND when the CPU has it and from
 * TSC jitter otherwise. Not cryptographic; good enough for stack canaries
 * and hash seeds in a test kernel.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stddef.h>

/* Fill buf with n random bytes. */
void random_bytes(void *buf, size_t n);

#endif
