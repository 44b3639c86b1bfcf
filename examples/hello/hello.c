/* The smallest unikernel: greets, prints its command line, exits 0. */
#include "solo5.h"

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void puts_line(const char *s)
{
    solo5_console_write(s, str_len(s));
    solo5_console_write("\n", 1);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    puts_line("Hello, World");
    puts_line(si->cmdline);
    return SOLO5_EXIT_SUCCESS;
}
