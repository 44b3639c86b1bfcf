/*
 * blkbench: block I/O throughput over the whole "storage" device. For every
 * block i in turn: write it (its number and the pass in the first words),
 * read it back, compare. Two passes; prints each pass and the better one:
 *     pass N blocks B ns T ops_per_sec R
 *     ops_per_sec R
 * One op is one block write or one block read: a write+read pair counts 2.
 * Same loop as bench/baseline/blkbench.c (pwrite/pread on a plain file).
 */
#include "solo5.h"

#define MAX_BLOCK 4096
#define PASSES 2

static uint64_t wbuf[MAX_BLOCK / 8], rbuf[MAX_BLOCK / 8];

static void say(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    solo5_console_write(s, n);
}

static void say_u64(uint64_t v)
{
    char buf[24];
    size_t n = sizeof(buf);
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    solo5_console_write(buf + n, sizeof(buf) - n);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    solo5_handle_t h;
    struct solo5_block_info info;

    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK ||
        info.block_size > MAX_BLOCK || info.block_size % 8 != 0) {
        say("blkbench: cannot acquire block device 'storage'\n");
        return SOLO5_EXIT_FAILURE;
    }
    uint64_t bs = info.block_size, nblocks = info.capacity / bs;
    uint64_t words = bs / 8, best = 0;

    for (uint64_t w = 0; w < words; w++)
        wbuf[w] = 0x6e61626c61ull * (w + 1);
    for (uint64_t pass = 1; pass <= PASSES; pass++) {
        solo5_time_t t0 = solo5_clock_monotonic();
        for (uint64_t i = 0; i < nblocks; i++) {
            wbuf[0] = i;
            wbuf[1] = pass;
            if (solo5_block_write(h, i * bs, (const uint8_t *)wbuf, bs) !=
                    SOLO5_R_OK ||
                solo5_block_read(h, i * bs, (uint8_t *)rbuf, bs) !=
                    SOLO5_R_OK) {
                say("blkbench: I/O error\n");
                return SOLO5_EXIT_FAILURE;
            }
            for (uint64_t w = 0; w < words; w++) {
                if (rbuf[w] != wbuf[w]) {
                    say("blkbench: read back differs from what was written\n");
                    return SOLO5_EXIT_FAILURE;
                }
            }
        }
        solo5_time_t ns = solo5_clock_monotonic() - t0;
        if (ns == 0)
            ns = 1;
        uint64_t rate = 2 * nblocks * 1000000000ull / ns;
        if (rate > best)
            best = rate;
        say("pass ");
        say_u64(pass);
        say(" blocks ");
        say_u64(nblocks);
        say(" ns ");
        say_u64(ns);
        say(" ops_per_sec ");
        say_u64(rate);
        say("\n");
    }
    say("ops_per_sec ");
    say_u64(best);
    say("\n");
    return SOLO5_EXIT_SUCCESS;
}
