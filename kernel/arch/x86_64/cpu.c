/*
 * arch/x86_64/cpu.c - CPU feature detection and the protection bits the
 * safety profile asks for: NX (EFER.NXE, already on from boot.S), WP,
 * global pages, SMEP and SMAP (not in ludicrous: design.md).
 */
#include "kernel/cpu.h"

#ifndef KCFG_SMAP
#define KCFG_SMAP 1
#endif
#ifndef KCFG_SMEP
#define KCFG_SMEP 1
#endif

struct cpu_features cpu_features;

static void cpu_detect(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	cpuid(1, 0, r);
	cpu_features.pge = (r[3] >> 13) & 1;
	if (max_leaf >= 7) {
		cpuid(7, 0, r);
		cpu_features.smep = (r[1] >> 7) & 1;
		cpu_features.erms = (r[1] >> 9) & 1;
		cpu_features.smap = (r[1] >> 20) & 1;
	}
	cpuid(0x80000000u, 0, r);
	uint32_t max_ext = r[0];
	if (max_ext >= 0x80000001u) {
		cpuid(0x80000001u, 0, r);
		cpu_features.nx = (r[3] >> 20) & 1;
		cpu_features.pdpe1gb = (r[3] >> 26) & 1;
	}
	if (max_ext >= 0x80000007u) {
		cpuid(0x80000007u, 0, r);
		cpu_features.invariant_tsc = (r[3] >> 8) & 1;
	}
}

void cpu_init(void)
{
	cpu_detect();
	write_cr0(read_cr0() | CR0_WP);
	uint64_t cr4 = read_cr4();
	if (cpu_features.pge)
		cr4 |= CR4_PGE;
	if (cpu_features.smep && KCFG_SMEP) {
		cr4 |= CR4_SMEP;
		cpu_features.smep_on = true;
	}
	if (cpu_features.smap && KCFG_SMAP) {
		cr4 |= CR4_SMAP;
		cpu_features.smap_on = true;
	}
	write_cr4(cr4);
}

void cpu_halt_forever(void)
{
	for (;;) {
		cpu_irq_disable();
		cpu_halt();
	}
}
