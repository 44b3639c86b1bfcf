/* Clocks, read with the clock_gettime system call (no vDSO in the guest). */
#include "bindings.h"
#include "sys.h"

static solo5_time_t clock_read(int clock)
{
    struct sys_timespec ts;
    long rc = sys_call3(NABLA_NR_CLOCK_GETTIME, clock, (long)&ts, 0);
    if (rc != 0)
        solo5_abort();
    return (solo5_time_t)ts.tv_sec * 1000000000ull + (solo5_time_t)ts.tv_nsec;
}

solo5_time_t solo5_clock_monotonic(void)
{
    return clock_read(CLOCK_MONOTONIC);
}

solo5_time_t solo5_clock_wall(void)
{
    return clock_read(CLOCK_REALTIME);
}
