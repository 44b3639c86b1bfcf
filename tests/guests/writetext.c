/*
 * writetext: checks that the guest's code is not writable: a store to the
 * first byte of solo5_app_main must kill the guest with SIGSEGV.
 */
#include "solo5.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    uintptr_t addr = (uintptr_t)&solo5_app_main;
    /* Hide where the pointer comes from. */
    __asm__ volatile("" : "+r"(addr));
    volatile unsigned char *code = (volatile unsigned char *)addr;
    *code = 0xc3;
    solo5_console_write("writetext: wrote to the code\n", 29);
    return 3;
}
