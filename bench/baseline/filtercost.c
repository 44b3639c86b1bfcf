/*
 * filtercost MODE CALLS FILE: what a seccomp filter costs one system call,
 * with as little else as possible in the call: CALLS pwrite64 calls of one
 * 512-byte block at offset 0 on FILE opened read-only, which a packed app's
 * program allows (its block device's fd, count and offset) and the kernel
 * then refuses at once (EBADF: not open for writing). MODE is one of
 * app_load_filter's (app_policy.h): none, one, run or app. Prints nothing;
 * bench/filter-cost takes the CPU time of the whole run from wait4.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app_policy.h"

#define BLOCK 512

static char block[BLOCK];

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: filtercost none|one|run|app CALLS FILE\n");
        return 2;
    }
    long calls = strtol(argv[2], NULL, 10);
    int fd = open(argv[3], O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (calls <= 0 || fd < 0 || fstat(fd, &st) != 0 || st.st_size < BLOCK) {
        fprintf(stderr, "filtercost: bad CALLS or FILE\n");
        return 2;
    }
    if (app_load_filter(argv[1], fd, BLOCK, (uint64_t)st.st_size) != 0)
        return 1;
    /* The raw call: no C library code around it to measure. */
    for (long i = 0; i < calls; i++) {
        long ret;
        register long r10 __asm__("r10") = 0;
        __asm__ volatile("syscall"
                         : "=a"(ret)
                         : "a"((long)SYS_pwrite64), "D"((long)fd), "S"(block),
                           "d"((long)BLOCK), "r"(r10)
                         : "rcx", "r11", "memory");
        if (ret != -9) /* EBADF */
            return 3;
    }
    return 0;
}
