/*
 * simulator/native_zero.h - a native worker's stand-in for Linux's zero
 * page, on a host that maps none (a kernel booted with pvm_no_zero_page=1
 * allocates a page on every read fault).
 *
 * The worker answers a read of an untouched private anonymous page with
 * byte 0 and maps nothing, as the zero page would. What the zero page
 * also leaves behind is kept here, per 2 MiB region of the worker's
 * address space: where Linux would hold the huge zero page (mapped by a
 * read fault that also prepared the VMA's anon_vma), or a page table of
 * 4 KiB zero pages that the host lacks. A later write then faults the way
 * Linux's would (a 2 MiB page in place of the huge zero page, 4 KiB under
 * a page table), and the records follow the address space operations
 * that split, move or free what Linux holds there.
 *
 * Worker side only: static state, no allocation, system calls only. A
 * fork child inherits the records with the worker's memory; exec starts
 * afresh.
 */
#ifndef SIM_NATIVE_ZERO_H
#define SIM_NATIVE_ZERO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Read all of path into buf (size bytes), NUL-terminated; "" if unreadable (native_worker.c). */
char *native_worker_read(const char *path, char *buf, size_t size);

/* This process's /proc/self/maps, NUL-terminated, in a static buffer (native_worker.c). */
char *native_worker_maps(void);

/* One load at va, a fault caught (native_worker.c): whether it succeeded. */
bool native_worker_load(uint64_t va);

/* Use pagemap_fd (this process's /proc/self/pagemap) from now on. */
void native_zero_attach(int pagemap_fd);

/*
 * A read of the page at va, not present on the host, in the private
 * anonymous VMA [vs, ve) that allows reads: leave the host as Linux's
 * read fault on the zero page would leave it. The caller answers byte 0.
 */
void native_zero_read(uint64_t va, uint64_t vs, uint64_t ve);

/* Read-only MAP_POPULATE of private anonymous [addr, addr+len): read faults on every page. */
void native_zero_populate(uint64_t addr, uint64_t len);

/*
 * A write access at va is about to be done for real: where Linux holds a
 * page table the host lacks, the host gets one first, so the write maps
 * 4 KiB there as on Linux.
 */
void native_zero_write(uint64_t va);

/*
 * After a successful munmap, MAP_FIXED mmap, mremap (its vacated source)
 * or brk shrink of [lo, hi): Linux zapped a huge zero page wholly inside,
 * split one partly inside, and freed the page tables the range left
 * without any VMA.
 */
void native_zero_unmapped(uint64_t lo, uint64_t hi);

/* After a successful MADV_DONTNEED of [lo, hi). */
void native_zero_dontneed(uint64_t lo, uint64_t hi);

/*
 * After a successful mremap of [old, old+oldlen) to new_addr, newlen
 * long: Linux moved the page tables and huge zero pages of what moved
 * along (a huge one stays whole only when source and destination are
 * equally 2 MiB aligned), then unmapped the vacated source (or the cut
 * tail of a shrink in place).
 */
void native_zero_remapped(uint64_t old, uint64_t oldlen, uint64_t newlen, uint64_t new_addr);

/* After any address space operation: a huge zero page a VMA boundary now cuts is split. */
void native_zero_vmas_changed(void);

/*
 * In a fork child: Linux copies page tables only for VMAs that have an
 * anon_vma, so a recorded table of zero pages in a VMA with no anonymous
 * page of its own is not copied.
 */
void native_zero_forked(void);

#endif
