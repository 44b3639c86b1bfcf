/*
 * aarch64: the Linux system calls of the user-mode network relay (see
 * common/relay_policy.c), the numbers of the generic system call table
 * (asm-generic/unistd.h) that arm64 uses. Included through
 * nabla/relay_syscalls.h, which picks the architecture being compiled for.
 *
 * The same calls as on x86_64: the generic table has epoll_pwait, not
 * epoll_wait, which the C library's epoll_wait uses on both.
 */
#ifndef NABLA_ARCH_AARCH64_RELAY_SYSCALLS_H
#define NABLA_ARCH_AARCH64_RELAY_SYSCALLS_H

#define RELAY_NR_EPOLL_CTL 21
#define RELAY_NR_EPOLL_PWAIT 22
#define RELAY_NR_CLOSE 57
#define RELAY_NR_READ 63
#define RELAY_NR_WRITE 64
#define RELAY_NR_EXIT_GROUP 94
#define RELAY_NR_WAITID 95
#define RELAY_NR_CLOCK_GETTIME 113
#define RELAY_NR_RT_SIGPROCMASK 135
#define RELAY_NR_SOCKET 198
#define RELAY_NR_CONNECT 203
#define RELAY_NR_SENDTO 206
#define RELAY_NR_RECVFROM 207
#define RELAY_NR_SETSOCKOPT 208
#define RELAY_NR_GETSOCKOPT 209
#define RELAY_NR_SHUTDOWN 210
#define RELAY_NR_ACCEPT4 242
#define RELAY_NR_PIDFD_SEND_SIGNAL 424

#endif
