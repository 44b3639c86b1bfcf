/*
 * fulltext: a guest whose text leaves no room for nabla's exit trampoline
 * (its tail, fulltext-tail.S, placed last, fills its text to 16 bytes short of
 * a page boundary), and a probe of what else its address space holds.
 *
 *   room             prints "room N": the bytes left after its text in its
 *                    last text page
 *   peek ADDR        reads the 8 bytes at ADDR (hex) itself and prints
 *                    "peek ADDR = VALUE": an address that is not mapped
 *                    kills it (SIGSEGV) first
 *   dump ADDR LEN    copies LEN bytes (at most 4096) from ADDR itself and
 *                    prints them, '.' for the unprintable ones
 *   environ ADDR     what a guest would do with the stub still mapped:
 *                    reads the pointer at ADDR (the stub's __environ), then
 *                    the strings it points to, and prints them
 *   sleep MS         waits MS milliseconds, then prints "slept"
 *
 * Exit status 0, or 2 on a bad command line.
 */
#include "solo5.h"
#include "say.h"

/* fulltext-tail.S, placed last by fulltext-tail.ld; weak, so
 * that the guest builds without it too. */
extern const char fulltext_tail[] __attribute__((weak));
extern const char _etext[]; /* linker/guest.ld */

static int is_space(char c)
{
    return c == ' ';
}

/* The word at *s, up to a space or the end; advances *s past it. */
static int next_word(const char **s, char *out, size_t size)
{
    const char *p = *s;
    size_t n = 0;
    while (is_space(*p))
        p++;
    while (*p && !is_space(*p)) {
        if (n + 1 >= size)
            return 0;
        out[n++] = *p++;
    }
    out[n] = '\0';
    *s = p;
    return n > 0;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* A number in hex with 0x, else decimal; 0 on a bad one. */
static int parse(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    int base = 10;
    if (s[0] == '0' && s[1] == 'x') {
        base = 16;
        s += 2;
    }
    if (!*s)
        return 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else
            return 0;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return 1;
}

/* Copies n bytes from addr with the guest's own loads, then prints them. */
static void dump(uint64_t addr, size_t n)
{
    static char buf[4096];
    const volatile char *p = (const volatile char *)addr;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        buf[i] = c >= 0x20 && c < 0x7f ? c : '.';
    }
    solo5_console_write(buf, n);
    say("\n");
}

static size_t length(const volatile char *s)
{
    size_t n = 0;
    while (s[n] && n < 4096)
        n++;
    return n;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    char cmd[16], arg[24], arg2[24];
    uint64_t a = 0, b = 0;

    if (!next_word(&p, cmd, sizeof(cmd)))
        goto usage;
    if (streq(cmd, "room")) {
        uint64_t end = (uint64_t)_etext;
        say_u64("room ", (0x1000 - end % 0x1000) % 0x1000);
        say_hex("text end ", end);
        say_hex("tail ", (uint64_t)fulltext_tail);
        return 0;
    }
    if (!next_word(&p, arg, sizeof(arg)) || !parse(arg, &a))
        goto usage;
    if (streq(cmd, "peek")) {
        uint64_t v = *(const volatile uint64_t *)a;
        say("peek ");
        say(arg);
        say_hex(" = ", v);
    } else if (streq(cmd, "dump")) {
        if (!next_word(&p, arg2, sizeof(arg2)) || !parse(arg2, &b) || b > 4096)
            goto usage;
        dump(a, (size_t)b);
    } else if (streq(cmd, "environ")) {
        const volatile uint64_t *env = *(const volatile uint64_t *const *)a;
        for (int i = 0; i < 64 && env[i] != 0; i++)
            dump(env[i], length((const volatile char *)env[i]));
    } else if (streq(cmd, "sleep")) {
        solo5_time_t deadline = solo5_clock_monotonic() + a * 1000000ull;
        while (solo5_clock_monotonic() < deadline)
            solo5_yield(deadline, NULL);
        say("slept\n");
    } else {
        goto usage;
    }
    return 0;
usage:
    say("fulltext: usage: room | peek ADDR | dump ADDR LEN | environ ADDR | "
        "sleep MS\n");
    return 2;
}
