/*
 * Baseline for block I/O: bench/guests/blkbench.c's loop as a static musl
 * program, with pwrite/pread of 512-byte blocks on the file FILE (opened as
 * the stub opens a disk image: O_RDWR). Same output:
 *     pass N blocks B ns T ops_per_sec R
 *     ops_per_sec R
 * One op is one block write or one block read: a write+read pair counts 2.
 *
 * usage: blkbench [--filter=MODE] FILE
 *
 * MODE says what seccomp costs the loop, with no_new_privs set first:
 *   none  no filter (the default): the raw loop
 *   one   a one-instruction program, "allow": the kernel learns at load
 *         time that it allows every call, and then runs no program at all
 *         (its cache of always-allowed calls): what a filter costs that
 *         never runs
 *   run   "load the first argument, allow": two instructions the kernel
 *         must run on every call, having no way to know their result in
 *         advance; the fixed cost of running any program
 *   app   the very program a packed app with this one block device gets
 *         (the stub's own policy and compiler, common/), this run's fd and
 *         capacity: what the packed guest pays for its filter, without
 *         the guest
 * Under a filter the loop prints with write(2) to fd 1 only (the app's
 * program allows no other output) and errors go there too.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app_policy.h"

#define BLOCK 512
#define PASSES 2

static uint64_t wbuf[BLOCK / 8], rbuf[BLOCK / 8];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void say(const char *s)
{
    size_t n = strlen(s);
    if (write(1, s, n) != (ssize_t)n)
        _exit(1);
}

int main(int argc, char **argv)
{
    const char *mode = "none";
    if (argc == 3 && strncmp(argv[1], "--filter=", 9) == 0) {
        mode = argv[1] + 9;
        argv++;
        argc--;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: blkbench [--filter=none|one|run|app] FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDWR | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < BLOCK) {
        perror(argv[1]);
        return 1;
    }
    uint64_t bs = BLOCK, nblocks = (uint64_t)st.st_size / bs;
    uint64_t words = bs / 8, best = 0;
    if (app_load_filter(mode, fd, bs, nblocks * bs) != 0)
        return 1;

    char line[160];
    for (uint64_t w = 0; w < words; w++)
        wbuf[w] = 0x6e61626c61ull * (w + 1);
    for (uint64_t pass = 1; pass <= PASSES; pass++) {
        uint64_t t0 = now_ns();
        for (uint64_t i = 0; i < nblocks; i++) {
            wbuf[0] = i;
            wbuf[1] = pass;
            if (pwrite(fd, wbuf, bs, (off_t)(i * bs)) != (ssize_t)bs ||
                pread(fd, rbuf, bs, (off_t)(i * bs)) != (ssize_t)bs) {
                say("blkbench: I/O error\n");
                return 1;
            }
            for (uint64_t w = 0; w < words; w++) {
                if (rbuf[w] != wbuf[w]) {
                    say("blkbench: read back differs from what was "
                        "written\n");
                    return 1;
                }
            }
        }
        uint64_t ns = now_ns() - t0;
        if (ns == 0)
            ns = 1;
        uint64_t rate = 2 * nblocks * 1000000000ull / ns;
        if (rate > best)
            best = rate;
        snprintf(line, sizeof(line),
                 "pass %llu blocks %llu ns %llu ops_per_sec %llu\n",
                 (unsigned long long)pass, (unsigned long long)nblocks,
                 (unsigned long long)ns, (unsigned long long)rate);
        say(line);
    }
    snprintf(line, sizeof(line), "ops_per_sec %llu\n",
             (unsigned long long)best);
    say(line);
    return 0;
}
