/*
 * arch/x86_64/gdt.c - the kernel's GDT: null, kernel code/data, user
 * data/code (in the order SYSRET expects), and the TSS whose IST stacks
 * let #DF and NMI run on known-good stacks even after a kernel stack
 * overflow into its guard page.
 */
#include <stdint.h>

#include "kernel/trap.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

#define IST_STACK_SIZE 8192
static uint8_t ist_df_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t ist_nmi_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
static struct tss tss;

static uint64_t gdt[7] = {
	0,
	0x00af9a000000ffffull, /* 0x08 kernel code, 64-bit */
	0x00cf92000000ffffull, /* 0x10 kernel data */
	0x00cff2000000ffffull, /* 0x18 user data (0x1b) */
	0x00affa000000ffffull, /* 0x20 user code, 64-bit (0x23) */
	0, 0,                  /* 0x28 TSS (16 bytes) */
};

static void gdt_set_tss(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;
}

void gdt_set_kernel_stack(uint64_t top) { tss.rsp[0] = top; }

void gdt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = {sizeof(gdt) - 1, (uint64_t)gdt};

	tss.ist[0] = (uint64_t)(ist_df_stack + IST_STACK_SIZE);  /* IST1 */
	tss.ist[1] = (uint64_t)(ist_nmi_stack + IST_STACK_SIZE); /* IST2 */
	tss.iomap_base = sizeof(tss);
	gdt_set_tss();
	__asm__ volatile("lgdt %0" : : "m"(ptr));
	/* Reload CS with a far return, then the data segments and the TSS. */
	__asm__ volatile("pushq $0x08\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl $0x10, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "movw $0x28, %%ax\n\t"
			 "ltr %%ax"
			 : : : "rax", "memory");
}
