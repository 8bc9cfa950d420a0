/* ktest/kt_space.c - scratch address spaces and patterns for the self-tests. */
#include "kt_space.h"

#include "kernel/cpu.h"
#include "kernel/kmap.h"
#include "kernel/uspace.h"

int kt_space_create(uint64_t *root_pfn)
{
	int err = pt_create(root_pfn);
	if (err)
		return err;
	uspace_install_kernel_half(*root_pfn);
	return 0;
}

void kt_space_enter(uint64_t root_pfn) { write_cr3(pfn_to_phys(root_pfn)); }
void kt_space_leave(void) { write_cr3(pfn_to_phys(kmap_root_pfn)); }

void kt_space_destroy(uint64_t root_pfn)
{
	pt_free_empty(root_pfn, 0, USER_VA_END);
	pt_destroy(root_pfn);
}

void kt_fill(uint64_t pfn)
{
	uint64_t *w = pfn_address(pfn);
	for (uint64_t i = 0; i < PAGE_SIZE / 8; i++)
		w[i] = kt_pattern(pfn, i * 8);
}

int kt_verify(const void *va, uint64_t pfn)
{
	const volatile uint64_t *w = va;
	for (uint64_t i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i] != kt_pattern(pfn, i * 8))
			return -1;
	return 0;
}
