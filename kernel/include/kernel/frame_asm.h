/*
 * kernel/frame_asm.h - assembler macros that push and pop the general
 * registers in the order of struct trap_frame (kernel/trap.h), for every
 * entry path that builds such a frame (interrupt stubs, system calls).
 */
#ifndef KERNEL_FRAME_ASM_H
#define KERNEL_FRAME_ASM_H

#ifdef __ASSEMBLER__
/* After the pushes, %rsp points at a struct trap_frame (r15 first). */
.macro TRAP_FRAME_PUSH
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro TRAP_FRAME_POP
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm
#endif

#endif
