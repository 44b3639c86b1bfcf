/* The growable buffer of nabla-pack: payloads, ELF files, JSON, C text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Capacity for len bytes at offset at, and the terminating 0; new bytes
 * zeroed. Sizes near SIZE_MAX count as out of memory rather than wrap. */
static int reserve(struct buf *b, size_t at, size_t len)
{
    if (b->oom || at > SIZE_MAX / 4 || len > SIZE_MAX / 4) {
        b->oom = 1;
        return -1;
    }
    if (at + len < b->cap)
        return 0;
    size_t cap = 2 * (at + len) + 4096;
    unsigned char *d = realloc(b->data, cap);
    if (d == NULL) {
        b->oom = 1;
        return -1;
    }
    memset(d + b->cap, 0, cap - b->cap);
    b->data = d;
    b->cap = cap;
    return 0;
}

int buf_put(struct buf *b, size_t at, const void *data, size_t len)
{
    if (reserve(b, at, len) != 0)
        return -1;
    if (len > 0)
        memcpy(b->data + at, data, len);
    if (at + len > b->len)
        b->len = at + len;
    return 0;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
    return buf_put(b, b->len, data, len);
}

int buf_align(struct buf *b, size_t align)
{
    static const unsigned char zeros[64];
    return buf_append(b, zeros, (align - b->len % align) % align);
}

void *buf_room(struct buf *b, size_t n)
{
    return reserve(b, b->len, n) == 0 ? b->data + b->len : NULL;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, b->len, (size_t)n) != 0) {
        b->oom = 1;
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}
