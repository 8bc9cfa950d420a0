/*
 * proc/elf.c - load a static ELF64 x86-64 executable. Every field is
 * checked before use (offsets, sizes, overflow, alignment), so a malformed
 * file gets -ENOEXEC and never a crash. Segments become anonymous private
 * mappings filled from the file: all are mapped writable first, then
 * filled, then given their final protection in program-header order, so
 * two segments sharing a page both land in it, with the later one's
 * protection, as with Linux's successive mmaps.
 */
#include "elf.h"

#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/uaccess.h"
#include "kernel/vfs.h"
#include "kernel/vmtrace.h"
#include "mmcore/mm.h"

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define PAGE 4096ull
#define PHNUM_MAX 128
/* Where Linux puts a static PIE with randomisation off (ELF_ET_DYN_BASE). */
#define ET_DYN_BASE 0x555555554000ull
#define CHUNK (64 * 1024)

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static uint64_t page_down(uint64_t x) { return x & ~(PAGE - 1); }
static uint64_t page_up(uint64_t x) { return (x + PAGE - 1) & ~(PAGE - 1); }

int elf_check_header(const void *buf, uint64_t len)
{
	const struct elf64_ehdr *eh = buf;
	if (len < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4))
		return -ENOEXEC;
	if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->ident[6] != 1)
		return -ENOEXEC; /* 64-bit, little-endian, version 1 */
	if ((eh->type != ET_EXEC && eh->type != ET_DYN) || eh->machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 || eh->phnum > PHNUM_MAX)
		return -ENOEXEC;
	return 0;
}

/*
 * A PT_LOAD whose numbers are consistent and fit in user space once moved
 * by bias (the low-address limit is checked only with the final bias:
 * a static PIE links its first segment at 0).
 */
static bool phdr_sane(const struct elf64_phdr *ph, uint64_t bias, bool final)
{
	if (ph->filesz > ph->memsz || ph->offset + ph->filesz < ph->offset)
		return false;
	if ((ph->vaddr & (PAGE - 1)) != (ph->offset & (PAGE - 1)))
		return false;
	uint64_t start = bias + ph->vaddr;
	if (start < bias || ph->memsz >= USER_VA_END || start >= USER_VA_END - ph->memsz)
		return false;
	return !final || start >= MM_MMAP_MIN_ADDR || ph->memsz == 0;
}

static int phdr_prot(const struct elf64_phdr *ph)
{
	return ((ph->flags & PF_R) ? MM_PROT_READ : 0) | ((ph->flags & PF_W) ? MM_PROT_WRITE : 0) |
	       ((ph->flags & PF_X) ? MM_PROT_EXEC : 0);
}

/* Copy filesz bytes of the segment from the file into the loaded address space. */
static int segment_fill(struct file *f, const struct elf64_phdr *ph, uint64_t bias, void *buf)
{
	for (uint64_t done = 0; done < ph->filesz;) {
		uint64_t n = ph->filesz - done < CHUNK ? ph->filesz - done : CHUNK;
		long got = file_pread(f, buf, n, ph->offset + done);
		if (got < 0)
			return (int)got;
		if ((uint64_t)got != n)
			return -ENOEXEC; /* the file is shorter than its headers say */
		if (copy_to_user(bias + ph->vaddr + done, buf, n))
			return -ENOMEM;
		done += n;
	}
	return 0;
}

/* Page-aligned range of a non-empty PT_LOAD after bias; false for other headers. */
static bool segment_range(const struct elf64_phdr *ph, uint64_t bias, uint64_t *start,
			  uint64_t *len)
{
	if (ph->type != PT_LOAD || ph->memsz == 0)
		return false;
	*start = page_down(bias + ph->vaddr);
	*len = page_up(bias + ph->vaddr + ph->memsz) - *start;
	return true;
}

static int mm_err(int err) { return err == -MM_ENOMEM ? -ENOMEM : -ENOEXEC; }

static int segments_map(struct mm *mm, const struct elf64_phdr *ph, unsigned n, uint64_t bias)
{
	uint64_t start, len, out;
	for (unsigned i = 0; i < n; i++) {
		if (!segment_range(&ph[i], bias, &start, &len))
			continue;
		int err = mm_mmap(mm, start, len, MM_PROT_READ | MM_PROT_WRITE,
				  MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED, NULL, 0, &out);
		vmtrace_map(mm, start, len, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED, err);
		if (err)
			return mm_err(err);
	}
	return 0;
}

