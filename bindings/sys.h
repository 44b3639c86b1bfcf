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

/* The spt ABI's calls are nabla/syscalls.h's NABLA_NR_*: the list the
 * seccomp policy allows, under the one name both use. */

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
