/* proc/elf.h - the ELF64 loader for static executables (ET_EXEC and static-PIE ET_DYN). */
#ifndef PROC_ELF_H
#define PROC_ELF_H

#include <stdint.h>

struct file;
struct mm;

/* Where the loaded image ended up, for the initial stack's auxv. */
struct elf_info {
	uint64_t entry;     /* AT_ENTRY */
	uint64_t phdr;      /* AT_PHDR: program headers in memory */
	uint64_t phnum;     /* AT_PHNUM */
	uint64_t brk;       /* end of the highest segment, page aligned */
};

/* The header checks alone: 0 when buf (len bytes from offset 0) starts a loadable ELF64. */
int elf_check_header(const void *buf, uint64_t len);

/*
 * Map and fill f's PT_LOAD segments in mm, which must be the loaded address
 * space (its contents are written through copy_to_user). Returns 0 and
 * *info, or -ENOEXEC for a malformed or unsupported file, -ENOMEM, -EIO.
 */
int elf_load(struct file *f, struct mm *mm, struct elf_info *info);

#endif
