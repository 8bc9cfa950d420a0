/*
 * kernel/syscall.h - system call handlers and how they register. Each file
 * registers its own calls with SYSCALL_DEFINE(nr, name), which puts
 * {nr, sys_name, "name"} into the .syscalls linker section; the dispatcher
 * builds its table from that section at boot, so there is no shared table
 * file. Numbers and argument order are Linux x86-64's (rdi, rsi, rdx,
 * r10, r8, r9); unknown numbers return -ENOSYS and are logged once.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>

#include "kernel/trap.h"

typedef long (*syscall_fn)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			   uint64_t a5);

struct syscall_entry {
	long nr;
	syscall_fn fn;
	const char *name;
};

#define SYSCALL_MAX 512

#define SYSCALL_DEFINE(nr_, name_)                                                          \
	long sys_##name_(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,   \
			 uint64_t a5);                                                      \
	static const struct syscall_entry syscall_entry_##name_                             \
		__attribute__((used, section(".syscalls"), aligned(8))) = {                 \
			(nr_), sys_##name_, #name_};                                        \
	long sys_##name_(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,   \
			 uint64_t a5)

/* Build the dispatch table from the .syscalls section and program the MSRs. */
void syscall_init(void);
/* Program the SYSCALL MSRs (arch/x86_64/syscall_msr.c). */
void syscall_msr_init(void);
/* Called by the SYSCALL entry stub with the saved user registers. */
void syscall_dispatch(struct trap_frame *tf);
/* Number of registered system calls (for the boot log and the closing note). */
unsigned syscall_count(void);

#endif
