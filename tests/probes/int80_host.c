/*
 * int80_host: does this host serve 32-bit system calls (int $0x80) to a
 * plain 64-bit process? A static program, not packed and not confined, that
 * makes the i386 getpid call (eax 20) and compares the result with its pid.
 *
 *   served: prints "int80_host: served (getpid returned PID)", exits 0
 *   the call returned something else: prints "int80_host: not served
 *       (returned VALUE, pid PID)", exits 3
 *   the host does not serve it at all: the kernel kills the process (on
 *       x86_64 without IA32 emulation, or with ia32_emulation=0: SIGSEGV)
 *
 * Used by tests/sandbox.bats to know what the packed int80 guest must do.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    long ret;
    long pid = (long)getpid();

    fflush(stdout);
    /* The kernel's int $0x80 entry does not preserve r8-r11. */
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(20L), "b"(0L), "c"(0L), "d"(0L)
                     : "r8", "r9", "r10", "r11", "memory");
    if (ret == pid) {
        printf("int80_host: served (getpid returned %ld)\n", ret);
        return 0;
    }
    printf("int80_host: not served (returned %ld, pid %ld)\n", ret, pid);
    return 3;
}
