/*
 * Baseline for start-up, the floor of any self-sandboxing process: a static
 * musl program that sets no_new_privs, loads the very seccomp program a
 * packed app without devices loads (app_filter.h, written at build time by
 * bench/baseline/gen-filter.c from the stub's own policy and compiler), then
 * prints one line under it. argv[1] must be that program's length as the
 * app reports it (APP --print-policy), so that a bench never compares with
 * a filter the app does not have. With "stamp" after it, the line is the
 * CLOCK_MONOTONIC time in nanoseconds taken right after the filter is in
 * place (for bench/baseline/entrytime.c).
 *
 * Under the filter only what a guest may do is possible: the line goes out
 * with write(2) to fd 1 and the program ends with exit_group.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "app_filter.h"

#define APP_FILTER_LEN (sizeof(app_filter) / sizeof(app_filter[0]))

int main(int argc, char **argv)
{
    long n = argc >= 2 ? strtol(argv[1], NULL, 10) : 0;
    int stamp = argc == 3 && strcmp(argv[2], "stamp") == 0;

    if (argc < 2 || argc > 2 + stamp) {
        fprintf(stderr, "usage: sandboxed N [stamp]\n");
        return 2;
    }
    if (n != (long)APP_FILTER_LEN) {
        fprintf(stderr,
                "sandboxed: holds the %zu-instruction program of an app "
                "without devices, not one of %s\n",
                APP_FILTER_LEN, argv[1]);
        return 2;
    }
    struct sock_fprog prog = {.len = (unsigned short)APP_FILTER_LEN,
                              .filter = app_filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        perror("sandboxed");
        return 1;
    }
    char line[32];
    int len;
    if (stamp) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        len = snprintf(line, sizeof(line), "%lld\n",
                       ts.tv_sec * 1000000000LL + ts.tv_nsec);
    } else {
        len = snprintf(line, sizeof(line), "Hello, World\n");
    }
    if (write(1, line, (size_t)len) != len)
        return 1;
    return 0;
}
