/*
 * Baseline for block I/O: bench/guests/blkbench.c's loop as a static musl
 * program, with pwrite/pread of 512-byte blocks on the file argv[1] (opened
 * as the stub opens a disk image: O_RDWR). Same output:
 *     pass N blocks B ns T ops_per_sec R
 *     ops_per_sec R
 * One op is one block write or one block read: a write+read pair counts 2.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 512
#define PASSES 2

static uint64_t wbuf[BLOCK / 8], rbuf[BLOCK / 8];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: blkbench FILE\n");
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

    for (uint64_t w = 0; w < words; w++)
        wbuf[w] = 0x6e61626c61ull * (w + 1);
    for (uint64_t pass = 1; pass <= PASSES; pass++) {
        uint64_t t0 = now_ns();
        for (uint64_t i = 0; i < nblocks; i++) {
            wbuf[0] = i;
            wbuf[1] = pass;
            if (pwrite(fd, wbuf, bs, (off_t)(i * bs)) != (ssize_t)bs ||
                pread(fd, rbuf, bs, (off_t)(i * bs)) != (ssize_t)bs) {
                perror("blkbench: I/O error");
                return 1;
            }
            for (uint64_t w = 0; w < words; w++) {
                if (rbuf[w] != wbuf[w]) {
                    fprintf(stderr, "blkbench: read back differs from what "
                                    "was written\n");
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
        printf("pass %llu blocks %llu ns %llu ops_per_sec %llu\n",
               (unsigned long long)pass, (unsigned long long)nblocks,
               (unsigned long long)ns, (unsigned long long)rate);
    }
    printf("ops_per_sec %llu\n", (unsigned long long)best);
    return 0;
}
