/*
 * kernel/vdso.h - the vDSO (linux-vdso.so.1, built from kernel/vdso/image)
 * and its data page, mapped into every process at exec as "[vvar]" (read
 * only) followed by "[vdso]" (read and execute); AT_SYSINFO_EHDR points
 * at the vDSO's ELF header. Both are private mappings of two kernel-owned
 * files whose frames every process shares.
 */
#ifndef KERNEL_VDSO_H
#define KERNEL_VDSO_H

#include <stdint.h>

#include "mmcore/file.h"

struct mm;

/* Bytes of the data page and of the vDSO file (whole pages). */
#define VDSO_VVAR_SIZE 4096ull
uint64_t vdso_image_size(void);

/*
 * Map [vvar] and [vdso] into mm (exec's new space), placed top-down below
 * the mmap base as Linux places them with randomisation off; the vDSO's
 * address goes to *base. Returns 0 or -ENOMEM.
 */
int vdso_map(struct mm *mm, uint64_t *base);

/* "[vdso]" or "[vvar]" when f is one of the two files, else NULL (/proc/PID/maps). */
const char *vdso_file_name(const struct mm_file *f);

/* References the vDSO files hold on pg (1 for their own frames, else 0): for mm_check_all. */
int32_t vdso_page_refs(const struct page *pg);

#endif
