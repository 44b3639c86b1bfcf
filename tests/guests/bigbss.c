/*
 * bigbss: a guest whose segments end less than 64 KiB below a MiB boundary
 * (the stub's minimum room for the stack above them): a 960 KiB array at
 * the next MiB boundary after the code, then the bindings' few KiB of bss.
 * Touches the first and last byte of the array and prints "bigbss ok".
 * tests/bindings.bats checks the layout before it relies on it.
 */
#include "say.h"

static volatile char big[0xf0000] __attribute__((aligned(0x100000)));

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    big[0] = 1;
    big[sizeof(big) - 1] = 1;
    say("bigbss ok\n");
    return 0;
}
