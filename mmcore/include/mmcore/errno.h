/* mmcore/errno.h - the Linux errno values mmcore returns (negated). */
#ifndef MMCORE_ERRNO_H
#define MMCORE_ERRNO_H

#define MM_EPERM 1
#define MM_ENOENT 2
#define MM_EINTR 4
#define MM_EBADF 9
#define MM_EAGAIN 11
#define MM_ENOMEM 12
#define MM_EACCES 13
#define MM_EFAULT 14
#define MM_EBUSY 16
#define MM_EEXIST 17
#define MM_ENODEV 19
#define MM_EINVAL 22
#define MM_ENFILE 23
#define MM_EFBIG 27
#define MM_EOVERFLOW 75

#endif
