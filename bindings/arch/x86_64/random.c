/* Randomness from an x86_64 CPU: RDRAND, else the cycle counter. */
#include "bindings.h"

uint64_t bindings_cpu_random(void)
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
