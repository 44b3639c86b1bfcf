/*
 * stacksmash: checks the stack protector: overflowing a local char array
 * must end in __stack_chk_fail, i.e. solo5_abort (status 255, "ABORT").
 * The loop bound is read from a volatile, so the compiler can neither prove
 * the overflow nor warn about it at build time.
 */
#include "solo5.h"

static volatile size_t overflow_len = 64;

__attribute__((noinline)) static int smash(void)
{
    char buf[16];
    size_t n = overflow_len;

    for (size_t i = 0; i < n; i++)
        buf[i] = 'A';
    /* Make the stores observable so that they are not optimised away. */
    __asm__ volatile("" : : "r"(buf) : "memory");
    return buf[0];
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    int r = smash();
    solo5_console_write("stacksmash: returned from the smashed frame\n", 44);
    return r == 'A' ? 3 : 4;
}
