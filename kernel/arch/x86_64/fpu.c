/*
 * arch/x86_64/fpu.c - the user's x87/SSE state. The kernel itself is built
 * without SSE, so user registers stay live while the kernel runs and are
 * saved (FXSAVE) and restored (FXRSTOR) only when the scheduler switches
 * tasks and around signal handlers. CR4.OSXSAVE stays off, so user code
 * sees no AVX and FXSAVE's 512 bytes hold all of its state.
 */
#include "kernel/fpu.h"

#include "kernel/cpu.h"

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)

static struct fpu_state fpu_initial;

void fpu_init(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	uint32_t mxcsr = 0x1f80; /* all exceptions masked, round to nearest */
	__asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
	fpu_save(&fpu_initial);
}

void fpu_save(struct fpu_state *st) { __asm__ volatile("fxsave64 %0" : "=m"(*st)); }

void fpu_restore(const struct fpu_state *st) { __asm__ volatile("fxrstor64 %0" : : "m"(*st)); }

void fpu_reset(struct fpu_state *st) { *st = fpu_initial; }

/* MXCSR sits at byte 24 of the FXSAVE image, the CPU's MXCSR_MASK at byte 28. */
void fpu_sanitize(struct fpu_state *st)
{
	uint32_t mask, mxcsr;
	__builtin_memcpy(&mask, fpu_initial.bytes + 28, 4);
	if (!mask)
		mask = 0xffbf; /* the architectural default when the CPU reports none */
	__builtin_memcpy(&mxcsr, st->bytes + 24, 4);
	mxcsr &= mask;
	__builtin_memcpy(st->bytes + 24, &mxcsr, 4);
}
