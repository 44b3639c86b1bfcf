/*
 * Raw Linux system calls for the guest side. The guest has no libc: these
 * few inline functions are the only way out, and the stub's seccomp filter
 * decides which of them succeed.
 */
#ifndef NABLA_BINDINGS_SYS_H
#define NABLA_BINDINGS_SYS_H

#include <stddef.h>
#include <stdint.h>

#if !defined(__x86_64__)
#error "nabla bindings: only x86_64 is supported for now"
#endif

#include "nabla/syscalls.h"

/* The spt ABI's calls (nabla/syscalls.h, the list the seccomp policy allows),
 * by their Linux names. */
#define SYS_read NABLA_NR_READ
#define SYS_write NABLA_NR_WRITE
#define SYS_pread64 NABLA_NR_PREAD64
#define SYS_pwrite64 NABLA_NR_PWRITE64
#define SYS_arch_prctl NABLA_NR_ARCH_PRCTL
#define SYS_clock_gettime NABLA_NR_CLOCK_GETTIME
#define SYS_exit_group NABLA_NR_EXIT_GROUP
#define SYS_epoll_pwait NABLA_NR_EPOLL_PWAIT
#define SYS_timerfd_settime NABLA_NR_TIMERFD_SETTIME

#define CLOCK_REALTIME NABLA_CLOCK_REALTIME
#define CLOCK_MONOTONIC NABLA_CLOCK_MONOTONIC
#define ARCH_SET_FS NABLA_ARCH_SET_FS

#define TFD_TIMER_ABSTIME 1
#define EPOLLIN 0x001
#define EAGAIN 11
#define EINTR 4

static inline long sys_call1(long n, long a)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long sys_call3(long n, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long sys_call4(long n, long a, long b, long c, long d)
{
    long ret;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long sys_call6(long n, long a, long b, long c, long d, long e,
                             long f)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
                       "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

struct sys_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

struct sys_itimerspec {
    struct sys_timespec it_interval;
    struct sys_timespec it_value;
};

struct sys_epoll_event {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));

#endif
