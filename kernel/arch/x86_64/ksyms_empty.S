/* arch/x86_64/ksyms_empty.S - the empty symbol table of the first link pass. */
	.section .ksyms, "a"
	.p2align 3
	.globl ksyms_count, ksyms_entries, ksyms_strings
ksyms_count: .quad 0
ksyms_entries:
ksyms_strings: .byte 0
