/*
 * deverr: what the bindings answer to device calls they must refuse, and to
 * a host that fails a write. Devices (deverr.json): block 'storage', net
 * 'service'. The first argument picks the check:
 *
 *   einval      every call of the list below that the bindings must refuse
 *               returns SOLO5_R_EINVAL, before any system call (the seccomp
 *               filter would kill the guest for most of them); prints one
 *               line per call that does not, then "einval: N calls, all
 *               SOLO5_R_EINVAL" or "einval: F of N calls not SOLO5_R_EINVAL"
 *   write-all   writes every block of 'storage' in turn (block K filled
 *               with byte K % 251 + 1), stopping at the first that does not
 *               return SOLO5_R_OK: "write block K: RESULT"; then reads back
 *               what was written: "wrote N blocks, read back ok"
 *   read-empty  one solo5_net_read on 'service' with nothing to read:
 *               "net read: RESULT" (SOLO5_R_AGAIN expected)
 *   yield       one solo5_yield to 20 ms from now: "yield: ready 0x...",
 *               the handle set it gave (the timer is no device: 0 unless
 *               'service' had input, then 1 << its handle)
 *
 * Exit status 0 if the check passed, 1 if not, 2 for a bad argument.
 */
#include "base.h"
#include "nabla/abi.h"
#include "say.h"

#define MAX_BLOCK 32768
#define MAX_FRAME 65536

static uint8_t buf[2 * MAX_BLOCK];
static uint8_t frame[MAX_FRAME + 64];

