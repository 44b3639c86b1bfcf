/* Number conversion (include/stdlib.h), as C11 specifies it. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * The common part of the strto* functions: parses an optionally signed
 * integer in base (0: from the prefix, 2 to 36) from s. Returns its
 * magnitude, *neg its sign; *end (if end is not NULL) just after the
 * digits, or s when there were none. Above limit: limit, errno = ERANGE and
 * *over set.
 */
static unsigned long long parse(const char *s, char **end, int base,
                                unsigned long long limit, int *neg, int *over)
{
    const char *p = s;
    unsigned long long v = 0;
    int any = 0;

    *neg = 0;
    *over = 0;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)(uintptr_t)s;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' &&
        (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    for (;; p++) {
        int d;
        if (isdigit((unsigned char)*p))
            d = *p - '0';
        else if (isalpha((unsigned char)*p))
            d = tolower((unsigned char)*p) - 'a' + 10;
        else
            break;
        if (d >= base)
            break;
        any = 1;
        if (*over || v > (limit - (unsigned)d) / (unsigned)base)
            *over = 1;
        else
            v = v * (unsigned)base + (unsigned)d;
    }
    if (end)
        *end = (char *)(uintptr_t)(any ? p : s);
    if (*over) {
        errno = ERANGE;
        return limit;
    }
    return v;
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
    int neg, over;
    unsigned long long v =
        parse(s, end, base, (unsigned long long)LLONG_MAX + 1, &neg, &over);
    if (!neg && v > LLONG_MAX) {
        errno = ERANGE;
        return LLONG_MAX;
    }
    return neg ? (long long)(0 - v) : (long long)v;
}

unsigned long long strtoull(const char *restrict s, char **restrict end,
                            int base)
{
    int neg, over;
    unsigned long long v = parse(s, end, base, ULLONG_MAX, &neg, &over);
    return neg && !over ? 0 - v : v;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    int neg, over;
    unsigned long long v =
        parse(s, end, base, (unsigned long long)LONG_MAX + 1, &neg, &over);
    if (!neg && v > LONG_MAX) {
        errno = ERANGE;
        return LONG_MAX;
    }
    return neg ? (long)(0 - v) : (long)v;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    int neg, over;
    unsigned long long v = parse(s, end, base, ULONG_MAX, &neg, &over);
    return (unsigned long)(neg && !over ? 0 - v : v);
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

int abs(int v)
{
    return v < 0 ? -v : v;
}

long labs(long v)
{
    return v < 0 ? -v : v;
}
