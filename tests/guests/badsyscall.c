/*
 * badsyscall: checks the seccomp policy: a system call outside it kills the
 * guest with SIGSYS. The argument picks the call: "getpid" or "open" of
 * /etc/passwd (openat on aarch64, which has no open). Any other argument
 * exits 2.
 */
#include "solo5.h"
#include "arch.h"
#include "say.h"

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
        raw_syscall6(NR_GETPID, 0, 0, 0, 0, 0, 0);
        say("badsyscall: getpid was allowed\n");
        return 3;
    }
    if (word_is(si->cmdline, "open")) {
        static const char path[] = "/etc/passwd";
#if defined(NR_OPEN)
        raw_syscall6(NR_OPEN, (unsigned long)path, 0 /* O_RDONLY */, 0, 0, 0,
                     0);
#else
        raw_syscall6(NR_OPENAT, (unsigned long)-100 /* AT_FDCWD */,
                     (unsigned long)path, 0 /* O_RDONLY */, 0, 0, 0);
#endif
        say("badsyscall: open was allowed\n");
        return 3;
    }
    say("badsyscall: usage: badsyscall getpid|open\n");
    return 2;
}
