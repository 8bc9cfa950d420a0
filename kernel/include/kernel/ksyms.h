/*
 * kernel/ksyms.h - the kernel's own function symbols, embedded by the
 * second link pass (site_scons/site_tools/kernel_image.py), for backtraces.
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

/*
 * Name of the function containing addr, its start in *start and its size in
 * *size (0 when unknown). Returns NULL when addr lies in no known function.
 */
const char *ksyms_lookup(uint64_t addr, uint64_t *start, uint64_t *size);

/* Address of the function called name, or 0. */
uint64_t ksyms_address(const char *name);

#endif
