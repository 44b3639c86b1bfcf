/*
 * sleep: checks solo5_yield and the monotonic clock. With argument N, it
 * yields until now + N ms (calling solo5_yield again after early wake-ups),
 * printing
 *     start NS / end NS / elapsed NS
 * (monotonic nanoseconds), then reads the monotonic clock 100000 times in a
 * row and prints "monotonic ok" or "monotonic WENT BACK".
 */
#include "solo5.h"
#include "say.h"

#define MONOTONIC_READS 100000

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    uint64_t ms = 0;
    int digits = 0;

    while (*p >= '0' && *p <= '9' && digits < 9) {
        ms = ms * 10 + (uint64_t)(*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || (*p != '\0' && *p != ' ')) {
        say("sleep: usage: sleep MILLISECONDS\n");
        return 2;
    }

    solo5_time_t start = solo5_clock_monotonic();
    solo5_time_t deadline = start + ms * 1000000ull;
    solo5_time_t now;
    unsigned long yields = 0;
    while ((now = solo5_clock_monotonic()) < deadline) {
        solo5_handle_set_t ready = 0;
        solo5_yield(deadline, &ready);
        yields++;
    }
    say_u64("start ", start);
    say_u64("end ", now);
    say_u64("elapsed ", now - start);
    say_u64("yields ", yields);

    solo5_time_t prev = solo5_clock_monotonic();
    int back = 0;
    for (int i = 0; i < MONOTONIC_READS; i++) {
        solo5_time_t t = solo5_clock_monotonic();
        if (t < prev)
            back = 1;
        prev = t;
    }
    say(back ? "monotonic WENT BACK\n" : "monotonic ok\n");
    return back ? 1 : 0;
}
