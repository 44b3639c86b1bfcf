/*
 * execdata: checks that data is not executable: calling a return
 * instruction placed in a writable global array must kill the guest with
 * SIGSEGV.
 */
#include "solo5.h"
#include "arch.h"

unsigned char execdata_code[16] = ARCH_RET_BYTES;

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    uintptr_t addr = (uintptr_t)execdata_code;
    __asm__ volatile("" : "+r"(addr) : : "memory");
    void (*fn)(void) = (void (*)(void))addr;
    fn();
    solo5_console_write("execdata: executed data\n", 24);
    return 3;
}
