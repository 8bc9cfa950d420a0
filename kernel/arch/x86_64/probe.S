/*
 * arch/x86_64/probe.S - memory accesses that may fault. Each faulting
 * instruction is listed in __ex_table with the place to resume at, which
 * returns -14 (EFAULT). See kernel/extable.h.
 */
#define EFAULT 14

	.section .text

/* int probe_read_u8(const volatile void *p, uint8_t *out) */
	.globl probe_read_u8
probe_read_u8:
1:	movzbl (%rdi), %eax
	movb %al, (%rsi)
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret
	.section __ex_table, "a"
	.quad 1b, 2b
	.section .text

/* int probe_read_u64(const volatile void *p, uint64_t *out) */
	.globl probe_read_u64
probe_read_u64:
1:	movq (%rdi), %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret
	.section __ex_table, "a"
	.quad 1b, 2b
	.section .text

/* int probe_write_u8(volatile void *p, uint8_t v) */
	.globl probe_write_u8
probe_write_u8:
1:	movb %sil, (%rdi)
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret
	.section __ex_table, "a"
	.quad 1b, 2b
	.section .text

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
