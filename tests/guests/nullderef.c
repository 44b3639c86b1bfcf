/*
 * nullderef: checks that reading through a NULL pointer kills the guest
 * with SIGSEGV (nothing is mapped at address 0). The pointer goes through
 * a volatile variable so that the compiler cannot see it is NULL and turn
 * the read into a trap instruction (SIGILL) or drop it.
 */
#include "solo5.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    const int *volatile ptr = NULL;
    volatile int value = *ptr;
    solo5_console_write("nullderef: survived the read\n", 29);
    return value == 0 ? 3 : 4;
}
