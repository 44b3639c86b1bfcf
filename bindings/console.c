/* The console: standard output of the process (fd 1). */
#include "bindings.h"
#include <string.h>
#include "sys.h"

void solo5_console_write(const char *buf, size_t size)
{
    while (size > 0) {
        long n = sys_call3(NABLA_NR_WRITE, 1, (long)buf, (long)size);
        if (n == -EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        size -= (size_t)n;
    }
}

void bindings_log(const char *s)
{
    if (bindings_quiet)
        return;
    solo5_console_write(s, strlen(s));
    solo5_console_write("\n", 1);
}

size_t bindings_fmt_u64(char *buf, uint64_t v, int base)
{
    char tmp[24];
    size_t n = 0;

    do {
        unsigned d = (unsigned)(v % (uint64_t)base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= (uint64_t)base;
    } while (v > 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}
