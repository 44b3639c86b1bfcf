/* The test guests' view of aarch64 (tests/guests/arch.h). */
#ifndef NABLA_TEST_ARCH_AARCH64_H
#define NABLA_TEST_ARCH_AARCH64_H

#include <stdint.h>

/* The spt policy's calls (docs/abi.md §4): the generic table. There is no
 * arch_prctl on aarch64. */
#define NR_EPOLL_PWAIT 22
#define NR_READ 63
#define NR_WRITE 64
#define NR_PREAD64 67
#define NR_PWRITE64 68
#define NR_TIMERFD_SETTIME 86
#define NR_EXIT_GROUP 94
#define NR_CLOCK_GETTIME 113
/* Two calls outside it (aarch64 has no open: openat). */
#define NR_GETPID 172
#define NR_OPENAT 56

#define ARCH_SP_NAME "sp"
/* The stack pointer at the guest's entry point: mem_size - this. */
#define ARCH_ENTRY_SP_OFFSET 16
#define ARCH_ENTRY_SP_OFFSET_TEXT "16"

static inline long raw_syscall6(unsigned long nr, unsigned long a1,
                                unsigned long a2, unsigned long a3,
                                unsigned long a4, unsigned long a5,
                                unsigned long a6)
{
    register unsigned long x8 __asm__("x8") = nr;
    register unsigned long x0 __asm__("x0") = a1;
    register unsigned long x1 __asm__("x1") = a2;
    register unsigned long x2 __asm__("x2") = a3;
    register unsigned long x3 __asm__("x3") = a4;
    register unsigned long x4 __asm__("x4") = a5;
    register unsigned long x5 __asm__("x5") = a6;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return (long)x0;
}

static inline uintptr_t arch_stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* TLS variant I: the thread pointer points to a 16-byte control block,
 * the TLS block follows it. */
#define ARCH_TLS_VARIANT 1
#define ARCH_TLS_TCB_SIZE 16

/* The thread pointer: tpidr_el0 itself. */
static inline uintptr_t arch_thread_pointer(void)
{
    uintptr_t v;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
    return v;
}

/* A word read through the thread pointer, at the offset x86_64's C
 * libraries keep their stack guard (any offset would do). */
#define ARCH_TLS_GUARD_NAME "[tpidr_el0 + 0x28]"
static inline unsigned long arch_tls_guard_read(void)
{
    unsigned long v;
    __asm__ volatile("mrs %0, tpidr_el0\n\tldr %0, [%0, #0x28]" : "=r"(v));
    return v;
}

/* A return instruction (ret: 0xd65f03c0), as bytes. */
#define ARCH_RET_BYTES                                                         \
    {                                                                          \
        0xc0, 0x03, 0x5f, 0xd6                                                 \
    }

#endif
