/*
 * kernel/uaccess.h - the only way the kernel touches user memory. Every
 * access may fault; the fault is resolved through mm_fault() (demand
 * paging, copy-on-write) or, when mmcore refuses it, recovered through the
 * exception table so the call returns -EFAULT instead of crashing.
 * Under SMAP the accesses run inside a stac/clac window.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when [uaddr, uaddr+n) lies wholly in the user half (no wrap). */
bool access_ok(uint64_t uaddr, size_t n);

/* Copy n bytes from user usrc to kernel dst. Returns 0 or -EFAULT. */
int copy_from_user(void *dst, uint64_t usrc, size_t n);
/* Copy n bytes from kernel src to user udst. Returns 0 or -EFAULT. */
int copy_to_user(uint64_t udst, const void *src, size_t n);
/* Zero n user bytes at udst. Returns 0 or -EFAULT. */
int clear_user(uint64_t udst, size_t n);
/*
 * Copy the NUL-terminated user string at usrc into dst (at most max bytes
 * including the NUL). Returns its length, -EFAULT, or -ENAMETOOLONG when
 * no NUL was found within max bytes.
 */
long strncpy_from_user(char *dst, uint64_t usrc, size_t max);

/* Read/write one naturally sized user value: 0 or -EFAULT. */
int get_user_u64(uint64_t *out, uint64_t usrc);
int put_user_u64(uint64_t udst, uint64_t v);
int get_user_u32(uint32_t *out, uint64_t usrc);
int put_user_u32(uint64_t udst, uint32_t v);

#endif
