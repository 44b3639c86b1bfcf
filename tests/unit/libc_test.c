/*
 * The guest C library (libc/) against glibc's, on the host.
 *
 *   libc_test
 *
 * The Makefile compiles libc/*.c as for guests (freestanding, libc/include,
 * -Wall -Wextra -Werror) but with each function renamed t_NAME
 * (-Dsnprintf=t_snprintf, ...), and links them with this program, built
 * against glibc. It compares snprintf, strto*, atoi, the string and strings
 * functions and ctype, prints each difference and then "N differences", and
 * exits 0 only if N is 0. Run by tests/unit.bats.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tap.h"

int t_snprintf(char *b, size_t n, const char *f, ...);
long t_strtol(const char *s, char **e, int b);
unsigned long t_strtoul(const char *s, char **e, int b);
long long t_strtoll(const char *s, char **e, int b);
unsigned long long t_strtoull(const char *s, char **e, int b);
char *t_strstr(const char *, const char *);
char *t_strchr(const char *, int);
char *t_strrchr(const char *, int);
int t_strncmp(const char *, const char *, size_t);
int t_strncasecmp(const char *, const char *, size_t);
int t_strcasecmp(const char *, const char *);
size_t t_strcspn(const char *, const char *);
size_t t_strspn(const char *, const char *);
size_t t_strnlen(const char *, size_t);
void *t_memchr(const void *, int, size_t);
int t_atoi(const char *);
int t_isalnum(int), t_isalpha(int), t_isdigit(int), t_isxdigit(int),
    t_islower(int), t_isupper(int), t_isspace(int), t_isprint(int),
    t_ispunct(int), t_iscntrl(int), t_isgraph(int), t_tolower(int),
    t_toupper(int);
extern int t_errno;
static int fails;

/* One TAP line for the checks since the last section: ok when none of them
 * failed (each failure is a "#" line above it). */
static void section(const char *what)
{
    static int fails_before;
    report(fails == fails_before, "%s", what);
    fails_before = fails;
}

#define FMT(...)                                                               \
    do {                                                                       \
        char a[256], b[256];                                                   \
        int x = snprintf(a, sizeof a, __VA_ARGS__);                            \
        int y = t_snprintf(b, sizeof b, __VA_ARGS__);                          \
        if (x != y || strcmp(a, b)) {                                          \
            printf("# snprintf(%s): glibc [%s] %d, ours [%s] %d\n",            \
                   #__VA_ARGS__, a, x, b, y);                                  \
            fails++;                                                           \
        }                                                                      \
    } while (0)
#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("# failed: %s\n", #cond);                                   \
            fails++;                                                           \
        }                                                                      \
    } while (0)
#define STRTO(fn, type, pf)                                                    \
    do {                                                                       \
        char *e1, *e2;                                                         \
        errno = 0;                                                             \
        t_errno = 0;                                                           \
        type a = fn(nums[i], &e1, bases[j]);                                   \
        int er1 = errno;                                                       \
        type b = t_##fn(nums[i], &e2, bases[j]);                               \
        if (a != b || e1 != e2 || er1 != t_errno) {                            \
            printf("# " #fn "(\"%s\", %d): glibc " pf " end %td errno %d, "    \
                   "ours " pf " end %td errno %d\n",                           \
                   nums[i], bases[j], a, e1 - nums[i], er1, b, e2 - nums[i],   \
                   t_errno);                                                   \
            fails++;                                                           \
        }                                                                      \
    } while (0)

