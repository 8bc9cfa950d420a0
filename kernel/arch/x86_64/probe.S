/*
 * arch/x86_64/probe.S - memory accesses that may fault. Each faulting
 * instruction is listed in __ex_table with the place to resume at, which
 * returns -14 (EFAULT). See kernel/extable.h.
 */
#define EFAULT 14

	.section .text

/*
 * PROBE name, access, after: a function whose single memory access
 * `access` may fault; `after` runs when it did not. It returns 0, or
 * -EFAULT from the fixup when the access faulted.
 */
.macro PROBE name, access, after
	.globl \name
\name:
1:	\access
	\after
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret
	.section __ex_table, "a"
	.quad 1b, 2b
	.section .text
.endm

/* int probe_read_u8(const volatile void *p, uint8_t *out) */
PROBE probe_read_u8, "movzbl (%rdi), %eax", "movb %al, (%rsi)"
/* int probe_read_u64(const volatile void *p, uint64_t *out) */
PROBE probe_read_u64, "movq (%rdi), %rax", "movq %rax, (%rsi)"
/* int probe_write_u8(volatile void *p, uint8_t v) */
PROBE probe_write_u8, "movb %sil, (%rdi)", ""

/*
 * int probe_exec(const void *p): arm the exec probe with target p and call
 * it. If fetching at p faults, extable_fixup() sees rip == the armed target
 * and returns to our caller frame with -EFAULT as if p had returned it.
 */
	.globl probe_exec
probe_exec:
	pushq %rbp
	movq %rsp, %rbp
	movq %rdi, probe_exec_target(%rip)
	call *%rdi
	movq $0, probe_exec_target(%rip)
	popq %rbp
	ret

	.section .bss
	.p2align 3
	.globl probe_exec_target
probe_exec_target: .skip 8
