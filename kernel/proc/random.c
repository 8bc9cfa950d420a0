/*
 * proc/random.c - random bytes for user space (kernel/random.h):
 * xoshiro256** (Blackman and Vigna's public-domain generator), seeded on
 * first use and stirred with the TSC on every call so that forked
 * children do not repeat each other.
 */
#include "kernel/random.h"

#include <stdint.h>

#include "kernel/cpu.h"

static uint64_t state[4];
static bool seeded;

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t xoshiro_next(void)
{
	uint64_t result = rotl(state[1] * 5, 7) * 9, t = state[1] << 17;
	state[2] ^= state[0];
	state[3] ^= state[1];
	state[1] ^= state[2];
	state[0] ^= state[3];
	state[2] ^= t;
	state[3] = rotl(state[3], 45);
	return result;
}

static bool rdrand64(uint64_t *out)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	if (!(r[2] & (1u << 30)))
		return false;
	unsigned char ok;
	__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
	return ok;
}

/* splitmix64: spreads a weak seed over the whole state. */
static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void random_seed(void)
{
	uint64_t s = rdtsc();
	for (int i = 0; i < 4; i++) {
		uint64_t hw;
		state[i] = splitmix(&s) ^ (rdrand64(&hw) ? hw : rdtsc());
	}
	seeded = true;
}

void random_bytes(void *buf, size_t n)
{
	if (!seeded)
		random_seed();
	state[0] ^= rdtsc();
	uint8_t *p = buf;
	while (n) {
		uint64_t v = xoshiro_next();
		size_t k = n < 8 ? n : 8;
		__builtin_memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}