int main(void)
{
    FMT("%d|%i|%u|%x|%X|%o", -42, 7, 3000000000u, 0xbeef, 0xbeef, 8);
    FMT("%5d|%-5d|%05d|%+d|% d|%.3d|%8.3d|%-8.3d|", 42, 42, -42, 5, 5, 7, -7,
        7);
    FMT("%ld|%lld|%lu|%llu|%zu|%jd|%td", LONG_MIN, LLONG_MIN, ULONG_MAX,
        ULLONG_MAX, (size_t)123, (intmax_t)-5, (ptrdiff_t)-9);
    FMT("%hhd|%hhu|%hd|%hu", 300, 300, 70000, 70000);
    FMT("%s|%10s|%-10s|%.2s|%*s|%-*s|%.*s", "abc", "abc", "abc", "abc", 6, "x",
        6, "y", 1, "zz");
    FMT("%c|%3c|%-3c|%%|%p|%#x|%#o|%#X", 'a', 'b', 'c', (void *)0x1234, 255, 8,
        255);
    FMT("%.0d|%.0x|%#x|%#o|%02x|%010d|%-010d|%08.3d", 0, 0, 0, 0, 5, -123, -123,
        45);
    char small[5];
    CHECK(t_snprintf(small, sizeof small, "%s", "hello world") == 11);
    CHECK(strcmp(small, "hell") == 0);
    CHECK(t_snprintf(NULL, 0, "%d", 12345) == 5);
    section("snprintf agrees with glibc's");

    static const char *const nums[] = {"0",
                                       "42",
                                       "-42",
                                       "  +17x",
                                       "0x1f",
                                       "0X",
                                       "010",
                                       "0x",
                                       "  -0x10",
                                       "",
                                       "z",
                                       "-1",
                                       "9223372036854775807",
                                       "9223372036854775808",
                                       "-9223372036854775808",
                                       "-9223372036854775809",
                                       "18446744073709551615",
                                       "18446744073709551616"};
    static const int bases[] = {0, 10, 16, 8, 36, 2};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
        for (size_t j = 0; j < sizeof bases / sizeof *bases; j++) {
            STRTO(strtol, long, "%ld");
            STRTO(strtoul, unsigned long, "%lu");
            STRTO(strtoll, long long, "%lld");
            STRTO(strtoull, unsigned long long, "%llu");
        }
    }
    CHECK(t_atoi(" -17abc") == -17 && t_atoi("x") == 0);
    section("strto*, atoi agree with glibc's (value, end, errno)");

    const char *h = "hello world";
    CHECK(t_strstr(h, "o w") == h + 4 && t_strstr(h, "") == h &&
          t_strstr(h, "xyz") == NULL);
    CHECK(t_strchr(h, 'o') == h + 4 && t_strchr(h, 0) == h + 11 &&
          t_strchr(h, 'q') == NULL);
    CHECK(t_strrchr(h, 'o') == h + 7 && t_strrchr(h, 0) == h + 11 &&
          t_strrchr(h, 'q') == NULL);
    CHECK(t_memchr(h, 'w', 11) == h + 6 && t_memchr(h, 'w', 6) == NULL);
    CHECK(t_strnlen(h, 5) == 5 && t_strnlen(h, 50) == 11);
    CHECK(t_strncmp("abc", "abd", 2) == 0 && t_strncmp("abc", "abd", 3) < 0 &&
          t_strncmp("b", "a", 1) > 0 && t_strncmp("ab", "ab", 10) == 0);
    CHECK(t_strncasecmp("HeLLo", "hello", 5) == 0 &&
          t_strcasecmp("Keep-Alive", "keep-alive") == 0 &&
          t_strcasecmp("a", "B") < 0);
    CHECK(t_strcspn("abc,d", ",") == 3 && t_strspn("aab", "a") == 2);
    section("string and strings functions agree with glibc's");
    for (int c = -1; c < 256; c++) {
        if (!!isalnum(c) != !!t_isalnum(c) || !!isalpha(c) != !!t_isalpha(c) ||
            !!isdigit(c) != !!t_isdigit(c) ||
            !!isxdigit(c) != !!t_isxdigit(c) ||
            !!islower(c) != !!t_islower(c) || !!isupper(c) != !!t_isupper(c) ||
            !!isspace(c) != !!t_isspace(c) || !!isprint(c) != !!t_isprint(c) ||
            !!ispunct(c) != !!t_ispunct(c) || !!iscntrl(c) != !!t_iscntrl(c) ||
            !!isgraph(c) != !!t_isgraph(c) || tolower(c) != t_tolower(c) ||
            toupper(c) != t_toupper(c)) {
            printf("# ctype differs for %d\n", c);
            fails++;
        }
    }
    section("ctype functions agree with glibc's for -1 to 255");
    return tap_done();
}
