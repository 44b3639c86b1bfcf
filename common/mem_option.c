#include "mem_option.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "packed_layout.h"

int mem_option_parse(const char *value, const char *source, uint64_t *mb,
                     char *err, size_t errsz)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end != '\0') {
        snprintf(err, errsz,
                 "invalid --mem=%s%s: expected a size in MiB, 1 to %llu", value,
                 source, (unsigned long long)NABLA_MEM_MAX_MB);
        return -1;
    }
    if (v == 0) {
        snprintf(err, errsz, "invalid --mem=%s%s: at least 1 MiB", value,
                 source);
        return -1;
    }
    /* strtoull's ERANGE: more digits than any limit. */
    if (errno != 0 || v > NABLA_MEM_MAX_MB) {
        snprintf(err, errsz,
                 "invalid --mem=%s%s: at most %llu MiB (508 GiB: guest "
                 "memory ends below the stub)",
                 value, source, (unsigned long long)NABLA_MEM_MAX_MB);
        return -1;
    }
    *mb = v;
    return 0;
}
