/*
 * The system call numbers of nabla/syscalls.h against the kernel's own
 * <asm/unistd.h>, for the architecture this file is compiled for: a wrong
 * number fails the build. mk/aarch64.mk compiles it for x86_64 and for
 * aarch64 (Debian's linux-libc-dev and linux-libc-dev-arm64-cross).
 */
#include <asm/unistd.h>

#include "nabla/syscalls.h"

_Static_assert(NABLA_NR_READ == __NR_read, "read");
_Static_assert(NABLA_NR_WRITE == __NR_write, "write");
_Static_assert(NABLA_NR_PREAD64 == __NR_pread64, "pread64");
_Static_assert(NABLA_NR_PWRITE64 == __NR_pwrite64, "pwrite64");
_Static_assert(NABLA_NR_CLOCK_GETTIME == __NR_clock_gettime, "clock_gettime");
_Static_assert(NABLA_NR_EXIT_GROUP == __NR_exit_group, "exit_group");
_Static_assert(NABLA_NR_EPOLL_PWAIT == __NR_epoll_pwait, "epoll_pwait");
_Static_assert(NABLA_NR_TIMERFD_SETTIME == __NR_timerfd_settime,
               "timerfd_settime");
#if defined(__x86_64__)
_Static_assert(NABLA_NR_ARCH_PRCTL == __NR_arch_prctl, "arch_prctl");
#else
/* Only x86_64 sets its thread pointer through a system call. */
#if defined(NABLA_NR_ARCH_PRCTL)
#error "NABLA_NR_ARCH_PRCTL is x86_64's alone"
#endif
#endif
