/*
 * badsyscall: checks the seccomp policy: a system call outside it kills the
 * guest with SIGSYS. The argument picks the call: "getpid" (39) or "open"
 * (2) of /etc/passwd. Any other argument exits 2.
 */
#include "solo5.h"
#include "say.h"

static long raw_syscall1(long nr, long a1)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1)
                     : "rcx", "r11", "memory");
    return ret;
}

static long raw_syscall3(long nr, long a1, long a2, long a3)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
                     : "rcx", "r11", "memory");
    return ret;
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
    if (word_is(si->cmdline, "getpid")) {
        raw_syscall1(39, 0);
        say("badsyscall: getpid was allowed\n");
        return 3;
    }
    if (word_is(si->cmdline, "open")) {
        static const char path[] = "/etc/passwd";
        raw_syscall3(2, (long)path, 0 /* O_RDONLY */, 0);
        say("badsyscall: open was allowed\n");
        return 3;
    }
    say("badsyscall: usage: badsyscall getpid|open\n");
    return 2;
}
