/*
 * int80: a 32-bit system call (int $0x80) from the 64-bit guest. The seccomp
 * filter sees it with arch AUDIT_ARCH_I386 and must kill the guest (SIGSYS)
 * whatever the call, even one that is allowed as a 64-bit call. The argument
 * picks the i386 call:
 *
 *   getpid      eax 20 (the default)
 *   write       eax 4: write(1, message, length); as x86_64 call: allowed
 *   exit        eax 1: exit(42)
 *   exit-fd1    eax 1: exit(1); read as an x86_64 call, write(1, ...):
 *               allowed, so only the filter's architecture check kills it
 *   exit_group  eax 252: exit_group(42), the call the policy allows under
 *               its x86_64 number (231); 252 read as x86_64 is not allowed
 *   clock       eax 265: clock_gettime(CLOCK_MONOTONIC, &ts)
 *
 * If the call returns, prints "ESCAPED int80 <call> ret=<value>" and exits 0;
 * if an exit call runs, the exit status is 42. A bad argument exits 2.
 */
#include "solo5.h"

static const char message[] = "int80: i386 write ran\n";
static uint32_t ts32[4];

static long int80(long eax, long ebx, long ecx, long edx)
{
    long ret;
    /* The kernel's int $0x80 entry does not preserve r8-r11. */
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(eax), "b"(ebx), "c"(ecx), "d"(edx)
                     : "r8", "r9", "r10", "r11", "memory");
    return ret;
}

static size_t len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void say(const char *s)
{
    solo5_console_write(s, len(s));
}

static void say_num(long v)
{
    char tmp[24], out[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[n++] = '-';
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    solo5_console_write(out, (size_t)n);
}

static int word_is(const char *s, const char *word)
{
    while (*word && *s == *word) {
        s++;
        word++;
    }
    return *word == '\0' && (*s == '\0' || *s == ' ');
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *arg = si->cmdline;
    const char *what;
    long ret;

    /* The guest's data lies below 4 GiB: its addresses fit in ebx/ecx. */
    if ((uintptr_t)message >> 32 || (uintptr_t)ts32 >> 32) {
        say("int80: guest data above 4 GiB\n");
        return 2;
    }
    if (*arg == '\0' || word_is(arg, "getpid")) {
        what = "getpid";
        ret = int80(20, 0, 0, 0);
    } else if (word_is(arg, "write")) {
        what = "write";
        ret = int80(4, 1, (long)(uintptr_t)message, (long)len(message));
    } else if (word_is(arg, "exit")) {
        what = "exit";
        ret = int80(1, 42, 0, 0);
    } else if (word_is(arg, "exit-fd1")) {
        what = "exit-fd1";
        ret = int80(1, 1, 0, 0);
    } else if (word_is(arg, "exit_group")) {
        what = "exit_group";
        ret = int80(252, 42, 0, 0);
    } else if (word_is(arg, "clock")) {
        what = "clock";
        ret = int80(265, 1, (long)(uintptr_t)ts32, 0);
    } else {
        say("int80: usage: int80 [getpid|write|exit|exit-fd1|exit_group|"
            "clock]\n");
        return 2;
    }
    say("ESCAPED int80 ");
    say(what);
    say(" ret=");
    say_num(ret);
    say("\n");
    return 0;
}
