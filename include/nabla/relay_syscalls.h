/*
 * The Linux system calls of the user-mode network relay (see
 * common/relay_policy.c) and the constant arguments its seccomp policy
 * pins. One list for the policy, the relay and the tests. The guest's own
 * calls are in nabla/syscalls.h.
 *
 * Plain #defines, prefixed: the stub also includes the C library's
 * <sys/syscall.h> and <sys/socket.h>, which define their own names.
 */
#ifndef NABLA_RELAY_SYSCALLS_H
#define NABLA_RELAY_SYSCALLS_H

/* The numbers, one list per architecture (nabla/arch/ARCH/), picked as
 * nabla/syscalls.h picks the guest's: -DNABLA_TARGET_ARCH for a host tool
 * that builds another architecture's policy, else the architecture being
 * compiled for. The constants below are the same on both. */
#if defined(NABLA_TARGET_AARCH64)
#include "nabla/arch/aarch64/relay_syscalls.h"
#elif defined(NABLA_TARGET_X86_64)
#include "nabla/arch/x86_64/relay_syscalls.h"
#elif defined(__x86_64__)
#include "nabla/arch/x86_64/relay_syscalls.h"
#elif defined(__aarch64__)
#include "nabla/arch/aarch64/relay_syscalls.h"
#else
#error "nabla: no relay system call numbers for this architecture"
#endif

#define RELAY_AF_INET 2
#define RELAY_SOCK_STREAM 1
#define RELAY_SOCK_DGRAM 2
#define RELAY_SOCK_NONBLOCK 0x800
#define RELAY_SOCK_CLOEXEC 0x80000
#define RELAY_SOCKADDR_IN_SIZE 16
#define RELAY_SHUT_WR 1
#define RELAY_SOL_SOCKET 1
#define RELAY_SO_ERROR 4
#define RELAY_SO_LINGER 13
#define RELAY_IPPROTO_TCP 6
#define RELAY_TCP_NODELAY 1
#define RELAY_SIG_UNBLOCK 1
#define RELAY_P_PIDFD 3
#define RELAY_WNOHANG 1
#define RELAY_WEXITED 4
#define RELAY_CLOCK_MONOTONIC 1

#endif
