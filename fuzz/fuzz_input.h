/*
 * fuzz/fuzz_input.h - reading a fuzzer's input as a stream of small
 * integers. Reading past the end yields zeros and marks the stream done, so
 * every byte string decodes into some finite sequence of operations.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct fuzz_input {
	const uint8_t *data;
	size_t size, pos;
};

static inline void fuzz_input_init(struct fuzz_input *in, const uint8_t *data, size_t size)
{
	in->data = data;
	in->size = size;
	in->pos = 0;
}

/* True once every byte has been consumed. */
static inline int fuzz_input_done(const struct fuzz_input *in)
{
	return in->pos >= in->size;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	return in->pos < in->size ? in->data[in->pos++] : (in->pos++, 0);
}

static inline uint16_t fuzz_u16(struct fuzz_input *in)
{
	uint16_t lo = fuzz_u8(in);
	return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
	uint32_t lo = fuzz_u16(in);
	return lo | (uint32_t)fuzz_u16(in) << 16;
}

/* A value in [0, n) (n > 0) from one byte, or two when n > 256. */
static inline uint32_t fuzz_below(struct fuzz_input *in, uint32_t n)
{
	return (n <= 256 ? fuzz_u8(in) : fuzz_u16(in)) % n;
}

/*
 * Report a disagreement between the code under test and its model and
 * stop: the fuzzer records the input as a crash.
 */
#define FUZZ_FAIL(...)                                                         \
	do {                                                                   \
		fflush(stdout);                                                \
		fprintf(stderr, "\nFUZZ MISMATCH (%s:%d): ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                                  \
		fprintf(stderr, "\n");                                         \
		abort();                                                       \
	} while (0)

#define FUZZ_EXPECT(cond, ...)                                                 \
	do {                                                                   \
		if (!(cond))                                                   \
			FUZZ_FAIL(__VA_ARGS__);                                \
	} while (0)

#endif
