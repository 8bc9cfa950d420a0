/*
 * ktest/ktest.c - the self-test runner (`ktest` on the command line) and
 * the deliberate fault behind `ktest=panic` (the other deliberate faults,
 * ktest=smap|smep|hang, are in kt_isolation.c).
 */
#include "kernel/ktest.h"

#include <stdint.h>

#include "kernel/layout.h"
#include "kernel/panic.h"
#include "kernel/time.h"

static const struct ktest *const suites[] = {ktests_cpu, ktests_mmu, ktests_isolation, ktests_mm,
					     ktests_mem};

int ktest_run_all(void)
{
	int passed = 0, failed = 0;
	for (unsigned s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		for (const struct ktest *t = suites[s]; t->name; t++) {
			uint64_t t0 = time_ns();
			int r = t->fn();
			uint64_t us = (time_ns() - t0) / 1000;
			kprintf("ktest: %-24s %-4s %6lu us\n", t->name, r ? "FAIL" : "ok", us);
			if (r)
				failed++;
			else
				passed++;
		}
	}
	kprintf("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}

/*
 * Store to an address in the ktest window that nothing maps. Not inlined,
 * so the panic screen's backtrace shows this function by name.
 */
__attribute__((noinline)) void ktest_deliberate_fault(void)
{
	volatile uint64_t *p = (volatile uint64_t *)(KTEST_BASE + 0x7ff000);
	/* The call also makes the compiler finish the frame before the store. */
	kprintf("ktest: storing to unmapped %p on purpose\n", (void *)p);
	*p = 0xdeadbeef;
	panic("ktest: the deliberate fault did not fault");
}
