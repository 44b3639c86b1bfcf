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
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpf.h"
#include "policy.h"

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

/* The program of a packed app whose one block device is fd, bs-byte blocks,
 * capacity bytes (its epoll and timer fds: the two after it). */
static size_t app_program(int fd, uint64_t bs, uint64_t capacity,
                          struct sock_filter *out, size_t max)
{
    static struct policy pol;
    static union {
        struct mft m;
        char room[MFT_SIZE(2)];
    } mft;

    mft.m.version = MFT_VERSION;
    mft.m.entries = 2;
    mft.m.e[0].type = MFT_RESERVED_FIRST;
    mft.m.e[0].b.hostfd = -1;
    snprintf(mft.m.e[1].name, MFT_NAME_SIZE, "storage");
    mft.m.e[1].type = MFT_BLOCK_BASIC;
    mft.m.e[1].u.block_basic.block_size = (uint16_t)bs;
    mft.m.e[1].u.block_basic.capacity = capacity;
    mft.m.e[1].b.hostfd = fd;
    mft.m.e[1].attached = true;
    if (policy_add_base(&pol, fd + 1, fd + 2) != 0 ||
        policy_add_devices(&pol, &mft.m) != 0)
        return 0;
    return bpf_compile(&pol, out, max);
}

static int load_filter(const char *mode, int fd, uint64_t capacity)
{
    static struct sock_filter prog[BPF_MAXINSNS];
    size_t n = 0;

    if (strcmp(mode, "none") == 0)
        return 0;
    if (strcmp(mode, "one") == 0) {
        prog[n++] =
            (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    } else if (strcmp(mode, "run") == 0) {
        prog[n++] = (struct sock_filter)BPF_STMT(
            BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args));
        prog[n++] =
            (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    } else if (strcmp(mode, "app") == 0) {
        n = app_program(fd, BLOCK, capacity, prog, BPF_MAXINSNS);
        if (n == 0) {
            say("blkbench: the app's policy did not compile\n");
            return -1;
        }
    } else {
        say("blkbench: --filter= none, one, run or app\n");
        return -1;
    }
    struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
        perror("blkbench: loading the filter");
        return -1;
    }
    return 0;
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
    if (load_filter(mode, fd, nblocks * bs) != 0)
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