static int segments_protect(struct mm *mm, const struct elf64_phdr *ph, unsigned n, uint64_t bias)
{
	uint64_t start, len;
	for (unsigned i = 0; i < n; i++) {
		if (!segment_range(&ph[i], bias, &start, &len))
			continue;
		int err = mm_mprotect(mm, start, len, phdr_prot(&ph[i]));
		vmtrace_protect(mm, start, len, phdr_prot(&ph[i]), err);
		if (err)
			return mm_err(err);
	}
	return 0;
}

/* Where the program headers are in memory: PT_PHDR, or the PT_LOAD holding them. */
static uint64_t phdr_address(const struct elf64_ehdr *eh, const struct elf64_phdr *ph, uint64_t bias)
{
	for (unsigned i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_PHDR)
			return bias + ph[i].vaddr;
	for (unsigned i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_LOAD && eh->phoff >= ph[i].offset &&
		    eh->phoff - ph[i].offset < ph[i].filesz)
			return bias + ph[i].vaddr + (eh->phoff - ph[i].offset);
	return 0;
}

/* Check every program header; compute the load bias and the image's end. */
static int phdrs_check(const struct elf64_ehdr *eh, const struct elf64_phdr *ph, uint64_t *bias,
		       uint64_t *end)
{
	uint64_t lo = ~0ull, hi = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type == PT_INTERP)
			return -ENOEXEC; /* dynamically linked: no interpreter support */
		if (ph[i].type != PT_LOAD)
			continue;
		if (!phdr_sane(&ph[i], 0, false))
			return -ENOEXEC;
		if (ph[i].vaddr < lo)
			lo = ph[i].vaddr;
		if (ph[i].vaddr + ph[i].memsz > hi)
			hi = ph[i].vaddr + ph[i].memsz;
	}
	if (hi == 0)
		return -ENOEXEC;
	*bias = eh->type == ET_DYN ? ET_DYN_BASE - page_down(lo) : 0;
	for (unsigned i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_LOAD && !phdr_sane(&ph[i], *bias, true))
			return -ENOEXEC;
	*end = *bias + hi;
	if (*end > USER_VA_END || eh->entry + *bias < *bias)
		return -ENOEXEC;
	return 0;
}

static int elf_load_segments(struct file *f, struct mm *mm, const struct elf64_ehdr *eh,
			     const struct elf64_phdr *ph, struct elf_info *info)
{
	uint64_t bias, end;
	int err = phdrs_check(eh, ph, &bias, &end);
	if (err)
		return err;
	err = segments_map(mm, ph, eh->phnum, bias);
	if (err)
		return err;
	void *buf = kmalloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	for (unsigned i = 0; i < eh->phnum && !err; i++)
		if (ph[i].type == PT_LOAD)
			err = segment_fill(f, &ph[i], bias, buf);
	kfree(buf);
	if (!err)
		err = segments_protect(mm, ph, eh->phnum, bias);
	if (err)
		return err;
	info->entry = bias + eh->entry;
	info->phdr = phdr_address(eh, ph, bias);
	info->phnum = eh->phnum;
	info->brk = page_up(end);
	return 0;
}

int elf_load(struct file *f, struct mm *mm, struct elf_info *info)
{
	struct elf64_ehdr eh;
	long got = file_pread(f, &eh, sizeof(eh), 0);
	if (got < 0)
		return (int)got;
	int err = elf_check_header(&eh, (uint64_t)got);
	if (err)
		return err;
	uint64_t phsize = (uint64_t)eh.phnum * sizeof(struct elf64_phdr);
	struct elf64_phdr *ph = kmalloc(phsize);
	if (!ph)
		return -ENOMEM;
	got = file_pread(f, ph, phsize, eh.phoff);
	if (got < 0)
		err = (int)got;
	else if ((uint64_t)got != phsize)
		err = -ENOEXEC;
	else
		err = elf_load_segments(f, mm, &eh, ph, info);
	kfree(ph);
	return err;
}
