/*
 * x86_64: the Linux system calls of the spt ABI (docs/abi.md §4) and the
 * constant arguments the seccomp policy pins. Included through
 * nabla/syscalls.h, which picks the architecture being compiled for.
 *
 * Plain #defines only: stub/trampoline.S includes this file through the C
 * preprocessor.
 */
#ifndef NABLA_ARCH_X86_64_SYSCALLS_H
#define NABLA_ARCH_X86_64_SYSCALLS_H

#define NABLA_NR_READ 0
#define NABLA_NR_WRITE 1
#define NABLA_NR_PREAD64 17
#define NABLA_NR_PWRITE64 18
#define NABLA_NR_ARCH_PRCTL 158
#define NABLA_NR_CLOCK_GETTIME 228
#define NABLA_NR_EXIT_GROUP 231
#define NABLA_NR_EPOLL_PWAIT 281
#define NABLA_NR_TIMERFD_SETTIME 286

#define NABLA_CLOCK_REALTIME 0
#define NABLA_CLOCK_MONOTONIC 1
#define NABLA_ARCH_SET_FS 0x1002

/* The filter's architecture check: AUDIT_ARCH_X86_64 (linux/audit.h). */
#define NABLA_AUDIT_ARCH 0xc000003eu
/* An x32 system call is an x86_64 one with this bit set in its number: the
 * filter matches exact numbers, so it kills every x32 call. */
#define NABLA_X32_SYSCALL_BIT 0x40000000u

#endif
