/*
 * x86_64: the Linux system calls of the user-mode network relay (see
 * common/relay_policy.c). Included through nabla/relay_syscalls.h, which
 * picks the architecture being compiled for.
 */
#ifndef NABLA_ARCH_X86_64_RELAY_SYSCALLS_H
#define NABLA_ARCH_X86_64_RELAY_SYSCALLS_H

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

#endif
