/*
 * vdso/vdso_image.S - linux-vdso.so.1 as built (kernel/SConscript passes
 * its path as VDSO_SO), embedded read-only and page-aligned in the kernel
 * image; exec copies it into the vDSO's frames once.
 */
	.section .rodata
	.balign 4096
	.globl vdso_image_start, vdso_image_end
vdso_image_start:
	.incbin VDSO_SO
vdso_image_end:
	.balign 4096
