/*
 * arch/x86_64/syscall_entry.S - the way into the kernel from SYSCALL, the
 * way back to user mode, and the kernel-mode context switch.
 *
 * One CPU, no per-CPU GS: SYSCALL arrives with interrupts masked (FMASK),
 * so the user RSP can wait in a global while the stack is switched to the
 * current task's kernel stack (syscall_kstack_top, set by the scheduler).
 * The registers are saved as a struct trap_frame (vector 0x100 marks a
 * system call) so that signal delivery, fork and execve treat syscall and
 * interrupt frames alike. Return is always through IRETQ, which restores
 * every register from the frame, also after a signal handler or execve
 * rewrote it (SYSRET would need a canonical RCX check).
 */
#include "kernel/frame_asm.h"

	.section .text

	.globl syscall_entry
syscall_entry:
	movq %rsp, syscall_user_rsp(%rip)
	movq syscall_kstack_top(%rip), %rsp
	pushq $0x1b                     /* ss: user data */
	pushq syscall_user_rsp(%rip)    /* rsp */
	pushq %r11                      /* rflags */
	pushq $0x23                     /* cs: user code */
	pushq %rcx                      /* rip */
	pushq $0                        /* error */
	pushq $0x100                    /* vector: system call */
	TRAP_FRAME_PUSH
	cld
	movq %rsp, %rdi
	sti
	call syscall_dispatch
	movq %rsp, %rdi
	/* fall through */

/* ret_to_user(struct trap_frame *tf): restore tf (on this stack) and IRETQ. */
	.globl ret_to_user
ret_to_user:
	cli
	movq %rdi, %rsp
	TRAP_FRAME_POP
	addq $16, %rsp
	iretq

/*
 * task_switch(uint64_t *save_rsp, uint64_t next_rsp): save the callee-saved
 * registers on this stack, store the stack pointer in *save_rsp, load
 * next_rsp and pop the next task's registers. Returns in the next task.
 */
	.globl task_switch
task_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * First return of a new task: task_switch "returns" here with rbx holding
 * the task's user trap frame. task_first_run finishes the switch in C.
 */
	.globl task_start
task_start:
	call task_first_run
	movq %rbx, %rdi
	jmp ret_to_user

	.section .bss
	.p2align 3
	.globl syscall_kstack_top
syscall_kstack_top: .skip 8
syscall_user_rsp: .skip 8
