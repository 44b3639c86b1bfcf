/*
 * wallclock: checks solo5_clock_wall: prints the wall-clock time as whole
 * seconds since the Unix epoch, one decimal number on its own line
 * ("wallclock SECONDS").
 */
#include "solo5.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    uint64_t secs = solo5_clock_wall() / 1000000000ull;
    char buf[40];
    size_t n = sizeof(buf);

    buf[--n] = '\n';
    do {
        buf[--n] = (char)('0' + secs % 10);
        secs /= 10;
    } while (secs > 0);
    static const char label[] = "wallclock ";
    solo5_console_write(label, sizeof(label) - 1);
    solo5_console_write(buf + n, sizeof(buf) - n);
    return 0;
}
