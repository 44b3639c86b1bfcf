/* Writing a failure's message (result.h). */
#include "result.h"

#include <stdarg.h>
#include <stdio.h>

enum result result_error(struct result_msg *msg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg->text, sizeof(msg->text), fmt, ap);
    va_end(ap);
    return RESULT_ERROR;
}
