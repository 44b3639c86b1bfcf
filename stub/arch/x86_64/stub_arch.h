/*
 * x86_64: what the stub does its own way on this architecture. Each
 * architecture has this header in stub/arch/ARCH/ (the Makefile puts that
 * directory on the include path), beside its process entry (start.S) and
 * its exit trampoline (trampoline.S). The rest of the stub is the same
 * source for every architecture.
 */
#ifndef NABLA_STUB_ARCH_H
#define NABLA_STUB_ARCH_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/*
 * System calls for the code that runs before the C library starts
 * (stub/entry.c): inlined, so that nothing of it lies outside its section.
 */
static inline __attribute__((always_inline)) long
entry_syscall3(long nr, long a0, long a1, long a2)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
                     : "rcx", "r11", "memory");
    return ret;
}

/* stat(path, st): 0, or a negative errno. */
static inline __attribute__((always_inline)) long entry_stat(const char *path,
                                                             struct stat *st)
{
    return entry_syscall3(SYS_stat, (long)path, (long)st, 0);
}

/* The guest's stack pointer at its entry point (docs/abi.md §3). */
static inline uint64_t arch_guest_stack(uint64_t mem_size)
{
    return mem_size - 8;
}

/*
 * The end of the user address space: everything from the end of guest
 * memory up to it is the stub's, and is unmapped before the jump
 * (stub/leave.c). [vsyscall] lies above it and stays (the kernel pins it).
 */
static inline uint64_t arch_user_space_end(void)
{
    return 0x7ffffffff000ull;
}

/*
 * A kernel the stub cannot confine a guest on as docs/abi.md assumes is
 * refused here, before any device is opened. On x86_64 pages are always
 * 4 KiB, and a kernel without seccomp filters fails the exit trampoline's
 * seccomp call, which refuses to start the guest (fail closed).
 */
static inline void arch_check_kernel(void)
{
}

/* It moves and relocates a position-independent guest (aslr.c:
 * R_X86_64_RELATIVE). */
#define ARCH_GUEST_PIE 1

#endif
