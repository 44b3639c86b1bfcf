/*
 * notls: a guest that never sets up TLS (no solo5_tls_init, no
 * solo5_set_tls_base) prints, yields for 10 ms, prints again and exits 0:
 * the tender's side of yield, clock and console must not need a guest TLS
 * base. Prints "notls start", then "notls ok" after the yield.
 */
#include "solo5.h"
#include "say.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    say("notls start\n");
    solo5_time_t start = solo5_clock_monotonic();
    solo5_time_t deadline = start + 10000000ull;
    while (solo5_clock_monotonic() < deadline) {
        solo5_handle_set_t ready = 0;
        solo5_yield(deadline, &ready);
    }
    (void)solo5_clock_wall();
    if (solo5_clock_monotonic() - start < 10000000ull) {
        say("notls: FAILED: yield returned early\n");
        return 1;
    }
    say("notls ok\n");
    return 0;
}
