/*
 * big64: a guest with 64 MiB of initialised data. It touches one byte of it
 * (at an index only known at run time, so the array cannot be folded away)
 * and prints it. Start-up must not cost more because the image is bigger:
 * the data is mapped by execve, file-backed, and only that page is faulted in.
 */
#include "solo5.h"

static unsigned char data[64 << 20] = {1, 2, 3};

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    /* Empty command line: data[0]. */
    size_t i = str_len(si->cmdline) % sizeof(data);
    char line[] = "big64: data[i] = 0\n";
    line[sizeof(line) - 3] = (char)('0' + data[i] % 10);
    solo5_console_write(line, sizeof(line) - 1);
    return SOLO5_EXIT_SUCCESS;
}
