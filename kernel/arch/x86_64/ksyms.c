/*
 * arch/x86_64/ksyms.c - look up the symbol table that the second link pass
 * embeds in .ksyms: entries sorted by address, names in a string blob.
 * The first pass links an empty table of the same shape (ksyms_empty.S).
 */
#include "kernel/ksyms.h"

#include <stddef.h>

#include "kernel/kstring.h"

struct ksym {
	uint64_t addr, size, name; /* name: offset into ksyms_strings */
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_entries[];
extern const char ksyms_strings[];

const char *ksyms_lookup(uint64_t addr, uint64_t *start, uint64_t *size)
{
	size_t lo = 0, hi = ksyms_count;
	/* Last entry with entry.addr <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ksyms_entries[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct ksym *s = &ksyms_entries[lo - 1];
	if (s->size && addr >= s->addr + s->size)
		return NULL;
	if (start)
		*start = s->addr;
	if (size)
		*size = s->size;
	return ksyms_strings + s->name;
}

uint64_t ksyms_address(const char *name)
{
	for (uint64_t i = 0; i < ksyms_count; i++)
		if (!strcmp(ksyms_strings + ksyms_entries[i].name, name))
			return ksyms_entries[i].addr;
	return 0;
}
