#include "mem_option.h"

#include <errno.h>
#include <stdlib.h>

#include "packed_layout.h"

enum result mem_option_parse(const char *value, const char *source,
                             uint64_t *mb, struct result_msg *msg)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end != '\0')
        return result_error(
            msg, "invalid --mem=%s%s: expected a size in MiB, 1 to %llu", value,
            source, (unsigned long long)NABLA_MEM_MAX_MB);
    if (v == 0)
        return result_error(msg, "invalid --mem=%s%s: at least 1 MiB", value,
                            source);
    /* strtoull's ERANGE: more digits than any limit. */
    if (errno != 0 || v > NABLA_MEM_MAX_MB)
        return result_error(msg,
                            "invalid --mem=%s%s: at most %llu MiB (508 GiB: "
                            "guest memory ends below the stub)",
                            value, source,
                            (unsigned long long)NABLA_MEM_MAX_MB);
    *mb = v;
    return RESULT_OK;
}
