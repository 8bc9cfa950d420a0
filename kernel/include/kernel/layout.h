/*
 * kernel/layout.h - the kernel's virtual address layout.
 *
 *   0x0000000000000000 - 0x00007fffffffffff  user space (ktest maps here too)
 *   0xffff800000000000 - ...                  direct map of all RAM (PML4 256)
 *   0xffffc00000000000 - ...                  device registers, uncached (PML4 384)
 *   0xffffd00000000000 - ...                  ktest scratch mappings (PML4 416)
 *   0xffffe00000000000 - ...                  kernel stacks with guard holes (PML4 448)
 *   0xffffffff80000000 - 0xffffffffffffffff  kernel image (-2 GiB, mcmodel=kernel)
 *
 * The image is linked at KERNEL_VMA + its physical load address, so
 * virtual = physical + KERNEL_VMA inside the image.
 */
#ifndef KERNEL_LAYOUT_H
#define KERNEL_LAYOUT_H

#define KERNEL_VMA 0xffffffff80000000ull
#define KERNEL_PHYS_LOAD 0x100000ull
#define DIRECT_MAP_BASE 0xffff800000000000ull
#define MMIO_BASE 0xffffc00000000000ull
#define KTEST_BASE 0xffffd00000000000ull
#define KSTACK_REGION 0xffffe00000000000ull

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Linker-script symbols bounding the image and its sections. */
extern char __kernel_start[], __text_start[], __text_end[], __rodata_start[],
	__rodata_end[], __data_start[], __bss_start[], __bss_end[], __kernel_end[],
	__stack_guard[], __stack_bottom[], __stack_top[];

static inline uint64_t kimage_to_phys(const void *p) { return (uint64_t)p - KERNEL_VMA; }
static inline void *phys_to_direct(uint64_t pa) { return (void *)(pa + DIRECT_MAP_BASE); }
static inline uint64_t direct_to_phys(const void *p) { return (uint64_t)p - DIRECT_MAP_BASE; }
#endif

#endif
