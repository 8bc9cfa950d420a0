/*
 * arch/x86_64/boot.S - from the PVH entry to C.
 *
 * QEMU (-kernel with an ELF carrying XEN_ELFNOTE_PHYS32_ENTRY) jumps to
 * pvh_start in 32-bit protected mode, paging off, with the physical
 * address of struct hvm_start_info in %ebx and no usable stack; a
 * Multiboot2 loader (GRUB) enters at mb2_start in the same state with the
 * boot information's address in %ebx and its magic in %eax. We zero
 * .bss, build throw-away page tables that map the first 4 GiB three times
 * (identity for the switch, the direct map at DIRECT_MAP_BASE, and the
 * image window at -2 GiB), enter long mode and call kmain(start_info_pa);
 * after a Multiboot2 entry, boot_multiboot2_to_pvh() first turns the
 * Multiboot2 information into a PVH start_info.
 * kmain replaces these tables with ones built by mmcore's pt.
 */
#include "kernel/layout.h"

#define PA(x) ((x) - KERNEL_VMA)
#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80
#define EARLY_PDS 4 /* one PD (1 GiB of 2 MiB pages) per GiB mapped */
#define MB2_BOOTLOADER_MAGIC 0x36d76289

	.section .note.pvh, "a", @note
	.p2align 2
	.long 4           /* name size ("Xen\0") */
	.long 4           /* descriptor size */
	.long 18          /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long PA(pvh_start)

	.section .text.boot, "ax"
	/* Multiboot2 header: first in the image, 8-byte aligned. */
	.p2align 3
mb2_header:
	.long 0xe85250d6                    /* magic */
	.long 0                             /* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (0xe85250d6 + (mb2_header_end - mb2_header))
	.p2align 3
	.word 3, 0                          /* entry address tag (the ELF entry is virtual) */
	.long 12
	.long PA(mb2_start)
	.p2align 3
	.word 0, 0                          /* end tag */
	.long 8
mb2_header_end:

	.code32
	.globl mb2_start
mb2_start:
	cli
	cmpl $MB2_BOOTLOADER_MAGIC, %eax
	jne 5f
	movl $2, %ebp                       /* came through Multiboot2 */
	jmp boot_common
5:	hlt
	jmp 5b

	.globl pvh_start
pvh_start:
	cli
	movl $1, %ebp                       /* came through PVH */
boot_common:
	cld
	/* .bss holds the early tables and the stack: clear it first. */
	movl $PA(__bss_start), %edi
	movl $PA(__bss_end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	movl %ebx, PA(boot_start_info_pa)
	movl %ebp, PA(boot_protocol)
	movl $PA(__stack_top), %esp

	/* Four PDs of 2 MiB leaves: physical 0 .. 4 GiB. */
	movl $PA(early_pd), %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_RW | PTE_PS), %eax
	movl %eax, (%edi, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax          /* bits 32.. of the frame address */
	movl %eax, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $(512 * EARLY_PDS), %ecx
	jb 1b

	/* Low PDPT: entries 0..3 point at the four PDs. */
	movl $PA(early_pdpt_low), %edi
	movl $PA(early_pd), %eax
	orl $(PTE_P | PTE_RW), %eax
	xorl %ecx, %ecx
2:	movl %eax, (%edi, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $EARLY_PDS, %ecx
	jb 2b

	/* High PDPT: entries 510 and 511 (-2 GiB) map physical 0 .. 2 GiB. */
	movl $PA(early_pdpt_high), %edi
	movl $PA(early_pd), %eax
	orl $(PTE_P | PTE_RW), %eax
	movl %eax, 510 * 8(%edi)
	addl $4096, %eax
	movl %eax, 511 * 8(%edi)

	/* PML4: identity (0), direct map (256), image (511). */
	movl $PA(early_pml4), %edi
	movl $PA(early_pdpt_low), %eax
	orl $(PTE_P | PTE_RW), %eax
	movl %eax, 0(%edi)
	movl %eax, 256 * 8(%edi)
	movl $PA(early_pdpt_high), %eax
	orl $(PTE_P | PTE_RW), %eax
	movl %eax, 511 * 8(%edi)

	movl %cr4, %eax
	orl $(1 << 5), %eax     /* PAE */
	movl %eax, %cr4
	movl $PA(early_pml4), %eax
	movl %eax, %cr3

	/* EFER.LME, and NXE when CPUID 0x80000001 EDX bit 20 says NX exists. */
	movl $0x80000000, %eax
	cpuid
	xorl %esi, %esi
	cmpl $0x80000001, %eax
	jb 3f
	movl $0x80000001, %eax
	cpuid
	btl $20, %edx
	jnc 3f
	movl $(1 << 11), %esi
3:	movl $0xc0000080, %ecx
	rdmsr
	orl $(1 << 8), %eax
	orl %esi, %eax
	wrmsr

	movl %cr0, %eax
	orl $0x80010001, %eax   /* PG | WP | PE */
	movl %eax, %cr0

	lgdt PA(early_gdt_ptr)
	ljmp $0x08, $PA(long_entry_low)

	.code64
long_entry_low:
	movabsq $long_entry_high, %rax
	jmp *%rax

	.section .text
long_entry_high:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $__stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_start_info_pa(%rip), %edi
	cmpl $2, boot_protocol(%rip)
	jne 6f
	call boot_multiboot2_to_pvh
	movl %eax, %edi
6:	call kmain
4:	cli
	hlt
	jmp 4b

	.section .rodata
	.p2align 3
early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
early_gdt_end:
	.p2align 3
early_gdt_ptr:
	.word early_gdt_end - early_gdt - 1
	.long PA(early_gdt)

	.section .bss
	.p2align 12
early_pml4: .skip 4096
early_pdpt_low: .skip 4096
early_pdpt_high: .skip 4096
early_pd: .skip 4096 * EARLY_PDS
	.globl boot_start_info_pa
	.p2align 3
boot_start_info_pa: .skip 8
boot_protocol: .skip 8

	/* The boot stack, with a guard page below it that kmap leaves unmapped. */
	.section .kstack, "aw", @nobits
	.p2align 12
	.globl __stack_guard, __stack_bottom, __stack_top
__stack_guard: .skip 4096
__stack_bottom: .skip 16384
__stack_top:
