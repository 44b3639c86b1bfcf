/*
 * Randomness from an aarch64 CPU: the virtual counter (cntvct_el0, readable
 * at EL0 under Linux), mixed with the clock, as Solo5 seeds its guard.
 */
#include "bindings.h"

uint64_t bindings_cpu_random(void)
{
    uint64_t v;

    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
    v ^= solo5_clock_wall();
    v ^= v >> 29;
    v *= 0xbf58476d1ce4e5b9ull;
    v ^= v >> 32;
    return v;
}
