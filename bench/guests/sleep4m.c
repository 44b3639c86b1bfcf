/*
 * sleep4m: a guest with 4 MiB of initialised data that reads one byte of it
 * and sleeps (solo5_yield) for the number of milliseconds on its command line
 * (default 3000), then exits 0. Used to measure the memory (PSS) of many
 * instances running at once.
 */
#include "solo5.h"

static unsigned char data[4 << 20] = {1, 2, 3};

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    uint64_t ms = 0;
    size_t digits = 0;

    while (*p >= '0' && *p <= '9' && digits < 9) {
        ms = ms * 10 + (uint64_t)(*p++ - '0');
        digits++;
    }
    if (digits == 0)
        ms = 3000;
    /* One byte, at an index the compiler cannot know (0 for "3000"). */
    unsigned char first = data[(digits / 8) % sizeof(data)];

    solo5_time_t deadline = solo5_clock_monotonic() + ms * 1000000ull;
    while (solo5_clock_monotonic() < deadline) {
        solo5_handle_set_t ready = 0;
        solo5_yield(deadline, &ready);
    }
    return first == 1 ? SOLO5_EXIT_SUCCESS : SOLO5_EXIT_FAILURE;
}
