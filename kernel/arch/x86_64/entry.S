/*
 * arch/x86_64/entry.S - one stub per interrupt vector. Each stub makes the
 * stack look the same (a dummy error code where the CPU pushes none, then
 * the vector number), saves the general registers as struct trap_frame and
 * calls trap_dispatch(frame). The frame may be edited (exception fixups),
 * so everything is restored from it.
 */
#include "kernel/frame_asm.h"

	.section .text

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || (n) == 21 || (n) == 29 || (n) == 30)

	.p2align 4
isr_common:
	TRAP_FRAME_PUSH
	cld
	movq %rsp, %rdi
	call trap_dispatch
	TRAP_FRAME_POP
	addq $16, %rsp
	iretq

	.altmacro
.macro ISR n
	.p2align 4
isr_\n:
	.if HAS_ERR(\n)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp isr_common
.endm

.macro ISR_ADDR n
	.quad isr_\n
.endm

	.set i, 0
	.rept 256
	ISR %i
	.set i, i + 1
	.endr

	.section .rodata
	.p2align 3
	.globl isr_table
isr_table:
	.set i, 0
	.rept 256
	ISR_ADDR %i
	.set i, i + 1
	.endr
