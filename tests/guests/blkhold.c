/*
 * blkhold MILLISECONDS WORD: holds its disk image for a while, as a
 * service would. Writes WORD (up to 64 bytes, NUL-padded) to block 0 of
 * block device "storage", prints "holding", waits MILLISECONDS, prints
 * "done" and exits 0. Two instances on one image: the second must be
 * refused before it writes (the stub's lock, stub/block.c).
 */
#include "solo5.h"
#include "say.h"

static uint8_t block[4096];

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    uint64_t ms = 0;
    struct solo5_block_info info;
    solo5_handle_t h;

    while (*p >= '0' && *p <= '9')
        ms = ms * 10 + (uint64_t)(*p++ - '0');
    while (*p == ' ')
        p++;
    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK ||
        info.block_size > sizeof(block)) {
        say("blkhold: no usable block device 'storage'\n");
        return 2;
    }
    for (size_t i = 0; i < 64 && p[i] != '\0' && p[i] != ' '; i++)
        block[i] = (uint8_t)p[i];
    if (solo5_block_write(h, 0, block, info.block_size) != SOLO5_R_OK) {
        say("blkhold: write failed\n");
        return 1;
    }
    say("holding\n");
    solo5_time_t deadline = solo5_clock_monotonic() + ms * 1000000ull;
    while (solo5_clock_monotonic() < deadline) {
        solo5_handle_set_t ready = 0;
        solo5_yield(deadline, &ready);
    }
    say("done\n");
    return 0;
}
