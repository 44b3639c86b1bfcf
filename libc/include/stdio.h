/*
 * stdio.h of nabla's guest libc: formatting into memory only (no FILE, no
 * streams: a guest writes with solo5_console_write).
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' ' ' '+' '#',
 * field width and precision (numbers or '*'), length modifiers hh h l ll z
 * t j. No floating point (%f and friends print "?").
 */
#ifndef NABLA_LIBC_STDIO_H
#define NABLA_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#ifndef NULL
#define NULL ((void *)0)
#endif

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap) __attribute__((format(printf, 3, 0)));

#endif
