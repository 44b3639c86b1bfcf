/*
 * x86_64 system calls for the bindings (included by bindings/sys.h): the
 * number in rax, arguments in rdi, rsi, rdx, r10, r8, r9, the result in
 * rax; the syscall instruction clobbers rcx and r11.
 */
#ifndef NABLA_BINDINGS_ARCH_SYSCALL_H
#define NABLA_BINDINGS_ARCH_SYSCALL_H

#include <stdint.h>

#define ARCH_SET_FS NABLA_ARCH_SET_FS

static inline long sys_call1(long n, long a)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long sys_call3(long n, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long sys_call4(long n, long a, long b, long c, long d)
{
    long ret;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long sys_call6(long n, long a, long b, long c, long d, long e,
                             long f)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
                       "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* x86_64's struct epoll_event is packed: 12 bytes, data at offset 4. */
struct sys_epoll_event {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));

#endif
