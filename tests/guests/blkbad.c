/*
 * blkbad: checks that the seccomp policy confines block I/O (docs/abi.md
 * §4.1: pread64/pwrite64 only on the device's fd, count = its block size,
 * offset <= capacity - block size). Issues RAW system calls, bypassing the
 * bindings' own checks. The argument picks the call:
 *
 *   good-write      pwrite64 of one block at offset 0 and one at the last
 *                   block (capacity - block size), each filled with 'G'
 *                   (block 0) and 'L' (last block); prints "ok"
 *   read-past-end   pread64 of one block at offset = capacity
 *   write-past-end  pwrite64 of one block at offset = capacity
 *   wrong-size      pwrite64 of two blocks at offset 0
 *   other-fd        pread64 of one block at offset 0 on the device fd + 1
 *
 * Each bad call must kill the guest with SIGSYS; if it returns, the guest
 * says so and exits 3. A bad argument exits 2.
 */
#include "base.h"
#include "nabla/abi.h"
#include "solo5.h"
#include "arch.h"

/* Provided by the bindings; solo5.h does not declare them. */
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);

#define MAX_BLOCK 32768

static uint8_t buf[2 * MAX_BLOCK];

static long raw_syscall4(long nr, long a1, long a2, long a3, long a4)
{
    return raw_syscall6((unsigned long)nr, (unsigned long)a1, (unsigned long)a2,
                        (unsigned long)a3, (unsigned long)a4, 0, 0);
}

static int word_is(const char *s, const char *word)
{
    while (*word && *s == *word) {
        s++;
        word++;
    }
    return *word == '\0' && (*s == '\0' || *s == ' ');
}

static void say(const char *s)
{
    solo5_console_write(s, strlen(s));
}

static int allowed(const char *what)
{
    say("blkbad: ");
    say(what);
    say(" was allowed\n");
    return 3;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const struct spt_boot_info *bi = guest_boot_info();
    const struct mft *mft = bi->mft;
    struct solo5_block_info info;
    solo5_handle_t h;

    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK ||
        h >= mft->entries) {
        say("blkbad: cannot acquire block device 'storage'\n");
        return 1;
    }
    const struct mft_entry *e = &mft->e[h];
    long fd = e->b.hostfd;
    long bs = e->u.block_basic.block_size;
    long cap = (long)e->u.block_basic.capacity;
    if (bs <= 0 || bs > MAX_BLOCK || (uint64_t)bs != info.block_size ||
        (uint64_t)cap != info.capacity) {
        say("blkbad: manifest entry does not match the block info\n");
        return 1;
    }
    const char *arg = si->cmdline;

    if (word_is(arg, "good-write")) {
        memset(buf, 'G', (size_t)bs);
        if (raw_syscall4(NR_PWRITE64, fd, (long)buf, bs, 0) != bs) {
            say("blkbad: pwrite64 of block 0 failed\n");
            return 1;
        }
        memset(buf, 'L', (size_t)bs);
        if (raw_syscall4(NR_PWRITE64, fd, (long)buf, bs, cap - bs) != bs) {
            say("blkbad: pwrite64 of the last block failed\n");
            return 1;
        }
        say("ok\n");
        return 0;
    }
    if (word_is(arg, "read-past-end")) {
        raw_syscall4(NR_PREAD64, fd, (long)buf, bs, cap);
        return allowed("pread64 at offset = capacity");
    }
    if (word_is(arg, "write-past-end")) {
        memset(buf, 'X', (size_t)bs);
        raw_syscall4(NR_PWRITE64, fd, (long)buf, bs, cap);
        return allowed("pwrite64 at offset = capacity");
    }
    if (word_is(arg, "wrong-size")) {
        memset(buf, 'X', (size_t)(2 * bs));
        raw_syscall4(NR_PWRITE64, fd, (long)buf, 2 * bs, 0);
        return allowed("pwrite64 of two blocks");
    }
    if (word_is(arg, "other-fd")) {
        raw_syscall4(NR_PREAD64, fd + 1, (long)buf, bs, 0);
        return allowed("pread64 on another fd");
    }
    say("blkbad: usage: blkbad good-write|read-past-end|write-past-end|"
        "wrong-size|other-fd\n");
    return 2;
}
