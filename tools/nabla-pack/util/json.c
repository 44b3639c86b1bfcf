/* Escaping text for JSON strings (RFC 8259 §7): quotes, backslashes and
 * control characters; other bytes, UTF-8 included, pass unchanged. */
#include <stdio.h>

#include "util/util.h"

const char *json_escape(unsigned char c, char out[8])
{
    if (c == '"' || c == '\\')
        snprintf(out, 8, "\\%c", c);
    else if (c < 0x20)
        snprintf(out, 8, "\\u%04x", c);
    else
        snprintf(out, 8, "%c", c);
    return out;
}
