/*
 * exitcode: checks that solo5_exit(N) becomes the process exit status N.
 * N is the first argument on the command line (decimal, 0 to 255);
 * without a valid number the guest exits with 2 after saying why.
 */
#include "solo5.h"
#include "say.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    int status = 0, digits = 0;

    while (*p >= '0' && *p <= '9' && digits < 4) {
        status = status * 10 + (*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || (*p != '\0' && *p != ' ') || status > 255) {
        say("exitcode: usage: exitcode N (0 to 255)\n");
        solo5_exit(2);
    }
    solo5_exit(status);
}
