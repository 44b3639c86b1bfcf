/* The test guests' view of x86_64 (tests/guests/arch.h). */
#ifndef NABLA_TEST_ARCH_X86_64_H
#define NABLA_TEST_ARCH_X86_64_H

#include <stdint.h>

/* The spt policy's calls (docs/abi.md §4). */
#define NR_READ 0
#define NR_WRITE 1
#define NR_PREAD64 17
#define NR_PWRITE64 18
#define NR_ARCH_PRCTL 158
#define NR_CLOCK_GETTIME 228
#define NR_EXIT_GROUP 231
#define NR_EPOLL_PWAIT 281
#define NR_TIMERFD_SETTIME 286
/* Two calls outside it. */
#define NR_GETPID 39
#define NR_OPEN 2

/* What the stack pointer is called in the guests' messages. */
#define ARCH_SP_NAME "rsp"
/* The stack pointer at the guest's entry point: mem_size - this. */
#define ARCH_ENTRY_SP_OFFSET 8
#define ARCH_ENTRY_SP_OFFSET_TEXT "8"

static inline long raw_syscall6(unsigned long nr, unsigned long a1,
                                unsigned long a2, unsigned long a3,
                                unsigned long a4, unsigned long a5,
                                unsigned long a6)
{
    long ret;
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    register unsigned long r9 __asm__("r9") = a6;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
                       "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline uintptr_t arch_stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    return sp;
}

/* TLS variant II: the TLS block lies below the thread pointer. */
#define ARCH_TLS_VARIANT 2

/* The thread pointer as the CPU sees it: the word at %fs:0 (variant II:
 * the TCB's first word points to itself). */
static inline uintptr_t arch_thread_pointer(void)
{
    uintptr_t v;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    return v;
}

/* The word at offset 0x28 from the thread pointer, where a host C library
 * keeps its stack guard. */
#define ARCH_TLS_GUARD_NAME "%fs:0x28"
static inline unsigned long arch_tls_guard_read(void)
{
    unsigned long v;
    __asm__ volatile("movq %%fs:0x28, %0" : "=r"(v));
    return v;
}

/* A return instruction, as bytes. */
#define ARCH_RET_BYTES                                                         \
    {                                                                          \
        0xc3                                                                   \
    }

#endif
