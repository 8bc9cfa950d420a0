/*
 * arch/x86_64/syscall_msr.c - program the SYSCALL instruction: target
 * (LSTAR), segments (STAR, matching the GDT order null, kcode, kdata,
 * udata, ucode) and the RFLAGS bits cleared on entry (FMASK).
 */
#include "kernel/cpu.h"
#include "kernel/syscall.h"

#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define EFER_SCE (1ull << 0)

/* TF, IF, DF, IOPL, NT, AC: the same mask Linux uses. */
#define SYSCALL_FMASK 0x47700ull

extern char syscall_entry[];

void syscall_msr_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL: CS=0x08, SS=0x10. SYSRET: SS=0x10+8|3, CS=0x10+16|3. */
	wrmsr(MSR_STAR, (0x08ull << 32) | (0x10ull << 48));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);
}
