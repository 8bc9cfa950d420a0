/*
 * ktest/kt_mm.c - mmcore's address-space operations with the CPU doing the
 * faulting: an anonymous mapping is populated by real page faults routed
 * to mm_fault() (2 MiB and 4 KiB, zero page and fresh pages), a fork is
 * copy-on-write through the hardware, mprotect really removes write
 * access, and tearing it all down gives every frame back.
 */
#include "kernel/cpu.h"
#include "kernel/extable.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/ktest.h"
#include "kernel/uspace.h"
#include "mmcore/buddy.h"

#define EFAULT 14
#define REGION (4ull << 20)

/* Touch [a, a + REGION) from the kernel inside a user-access window. */
static int touch_region(struct mm *mm, uint64_t a, uint64_t *zero_sum)
{
	int bad = 0;
	uspace_switch(mm);
	cpu_user_access_begin();
	/* First half: reads only (zero pages); second half: writes, then reads. */
	for (uint64_t off = 0; off < REGION / 2; off += PAGE_SIZE)
		*zero_sum += *(volatile uint64_t *)(a + off);
	for (uint64_t off = REGION / 2; off < REGION; off += PAGE_SIZE)
		*(volatile uint64_t *)(a + off) = a + off;
	for (uint64_t off = REGION / 2; off < REGION; off += PAGE_SIZE)
		bad |= *(volatile uint64_t *)(a + off) != a + off;
	cpu_user_access_end();
	uspace_switch(NULL);
	return bad;
}

static uint64_t read_user(struct mm *mm, uint64_t va)
{
	uspace_switch(mm);
	cpu_user_access_begin();
	uint64_t v = *(volatile uint64_t *)va;
	cpu_user_access_end();
	uspace_switch(NULL);
	return v;
}

static void write_user(struct mm *mm, uint64_t va, uint64_t v)
{
	uspace_switch(mm);
	cpu_user_access_begin();
	*(volatile uint64_t *)va = v;
	cpu_user_access_end();
	uspace_switch(NULL);
}

static int kt_mm_demand_paging(void)
{
	struct mm *mm, *child;
	uint64_t a, zero_sum = 0;
	heap_trim(); /* heap pages the test's VMAs take are given back at the end */
	buddy_drain();
	uint64_t free_before = buddy_free_pages();
	uint64_t faults_before = mm_global_counters.faults_total;

	KT_CHECK(uspace_create(&mm) == 0);
	KT_CHECK(mm_mmap(mm, 0, REGION, MM_PROT_READ | MM_PROT_WRITE,
			 MM_MAP_PRIVATE | MM_MAP_ANONYMOUS, NULL, 0, &a) == 0);
	KT_CHECK(touch_region(mm, a, &zero_sum) == 0);
	KT_CHECK(zero_sum == 0);
	KT_CHECK(mm_global_counters.faults_total > faults_before);
	KT_CHECK(mm_rss_bytes(mm) >= REGION / 2);
	KT_CHECK(mm_check_space(mm) == 0);

	/* fork: both see the old value until one writes; then they differ. */
	uint64_t probe = a + REGION / 2 + 5 * PAGE_SIZE;
	KT_CHECK(mm_fork(mm, &child) == 0);
	uspace_adopt(child);
	KT_CHECK(read_user(child, probe) == probe);
	write_user(mm, probe, 0x600d);
	KT_CHECK(read_user(mm, probe) == 0x600d);
	KT_CHECK(read_user(child, probe) == probe);
	write_user(child, probe + 8, 0xc0de);
	KT_CHECK(read_user(mm, probe + 8) == 0);

	/* mprotect read-only: the write faults for real and is not resolved. */
	KT_CHECK(mm_mprotect(mm, a, REGION, MM_PROT_READ) == 0);
	uspace_switch(mm);
	cpu_user_access_begin();
	int wr = probe_write_u8((void *)probe, 1);
	cpu_user_access_end();
	uspace_switch(NULL);
	KT_CHECK(wr == -EFAULT && extable_last_addr == probe);
	KT_CHECK(read_user(mm, probe) == 0x600d);

	KT_CHECK(mm_munmap(mm, a, REGION) == 0);
	mm_destroy(child);
	mm_destroy(mm);
	heap_trim();
	buddy_drain();
	if (buddy_free_pages() != free_before)
		kprintf("    %ld frames missing\n", (long)(free_before - buddy_free_pages()));
	KT_CHECK(buddy_free_pages() == free_before);
	return 0;
}

const struct ktest ktests_mm[] = {
	{"mm_demand_paging_fork_cow", kt_mm_demand_paging},
	{NULL, NULL},
};
