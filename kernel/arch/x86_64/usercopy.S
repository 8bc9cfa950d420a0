/*
 * arch/x86_64/usercopy.S - the raw user-memory accessors behind
 * kernel/uaccess.h. Each instruction that may touch a user page is listed
 * in __ex_table; when mmcore cannot resolve the fault, the exception
 * handler resumes at the fixup, which returns -EFAULT. The callers open
 * the SMAP window and check the address range.
 */
#define EFAULT 14

	.section .text

/* long usercopy_raw(void *dst, const void *src, size_t n): 0 or -EFAULT. */
	.globl usercopy_raw
usercopy_raw:
	movq %rdx, %rcx
1:	rep movsb
	xorl %eax, %eax
	ret
2:	movq $-EFAULT, %rax
	ret
	.section __ex_table, "a"
	.quad 1b, 2b
	.section .text

/* long userset_raw(void *dst, size_t n): zero n bytes; 0 or -EFAULT. */
	.globl userset_raw
userset_raw:
	movq %rsi, %rcx
	xorl %eax, %eax
3:	rep stosb
	ret
4:	movq $-EFAULT, %rax
	ret
	.section __ex_table, "a"
	.quad 3b, 4b
	.section .text

/*
 * long userstr_raw(char *dst, const char *src, size_t max): copy bytes up
 * to and including a NUL, at most max. Returns the string length, max when
 * no NUL was found, or -EFAULT.
 */
	.globl userstr_raw
userstr_raw:
	xorl %eax, %eax
5:	cmpq %rdx, %rax
	je 7f
6:	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	jz 7f
	incq %rax
	jmp 5b
7:	ret
8:	movq $-EFAULT, %rax
	ret
	.section __ex_table, "a"
	.quad 6b, 8b
	.section .text
