/*
 * stamp: a guest whose first act is to read CLOCK_MONOTONIC and print it in
 * nanoseconds ("123456789\n"), then exit 0. bench/baseline/entrytime.c
 * subtracts the time its child took just before execve: the time from exec
 * to the guest's first instruction (the bindings' _start runs before
 * solo5_app_main, but makes no system call with --solo5:quiet).
 */
#include "solo5.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    solo5_time_t now = solo5_clock_monotonic();
    char line[24];
    size_t n = sizeof(line);

    (void)si;
    line[--n] = '\n';
    do {
        line[--n] = (char)('0' + now % 10);
        now /= 10;
    } while (now != 0 && n > 0);
    solo5_console_write(line + n, sizeof(line) - n);
    return SOLO5_EXIT_SUCCESS;
}
