/*
 * JSON text into a struct buf: nabla-pack's one JSON writer (inspect --json,
 * query-manifest, extract's manifest.json, the OCI documents). Strings are
 * escaped as RFC 8259 §7 wants: quotes, backslashes and control characters;
 * other bytes, UTF-8 included, pass unchanged.
 */
#include "util/util.h"

int buf_json_string(struct buf *b, const char *s)
{
    buf_append(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            buf_printf(b, "\\u%04x", c);
        else
            buf_append(b, &c, 1);
    }
    return buf_append(b, "\"", 1);
}