/* v in decimal, no newline. */
static void say_dec(uint64_t v)
{
    char b[24];
    size_t n = sizeof(b);
    do {
        b[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    solo5_console_write(b + n, sizeof(b) - n);
}

static const char *result_name(solo5_result_t r)
{
    switch (r) {
    case SOLO5_R_OK:
        return "SOLO5_R_OK";
    case SOLO5_R_AGAIN:
        return "SOLO5_R_AGAIN";
    case SOLO5_R_EINVAL:
        return "SOLO5_R_EINVAL";
    case SOLO5_R_EUNSPEC:
        return "SOLO5_R_EUNSPEC";
    }
    return "(unknown result)";
}

static int word_is(const char *s, const char *word)
{
    while (*word && *s == *word) {
        s++;
        word++;
    }
    return *word == '\0' && (*s == '\0' || *s == ' ');
}

static void copy_bytes(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
}

static void fill(uint8_t *p, size_t n, uint8_t v)
{
    while (n--)
        *p++ = v;
}

/* The manifest the stub filled in: the guest's own memory. */
static struct mft *boot_mft(void)
{
    const struct spt_boot_info *bi = guest_boot_info();
    return (struct mft *)(uintptr_t)bi->mft;
}

static int einval_calls, einval_failures;

/* One call the bindings must refuse. */
static void want_einval(solo5_result_t r, const char *what)
{
    einval_calls++;
    if (r != SOLO5_R_EINVAL) {
        say("deverr: ");
        say(what);
        say(": ");
        say(result_name(r));
        say(", not SOLO5_R_EINVAL\n");
        einval_failures++;
    }
}

/*
 * A handle that names no device must be refused whatever lies in the
 * guest's memory where such an entry would be: entry 0 and the entry past
 * the last are made to look exactly like 'storage' (attached, its fd)
 * while they are tried, then put back.
 */
static void forged_handle(solo5_handle_t storage, solo5_handle_t h,
                          const char *what)
{
    struct mft *mft = boot_mft();
    struct mft_entry saved;

    copy_bytes(&saved, &mft->e[h], sizeof(saved));
    copy_bytes(&mft->e[h], &mft->e[storage], sizeof(saved));
    want_einval(
        solo5_block_read(h, 0, buf, mft->e[storage].u.block_basic.block_size),
        what);
    copy_bytes(&mft->e[h], &saved, sizeof(saved));
}

static int check_einval(void)
{
    struct solo5_block_info bi;
    struct solo5_net_info ni;
    solo5_handle_t blk, net, h;

    if (solo5_block_acquire("storage", &blk, &bi) != SOLO5_R_OK ||
        solo5_net_acquire("service", &net, &ni) != SOLO5_R_OK) {
        say("deverr: cannot acquire 'storage' and 'service'\n");
        return 1;
    }
    size_t bs = bi.block_size;
    uint64_t cap = bi.capacity;
    size_t frame_max = (size_t)ni.mtu + SOLO5_NET_HLEN;
    if (bs > MAX_BLOCK || cap < 2 * bs || frame_max > MAX_FRAME) {
        say("deverr: unexpected device sizes\n");
        return 1;
    }

    /* Offsets that are not a multiple of the block size. */
    want_einval(solo5_block_read(blk, 1, buf, bs), "read at offset 1");
    want_einval(solo5_block_write(blk, bs / 2, buf, bs),
                "write at offset block size / 2");
    want_einval(solo5_block_read(blk, bs + 1, buf, bs),
                "read at offset block size + 1");
    want_einval(solo5_block_write(blk, cap - bs - 1, buf, bs),
                "write at offset capacity - block size - 1");
    /* Past the end. */
    want_einval(solo5_block_read(blk, cap, buf, bs), "read at offset capacity");
    want_einval(solo5_block_write(blk, cap, buf, bs),
                "write at offset capacity");
    want_einval(solo5_block_read(blk, 0 - (uint64_t)bs, buf, bs),
                "read at offset 2^64 - block size");
    /* Not one block. */
    want_einval(solo5_block_read(blk, 0, buf, bs - 1),
                "read of block size - 1 bytes");
    want_einval(solo5_block_write(blk, 0, buf, 2 * bs), "write of two blocks");
    want_einval(solo5_block_read(blk, 0, buf, 0), "read of 0 bytes");
    /* Handles that name no device, or a device of the other type. */
    h = boot_mft()->entries;
    forged_handle(blk, 0, "read with handle 0 (the reserved entry)");
    forged_handle(blk, h,
                  "read with handle = number of entries (past the last)");
    want_einval(solo5_block_read(MFT_MAX_ENTRIES, 0, buf, bs),
                "read with handle 64");
    want_einval(solo5_block_read(~(solo5_handle_t)0, 0, buf, bs),
                "read with handle 2^64 - 1");
    want_einval(solo5_net_write(blk, frame, 60),
                "net write with the block device's handle");
    want_einval(solo5_block_read(net, 0, buf, bs),
                "block read with the net device's handle");
    /* The same with sizes that the other type's fields, read from the
     * wrong entry, would let through. */
    want_einval(solo5_net_write(blk, frame, SOLO5_NET_HLEN),
                "net write of 14 bytes with the block device's handle");
    want_einval(solo5_block_read(net, 0, buf, 0),
                "block read of 0 bytes with the net device's handle");
    /* Frames that do not fit. */
    want_einval(solo5_net_write(net, frame, frame_max + 1),
                "net write of MTU + 15 bytes");
    size_t got;
    want_einval(solo5_net_read(net, frame, frame_max - 1, &got),
                "net read into MTU + 13 bytes");
    /* Names that are not devices of the type asked for. */
    want_einval(solo5_block_acquire("service", &h, &bi),
                "block acquire of the net device");
    want_einval(solo5_net_acquire("nosuch", &h, &ni),
                "net acquire of 'nosuch'");

    say("einval: ");
    if (einval_failures == 0) {
        say_dec((uint64_t)einval_calls);
        say(" calls, all SOLO5_R_EINVAL\n");
        return 0;
    }
    say_dec((uint64_t)einval_failures);
    say(" of ");
    say_dec((uint64_t)einval_calls);
    say(" calls not SOLO5_R_EINVAL\n");
    return 1;
}

static int write_all(void)
{
    struct solo5_block_info bi;
    solo5_handle_t blk;

    if (solo5_block_acquire("storage", &blk, &bi) != SOLO5_R_OK ||
        bi.block_size > MAX_BLOCK) {
        say("deverr: cannot acquire 'storage'\n");
        return 1;
    }
    uint64_t n = bi.capacity / bi.block_size;
    for (uint64_t k = 0; k < n; k++) {
        fill(buf, bi.block_size, (uint8_t)(k % 251 + 1));
        solo5_result_t r =
            solo5_block_write(blk, k * bi.block_size, buf, bi.block_size);
        if (r != SOLO5_R_OK) {
            say("write block ");
            say_dec(k);
            say(": ");
            say(result_name(r));
            say("\n");
            return 1;
        }
    }
    for (uint64_t k = 0; k < n; k++) {
        solo5_result_t r =
            solo5_block_read(blk, k * bi.block_size, buf, bi.block_size);
        for (size_t i = 0; r == SOLO5_R_OK && i < bi.block_size; i++)
            if (buf[i] != (uint8_t)(k % 251 + 1))
                r = SOLO5_R_EUNSPEC;
        if (r != SOLO5_R_OK) {
            say("read back block ");
            say_dec(k);
            say(": ");
            say(result_name(r));
            say("\n");
            return 1;
        }
    }
    say("wrote ");
    say_dec(n);
    say(" blocks, read back ok\n");
    return 0;
}

static int read_empty(void)
{
    struct solo5_net_info ni;
    solo5_handle_t net;
    size_t got = 0;

    if (solo5_net_acquire("service", &net, &ni) != SOLO5_R_OK ||
        (size_t)ni.mtu + SOLO5_NET_HLEN > MAX_FRAME) {
        say("deverr: cannot acquire 'service'\n");
        return 1;
    }
    solo5_result_t r =
        solo5_net_read(net, frame, (size_t)ni.mtu + SOLO5_NET_HLEN, &got);
    say("net read: ");
    say(result_name(r));
    say("\n");
    return r == SOLO5_R_AGAIN ? 0 : 1;
}

static int yield_once(void)
{
    solo5_handle_set_t ready = 0;

    solo5_yield(solo5_clock_monotonic() + 20000000ull, &ready);
    say_hex("yield: ready ", ready);
    return 0;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    if (word_is(si->cmdline, "einval"))
        return check_einval();
    if (word_is(si->cmdline, "write-all"))
        return write_all();
    if (word_is(si->cmdline, "read-empty"))
        return read_empty();
    if (word_is(si->cmdline, "yield"))
        return yield_once();
    say("deverr: usage: deverr einval|write-all|read-empty|yield\n");
    return 2;
}
