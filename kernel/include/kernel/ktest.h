/*
 * kernel/ktest.h - in-kernel self-tests (`ktest` on the command line).
 * Each test returns 0 on success or a line number / non-zero code on failure;
 * KT_CHECK prints the failing condition.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include "kernel/printf.h"

struct ktest {
	const char *name;
	int (*fn)(void);
};

#define KT_CHECK(cond)                                                         \
	do {                                                                   \
		if (!(cond)) {                                                 \
			kprintf("    check failed: %s (%s:%d)\n", #cond,         \
				__FILE__, __LINE__);                           \
			return __LINE__;                                       \
		}                                                              \
	} while (0)

/* Test tables, one per file, ended by a {NULL, NULL} entry. */
extern const struct ktest ktests_mmu[];
extern const struct ktest ktests_mem[];
extern const struct ktest ktests_cpu[];
extern const struct ktest ktests_mm[];
extern const struct ktest ktests_isolation[];

/* Run every test, print `ktest: N passed, N failed`, return the failures. */
int ktest_run_all(void);
/* Fault on purpose (ktest=panic) to show the panic screen. */
__attribute__((noreturn)) void ktest_deliberate_fault(void);
/* ktest=WHAT for WHAT panic, smap, smep or hang: fault on purpose and never
 * return (the panic screen says which rule stopped it); returns for any
 * other word. */
void ktest_deliberate(const char *what);

#endif
