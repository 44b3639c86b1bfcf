/*
 * errno.h of nabla's guest libc: one errno for the whole guest (a Solo5
 * guest has a single thread unless it brings its own), Linux's numbers.
 */
#ifndef NABLA_LIBC_ERRNO_H
#define NABLA_LIBC_ERRNO_H

extern int errno;

#define EPERM 1
#define ENOENT 2
#define EINTR 4
#define EIO 5
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define EDOM 33
#define ERANGE 34
#define ENOSYS 38
#define EWOULDBLOCK EAGAIN

#endif
