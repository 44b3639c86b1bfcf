/*
 * Console output for test guests (no libc): say, say_u64, say_hex, and,
 * when the guest defines GUEST_NAME first, check() counting failures.
 */
#ifndef NABLA_TEST_SAY_H
#define NABLA_TEST_SAY_H

#include <stddef.h>
#include <stdint.h>

#include "solo5.h"

static inline void say(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    solo5_console_write(s, n);
}

/* "LABEL" then v in decimal and a newline. */
static inline void say_u64(const char *label, uint64_t v)
{
    char buf[24];
    size_t n = sizeof(buf);
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    say(label);
    solo5_console_write(buf + n, sizeof(buf) - n);
    say("\n");
}

/* "LABEL" then v as 0x and 16 hex digits, and a newline. */
static inline void say_hex(const char *label, uint64_t v)
{
    char buf[19];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    buf[18] = '\n';
    say(label);
    solo5_console_write(buf, sizeof(buf));
}

#ifdef GUEST_NAME
static int failures;

/* Reports "GUEST_NAME: FAILED: what" unless ok, and counts it. */
static inline void check(int ok, const char *what)
{
    if (!ok) {
        say(GUEST_NAME ": FAILED: ");
        say(what);
        say("\n");
        failures++;
    }
}
#endif

#endif
