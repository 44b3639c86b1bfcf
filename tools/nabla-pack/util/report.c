/* Error reporting: one line, formatted once, printed by the subcommand. */
#include <stdarg.h>
#include <stdio.h>

#include "util/util.h"

int fail(char *err, size_t errsz, const char *fmt, ...)
{
    if (err != NULL && errsz > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errsz, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int die(const char *fmt, ...)
{
    va_list ap;

    fputs("nabla-pack: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}
