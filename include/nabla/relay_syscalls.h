/*
 * The x86_64 Linux system calls of the user-mode network relay (see
 * common/relay_policy.c) and the constant arguments its seccomp policy
 * pins. One list for the policy, the relay and the tests. The guest's own
 * calls are in nabla/syscalls.h.
 *
 * Plain #defines, prefixed: the stub also includes the C library's
 * <sys/syscall.h> and <sys/socket.h>, which define their own names.
 */
#ifndef NABLA_RELAY_SYSCALLS_H
#define NABLA_RELAY_SYSCALLS_H

#if !defined(__x86_64__)
#error "nabla: only x86_64 system call numbers are defined for now"
#endif

#define RELAY_NR_READ 0
#define RELAY_NR_WRITE 1
#define RELAY_NR_CLOSE 3
#define RELAY_NR_RT_SIGPROCMASK 14
#define RELAY_NR_SOCKET 41
#define RELAY_NR_CONNECT 42
#define RELAY_NR_SENDTO 44
#define RELAY_NR_RECVFROM 45
#define RELAY_NR_SHUTDOWN 48
#define RELAY_NR_SETSOCKOPT 54
#define RELAY_NR_GETSOCKOPT 55
#define RELAY_NR_CLOCK_GETTIME 228
#define RELAY_NR_EXIT_GROUP 231
#define RELAY_NR_EPOLL_CTL 233
#define RELAY_NR_WAITID 247
#define RELAY_NR_EPOLL_PWAIT 281
#define RELAY_NR_ACCEPT4 288
#define RELAY_NR_PIDFD_SEND_SIGNAL 424

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
