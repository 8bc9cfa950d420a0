/*
 * proc/kstack.c - kernel stacks. In the profiles with guard pages
 * (KCFG_STACK_GUARD: fortress, balanced) each stack lives in its own slot
 * of a reserved kernel region, mapped page by page with an unmapped hole
 * below it, so an overflow faults (and the #DF handler on its IST stack
 * reports it) instead of silently overwriting the neighbouring heap
 * object. Elsewhere a stack is a plain kmalloc block.
 *
 *   KSTACK_REGION + slot * KSTACK_SLOT:  [guard, KSTACK_SLOT - KSTACK_SIZE][stack, KSTACK_SIZE]
 */
#include "proc.h"

#include "kernel/heap.h"
#include "kernel/kmap.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
#include "mmcore/buddy.h"
#include "mmcore/page.h"
#include "mmcore/pt.h"

#ifndef KCFG_STACK_GUARD
#define KCFG_STACK_GUARD 1
#endif

#define KSTACK_SLOT (2 * KSTACK_SIZE)
#define KSTACK_SLOTS 8192
#define KSTACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

static int32_t free_slots[KSTACK_SLOTS]; /* stack of released slot numbers */
static unsigned nr_free, next_slot;

void kstack_init(void)
{
	if (!KCFG_STACK_GUARD)
		return;
	/*
	 * Create the region's PML4 entry now: user address spaces copy the
	 * kernel half of the PML4 when they are created, so it must never
	 * change afterwards.
	 */
	int err;
	if (!pt_walk(kmap_root_pfn, KSTACK_REGION, 3, true, NULL, &err))
		panic("kstack_init: no page table for the stack region (%d)", err);
}

static uint64_t slot_base(unsigned slot)
{
	return KSTACK_REGION + (uint64_t)slot * KSTACK_SLOT + (KSTACK_SLOT - KSTACK_SIZE);
}

static void slot_unmap(uint64_t base, unsigned pages)
{
	for (unsigned i = 0; i < pages; i++) {
		pte_t old;
		if (pt_unmap(kmap_root_pfn, base + i * PAGE_SIZE, &old) == 0)
			buddy_free(pfn_to_page(pte_pfn(old)), 0);
	}
}

void *kstack_alloc(void)
{
	if (!KCFG_STACK_GUARD)
		return kmalloc(KSTACK_SIZE);
	unsigned slot;
	if (nr_free)
		slot = (unsigned)free_slots[--nr_free];
	else if (next_slot < KSTACK_SLOTS)
		slot = next_slot++;
	else
		return NULL;
	uint64_t base = slot_base(slot);
	for (unsigned i = 0; i < KSTACK_PAGES; i++) {
		struct page *pg = buddy_alloc(0);
		if (!pg || pt_map(kmap_root_pfn, base + i * PAGE_SIZE, page_to_pfn(pg),
				  PTE_RW | PTE_G | PTE_A | PTE_D | kmap_nx)) {
			if (pg)
				buddy_free(pg, 0);
			slot_unmap(base, i);
			free_slots[nr_free++] = (int32_t)slot;
			return NULL;
		}
	}
	__builtin_memset((void *)base, 0, KSTACK_SIZE);
	return (void *)base;
}

void kstack_free(void *stack)
{
	if (!KCFG_STACK_GUARD) {
		kfree(stack);
		return;
	}
	uint64_t base = (uint64_t)stack;
	unsigned slot = (unsigned)((base - KSTACK_REGION) / KSTACK_SLOT);
	if (base < KSTACK_REGION || slot >= next_slot || base != slot_base(slot))
		panic("kstack_free: %lx is not a kernel stack", base);
	slot_unmap(base, KSTACK_PAGES);
	free_slots[nr_free++] = (int32_t)slot;
}
