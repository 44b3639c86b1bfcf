/*
 * relocs: a guest with 65,536 pointers the link stores: as a static PIE, as
 * many relative relocations over 512 KiB (128 pages) of relocated read-only
 * data (bench/start-pie, bench/pss-pie). It reads one pointer and sleeps
 * (solo5_yield) for the milliseconds on its command line (default 0), then
 * exits 0.
 */
#include "solo5.h"

static const char text[64] = "relocated";

#define P(i) (text + ((i)&63))
#define X4(i) P(i), P((i) + 1), P((i) + 2), P((i) + 3)
#define X16(i) X4(i), X4((i) + 4), X4((i) + 8), X4((i) + 12)
#define X64(i) X16(i), X16((i) + 16), X16((i) + 32), X16((i) + 48)
#define X256(i) X64(i), X64((i) + 64), X64((i) + 128), X64((i) + 192)
#define X1K(i) X256(i), X256((i) + 256), X256((i) + 512), X256((i) + 768)
#define X4K(i) X1K(i), X1K((i) + 1024), X1K((i) + 2048), X1K((i) + 3072)
#define X16K(i) X4K(i), X4K((i) + 4096), X4K((i) + 8192), X4K((i) + 12288)
const char *const relocs_table[65536] = {X16K(0), X16K(16384), X16K(32768),
                                         X16K(49152)};

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    uint64_t ms = 0;
    size_t digits = 0;

    while (*p >= '0' && *p <= '9' && digits < 9) {
        ms = ms * 10 + (uint64_t)(*p++ - '0');
        digits++;
    }
    solo5_time_t deadline = solo5_clock_monotonic() + ms * 1000000ull;
    while (solo5_clock_monotonic() < deadline) {
        solo5_handle_set_t ready = 0;
        solo5_yield(deadline, &ready);
    }
    /* One pointer, at an index the compiler cannot know. */
    size_t k = (digits * 4099) & 65535;
    return relocs_table[k] == text + (k & 63) ? SOLO5_EXIT_SUCCESS
                                              : SOLO5_EXIT_FAILURE;
}
