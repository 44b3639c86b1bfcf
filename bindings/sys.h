/*
 * Raw Linux system calls for the guest side. The guest has no libc: these
 * few inline functions are the only way out, and the stub's seccomp filter
 * decides which of them succeed.
 */
#ifndef NABLA_BINDINGS_SYS_H
#define NABLA_BINDINGS_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "nabla/syscalls.h"

/* The system call instruction (sys_call1, 3, 4 and 6), and the layouts the
 * kernel gives some structures on this architecture. */
#if defined(__x86_64__)
#include "arch/x86_64/syscall.h"
#elif defined(__aarch64__)
#include "arch/aarch64/syscall.h"
#else
#error "nabla bindings: no system calls for this architecture"
#endif

/* The spt ABI's calls (nabla/syscalls.h, the list the seccomp policy allows),
 * by their Linux names. */
#define SYS_read NABLA_NR_READ
#define SYS_write NABLA_NR_WRITE
#define SYS_pread64 NABLA_NR_PREAD64
#define SYS_pwrite64 NABLA_NR_PWRITE64
#define SYS_clock_gettime NABLA_NR_CLOCK_GETTIME
#define SYS_exit_group NABLA_NR_EXIT_GROUP
#define SYS_epoll_pwait NABLA_NR_EPOLL_PWAIT
#define SYS_timerfd_settime NABLA_NR_TIMERFD_SETTIME

#define CLOCK_REALTIME NABLA_CLOCK_REALTIME
#define CLOCK_MONOTONIC NABLA_CLOCK_MONOTONIC

#define TFD_TIMER_ABSTIME 1
#define EPOLLIN 0x001
#define EAGAIN 11
#define EINTR 4

struct sys_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

struct sys_itimerspec {
    struct sys_timespec it_interval;
    struct sys_timespec it_value;
};

#endif
