/*
 * aarch64: what the stub does its own way on this architecture (see
 * stub/arch/x86_64/stub_arch.h for the list), beside its process entry
 * (start.S), its exit trampoline (trampoline.S) and kernel.c.
 */
#ifndef NABLA_STUB_ARCH_H
#define NABLA_STUB_ARCH_H

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/*
 * System calls for the code that runs before the C library starts
 * (stub/entry.c): inlined, so that nothing of it lies outside its section.
 * svc #0: the number in x8, the arguments in x0-x5, the result in x0.
 */
static inline __attribute__((always_inline)) long
entry_syscall4(long nr, long a0, long a1, long a2, long a3)
{
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a0;
    register long x1 __asm__("x1") = a1;
    register long x2 __asm__("x2") = a2;
    register long x3 __asm__("x3") = a3;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
                     : "memory");
    return x0;
}

static inline __attribute__((always_inline)) long
entry_syscall3(long nr, long a0, long a1, long a2)
{
    return entry_syscall4(nr, a0, a1, a2, 0);
}

/* stat(path, st): 0, or a negative errno. The generic system call table
 * has no stat: newfstatat(AT_FDCWD, path, st, 0) is the same. */
static inline __attribute__((always_inline)) long entry_stat(const char *path,
                                                             struct stat *st)
{
    return entry_syscall4(SYS_newfstatat, AT_FDCWD, (long)path, (long)st, 0);
}

/* The guest's stack pointer at its entry point (docs/abi.md §3): 16 bytes
 * below the end of guest memory, as the AAPCS64 keeps sp 16-aligned. */
static inline uint64_t arch_guest_stack(uint64_t mem_size)
{
    return mem_size - 16;
}

/* The end of the user address space, which depends on how the kernel was
 * configured (39, 48 or 52 bits of virtual address): kernel.c. */
uint64_t arch_user_space_end(void);

/* Refuses, with one line, a kernel whose pages are not 4 KiB or that
 * offers no seccomp filters (qemu-user): kernel.c. */
void arch_check_kernel(void);

/* A position-independent guest is refused (memory.c): aslr.c relocates
 * R_X86_64_RELATIVE only, and nabla-pack packs no aarch64 PIE guest. */
#define ARCH_GUEST_PIE 0

#endif
