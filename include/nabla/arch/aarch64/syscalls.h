/*
 * aarch64: the Linux system calls of the spt ABI (docs/abi.md §4), the
 * numbers of the generic system call table (asm-generic/unistd.h) that
 * arm64 uses, and the constant arguments the seccomp policy pins. Included
 * through nabla/syscalls.h, which picks the architecture being compiled
 * for.
 *
 * There is no arch_prctl: a guest sets its thread pointer itself (msr
 * tpidr_el0), so the policy has no TLS rule on aarch64.
 *
 * Plain #defines only: assembly files may include this file through the C
 * preprocessor.
 */
#ifndef NABLA_ARCH_AARCH64_SYSCALLS_H
#define NABLA_ARCH_AARCH64_SYSCALLS_H

#define NABLA_NR_EPOLL_PWAIT 22
#define NABLA_NR_READ 63
#define NABLA_NR_WRITE 64
#define NABLA_NR_PREAD64 67
#define NABLA_NR_PWRITE64 68
#define NABLA_NR_TIMERFD_SETTIME 86
#define NABLA_NR_EXIT_GROUP 94
#define NABLA_NR_CLOCK_GETTIME 113

#define NABLA_CLOCK_REALTIME 0
#define NABLA_CLOCK_MONOTONIC 1

/* The filter's architecture check: AUDIT_ARCH_AARCH64 (linux/audit.h).
 * 32-bit Arm (AArch32) calls carry another one, AUDIT_ARCH_ARM, and are
 * killed by it. */
#define NABLA_AUDIT_ARCH 0xc00000b7u

#endif
