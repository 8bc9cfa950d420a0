/*
 * kernel/cpu.h - thin wrappers over x86-64 instructions the kernel needs:
 * port I/O, control registers, MSRs, CPUID, TSC, interrupt flag.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define CR0_WP (1ull << 16)
#define CR4_PGE (1ull << 7)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1ull << 11)
#define MSR_APIC_BASE 0x1bu
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_AC (1ull << 18)

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define CPU_READ_CR(n)                                                         \
	static inline uint64_t read_cr##n(void)                                \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));              \
		return v;                                                      \
	}                                                                      \
	static inline void write_cr##n(uint64_t v)                             \
	{                                                                      \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");     \
	}
CPU_READ_CR(0)
CPU_READ_CR(3)
CPU_READ_CR(4)
#undef CPU_READ_CR

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void cpu_irq_enable(void) { __asm__ volatile("sti" : : : "memory"); }
static inline void cpu_irq_disable(void) { __asm__ volatile("cli" : : : "memory"); }
static inline void cpu_halt(void) { __asm__ volatile("hlt" : : : "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" : : : "memory"); }
static inline uint64_t cpu_flags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}
/* CPU features found at boot (cpu.c). */
struct cpu_features {
	bool nx, smep, smap, erms, pge, pdpe1gb, invariant_tsc;
	bool smep_on, smap_on; /* enabled by the profile */
};
extern struct cpu_features cpu_features;

/* Detect features and enable NX, WP, PGE, SMEP/SMAP as the profile asks. */
void cpu_init(void);

/*
 * SMAP: open (stac) and close (clac) a window in which the kernel may touch
 * user pages. The instructions exist only on CPUs with SMAP.
 */
static inline void cpu_user_access_begin(void)
{
	if (cpu_features.smap_on)
		__asm__ volatile(".byte 0x0f,0x01,0xcb" : : : "memory");
}
static inline void cpu_user_access_end(void)
{
	if (cpu_features.smap_on)
		__asm__ volatile(".byte 0x0f,0x01,0xca" : : : "memory");
}

/* Stop this CPU for good, interrupts off. */
__attribute__((noreturn)) void cpu_halt_forever(void);

#endif
