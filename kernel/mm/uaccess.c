/*
 * mm/uaccess.c - user memory access (kernel/uaccess.h): range check, SMAP
 * window, and the fault-recovering copies of arch/x86_64/usercopy.S.
 */
#include "kernel/uaccess.h"

#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "mmcore/pt.h"

long usercopy_raw(void *dst, const void *src, size_t n);
long userset_raw(void *dst, size_t n);
long userstr_raw(char *dst, const char *src, size_t max);

bool access_ok(uint64_t uaddr, size_t n)
{
	return uaddr <= USER_VA_END && n <= USER_VA_END - uaddr;
}

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!access_ok(usrc, n))
		return -EFAULT;
	cpu_user_access_begin();
	long r = usercopy_raw(dst, (const void *)usrc, n);
	cpu_user_access_end();
	return (int)r;
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!access_ok(udst, n))
		return -EFAULT;
	cpu_user_access_begin();
	long r = usercopy_raw((void *)udst, src, n);
	cpu_user_access_end();
	return (int)r;
}

int clear_user(uint64_t udst, size_t n)
{
	if (!access_ok(udst, n))
		return -EFAULT;
	cpu_user_access_begin();
	long r = userset_raw((void *)udst, n);
	cpu_user_access_end();
	return (int)r;
}

long strncpy_from_user(char *dst, uint64_t usrc, size_t max)
{
	if (max == 0)
		return -ENAMETOOLONG;
	if (usrc >= USER_VA_END)
		return -EFAULT;
	/* Never read past the end of user space, however large max is. */
	size_t room = USER_VA_END - usrc;
	size_t lim = max < room ? max : room;
	cpu_user_access_begin();
	long r = userstr_raw(dst, (const char *)usrc, lim);
	cpu_user_access_end();
	if (r < 0)
		return r;
	if ((size_t)r == lim) {
		dst[lim - 1] = 0;
		return lim < max ? -EFAULT : -ENAMETOOLONG;
	}
	return r;
}

int get_user_u64(uint64_t *out, uint64_t usrc) { return copy_from_user(out, usrc, 8); }
int put_user_u64(uint64_t udst, uint64_t v) { return copy_to_user(udst, &v, 8); }
int get_user_u32(uint32_t *out, uint64_t usrc) { return copy_from_user(out, usrc, 4); }
int put_user_u32(uint64_t udst, uint32_t v) { return copy_to_user(udst, &v, 4); }
