/*
 * The x86_64 Linux system calls of the spt ABI (docs/abi.md §4) and the
 * constant arguments the seccomp policy pins. One list for the guest's bindings
 * (bindings/sys.h), the policy (common/policy.h) and the exit trampoline
 * (stub/trampoline.S), so that the calls a guest makes and the calls the
 * filter allows cannot drift apart.
 *
 * Plain #defines only: stub/trampoline.S includes this file through the C
 * preprocessor. The names are prefixed because the stub also includes the C
 * library's <sys/syscall.h>, which defines SYS_* its own way.
 */
#ifndef NABLA_SYSCALLS_H
#define NABLA_SYSCALLS_H

#if !defined(__x86_64__)
#error "nabla: only x86_64 system call numbers are defined for now"
#endif

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

#endif
