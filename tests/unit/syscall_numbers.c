/*
 * The system call numbers of nabla/syscalls.h and of the user-mode relay
 * (nabla/relay_syscalls.h) against the kernel's own
 * <asm/unistd.h>, and its audit architecture against <linux/audit.h>, for
 * the architecture this file is compiled for: a wrong number fails the
 * build. mk/aarch64.mk compiles it for x86_64 and for
 * aarch64 (Debian's linux-libc-dev and linux-libc-dev-arm64-cross).
 */
#include <asm/unistd.h>
#include <linux/audit.h>

#include "nabla/relay_syscalls.h"
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

#define RELAY_SAME(name, nr) _Static_assert(RELAY_NR_##name == nr, #nr)
RELAY_SAME(READ, __NR_read);
RELAY_SAME(WRITE, __NR_write);
RELAY_SAME(CLOSE, __NR_close);
RELAY_SAME(RT_SIGPROCMASK, __NR_rt_sigprocmask);
RELAY_SAME(SOCKET, __NR_socket);
RELAY_SAME(CONNECT, __NR_connect);
RELAY_SAME(SENDTO, __NR_sendto);
RELAY_SAME(RECVFROM, __NR_recvfrom);
RELAY_SAME(SHUTDOWN, __NR_shutdown);
RELAY_SAME(SETSOCKOPT, __NR_setsockopt);
RELAY_SAME(GETSOCKOPT, __NR_getsockopt);
RELAY_SAME(CLOCK_GETTIME, __NR_clock_gettime);
RELAY_SAME(EXIT_GROUP, __NR_exit_group);
RELAY_SAME(EPOLL_CTL, __NR_epoll_ctl);
RELAY_SAME(WAITID, __NR_waitid);
RELAY_SAME(EPOLL_PWAIT, __NR_epoll_pwait);
RELAY_SAME(ACCEPT4, __NR_accept4);
RELAY_SAME(PIDFD_SEND_SIGNAL, __NR_pidfd_send_signal);

#if defined(__x86_64__)
_Static_assert(NABLA_AUDIT_ARCH == AUDIT_ARCH_X86_64, "audit arch");
_Static_assert(NABLA_NR_ARCH_PRCTL == __NR_arch_prctl, "arch_prctl");
_Static_assert(NABLA_X32_SYSCALL_BIT == __X32_SYSCALL_BIT, "x32 bit");
#elif defined(__aarch64__)
_Static_assert(NABLA_AUDIT_ARCH == AUDIT_ARCH_AARCH64, "audit arch");
#else
#error "syscall_numbers.c: no checks for this architecture"
#endif
#if !defined(__x86_64__)
/* Only x86_64 sets its thread pointer through a system call. */
#if defined(NABLA_NR_ARCH_PRCTL) || defined(NABLA_X32_SYSCALL_BIT)
#error "NABLA_NR_ARCH_PRCTL and NABLA_X32_SYSCALL_BIT are x86_64's alone"
#endif
#endif
