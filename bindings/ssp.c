/*
 * Stack smashing protection. The guard is chosen at every start, before any
 * protected function runs; a smashed stack aborts the guest.
 */
#include "bindings.h"

uintptr_t __stack_chk_guard;

static uint64_t cpu_random(void)
{
    uint32_t eax, ebx, ecx, edx;
    uint64_t v = 0;

    __asm__ volatile("cpuid"
                     : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
                     : "a"(1), "c"(0));
    if (ecx & (1u << 30)) { /* RDRAND */
        for (int tries = 0; tries < 10; tries++) {
            unsigned char ok;
            __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
            if (ok)
                return v;
        }
    }
    /* No RDRAND: mix the cycle counter with the clock. */
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    v = ((uint64_t)hi << 32 | lo) ^ solo5_clock_wall();
    v ^= v >> 29;
    v *= 0xbf58476d1ce4e5b9ull;
    v ^= v >> 32;
    return v;
}

/* Called first thing, with the boot information not yet parsed. */
void bindings_ssp_init(void)
{
    const struct nabla_boot_ext *ext =
        (const struct nabla_boot_ext *)NABLA_BOOT_EXT_BASE;
    uintptr_t guard;

    /* The nabla stub hands over the kernel's AT_RANDOM bytes; RDRAND is the
     * fallback under other tenders (it can be slow in a VM). */
    if (ext->magic == NABLA_BOOT_EXT_MAGIC) {
        guard = 0;
        for (int i = 0; i < 8; i++)
            guard |= (uintptr_t)ext->random[i] << (8 * i);
    } else {
        guard = (uintptr_t)cpu_random();
    }
    /* A zero low byte stops string functions from reading the guard. */
    __stack_chk_guard = guard & ~(uintptr_t)0xff;
}

void __stack_chk_fail(void) __attribute__((noreturn));

void __stack_chk_fail(void)
{
    static const char msg[] = "nabla: stack smashing detected\n";
    solo5_console_write(msg, sizeof(msg) - 1);
    solo5_abort();
}
