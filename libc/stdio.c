/* vsnprintf and snprintf (include/stdio.h): formatting into memory. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The output: as much as fits in buf (always NUL-terminated when size > 0),
 * and the length the whole result would have. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_n(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

/* One integer conversion: digits of v in base, sign and prefix, padded. */
static void put_int(struct out *o, uintmax_t v, int negative, unsigned base,
                    int upper, int flags, int width, int prec)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    if (prec < 0 && n == 0)
        tmp[n++] = '0'; /* default precision 1; "%.0d" of 0 prints nothing */

    char prefix[3];
    int np = 0;
    if (negative)
        prefix[np++] = '-';
    else if (flags & F_PLUS)
        prefix[np++] = '+';
    else if (flags & F_SPACE)
        prefix[np++] = ' ';
    if ((flags & F_ALT) && base == 16 && n > 0 && !(n == 1 && tmp[0] == '0')) {
        prefix[np++] = '0';
        prefix[np++] = upper ? 'X' : 'x';
    }
    int zeros = prec > n ? prec - n : 0;
    if ((flags & F_ALT) && base == 8 && zeros == 0 &&
        (n == 0 || tmp[n - 1] != '0'))
        zeros = 1;
    int total = np + zeros + n;
    int pad = width > total ? width - total : 0;

    if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(flags & F_LEFT))
        put_n(o, ' ', pad);
    for (int i = 0; i < np; i++)
        put(o, prefix[i]);
    put_n(o, '0', zeros);
    while (n > 0)
        put(o, tmp[--n]);
    if (flags & F_LEFT)
        put_n(o, ' ', pad);
}

static void put_str(struct out *o, const char *s, int flags, int width,
                    int prec)
{
    if (s == NULL)
        s = "(null)";
    size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
    int pad = width > (int)n ? width - (int)n : 0;
    if (!(flags & F_LEFT))
        put_n(o, ' ', pad);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (flags & F_LEFT)
        put_n(o, ' ', pad);
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap)
{
    struct out o = {buf, size, 0};

    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p++;
        int flags = 0;
        for (;; p++) {
            if (*p == '-')
                flags |= F_LEFT;
            else if (*p == '0')
                flags |= F_ZERO;
            else if (*p == '+')
                flags |= F_PLUS;
            else if (*p == ' ')
                flags |= F_SPACE;
            else if (*p == '#')
                flags |= F_ALT;
            else
                break;
        }
        int width = 0;
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                width = width * 10 + (*p++ - '0');
        }
        int prec = -1;
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(ap, int);
                if (prec < 0)
                    prec = -1;
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    prec = prec * 10 + (*p++ - '0');
            }
        }
        /* Length: -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t,
         * 4 ptrdiff_t, 5 intmax_t. */
        int len = 0;
        if (*p == 'h') {
            len = -1;
            if (*++p == 'h') {
                len = -2;
                p++;
            }
        } else if (*p == 'l') {
            len = 1;
            if (*++p == 'l') {
                len = 2;
                p++;
            }
        } else if (*p == 'z') {
            len = 3;
            p++;
        } else if (*p == 't') {
            len = 4;
            p++;
        } else if (*p == 'j') {
            len = 5;
            p++;
        }

        switch (*p) {
        case 'd':
        case 'i': {
            intmax_t v;
            switch (len) {
            case -2:
                v = (signed char)va_arg(ap, int);
                break;
            case -1:
                v = (short)va_arg(ap, int);
                break;
            case 1:
                v = va_arg(ap, long);
                break;
            case 2:
                v = va_arg(ap, long long);
                break;
            case 3:
                v = (intmax_t)va_arg(ap, size_t);
                break;
            case 4:
                v = va_arg(ap, ptrdiff_t);
                break;
            case 5:
                v = va_arg(ap, intmax_t);
                break;
            default:
                v = va_arg(ap, int);
                break;
            }
            uintmax_t mag = v < 0 ? 0 - (uintmax_t)v : (uintmax_t)v;
            put_int(&o, mag, v < 0, 10, 0, flags, width, prec);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uintmax_t v;
            switch (len) {
            case -2:
                v = (unsigned char)va_arg(ap, unsigned);
                break;
            case -1:
                v = (unsigned short)va_arg(ap, unsigned);
                break;
            case 1:
                v = va_arg(ap, unsigned long);
                break;
            case 2:
                v = va_arg(ap, unsigned long long);
                break;
            case 3:
                v = va_arg(ap, size_t);
                break;
            case 4:
                v = (uintmax_t)va_arg(ap, ptrdiff_t);
                break;
            case 5:
                v = va_arg(ap, uintmax_t);
                break;
            default:
                v = va_arg(ap, unsigned);
                break;
            }
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            put_int(&o, v, 0, base, *p == 'X', flags & ~(F_PLUS | F_SPACE),
                    width, prec);
            break;
        }
        case 'p':
            put_int(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0,
                    (flags | F_ALT) & ~(F_PLUS | F_SPACE), width, prec);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            int pad = width > 1 ? width - 1 : 0;
            if (!(flags & F_LEFT))
                put_n(&o, ' ', pad);
            put(&o, c);
            if (flags & F_LEFT)
                put_n(&o, ' ', pad);
            break;
        }
        case 's':
            put_str(&o, va_arg(ap, const char *), flags, width, prec);
            break;
        case '%':
            put(&o, '%');
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            (void)va_arg(ap, double);
            put(&o, '?');
            break;
        case '\0':
            p--; /* a lone '%' at the end: stop there */
            break;
        default: /* unknown conversion: print it as it is */
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > INT_MAX ? -1 : (int)o.len;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
