/*
 * A guest built outside nabla's tree with the installed toolchain alone
 * (tests/install.bats): it includes the guest libc's <stdio.h>, <string.h>
 * and <stdlib.h>, and adds up the numbers of its command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solo5.h"

static void put(const char *s)
{
    solo5_console_write(s, strlen(s));
}

int solo5_app_main(const struct solo5_start_info *si)
{
    char line[128];
    const char *p = si->cmdline;
    long sum = 0;
    int count = 0;

    while (*p != '\0') {
        p += strspn(p, " ");
        if (*p == '\0')
            break;
        char *end;
        long v = strtol(p, &end, 0);
        if (end == p || (*end != ' ' && *end != '\0')) {
            snprintf(line, sizeof(line), "not a number: '%.*s'\n",
                     (int)strcspn(p, " "), p);
            put(line);
            return SOLO5_EXIT_FAILURE;
        }
        sum += v;
        count++;
        p = end;
    }
    snprintf(line, sizeof(line), "%d numbers, sum %ld (|sum| %ld)\n", count,
             sum, labs(sum));
    put(line);
    return SOLO5_EXIT_SUCCESS;
}
