/*
 * abort: checks that solo5_abort() ends the process with status 255 and a
 * line containing "ABORT" on the console.
 */
#include "solo5.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    solo5_console_write("abort: calling solo5_abort\n", 27);
    solo5_abort();
}
