/*
 * Hardening before the guest runs: refuse set-uid/set-gid execution, close
 * every file descriptor the stub was not given for a device, and drop every
 * capability the process holds once the devices are open, so that a guest
 * started by root has no more power than one started by anyone else. And
 * the resource limits that can stop start-up: named in one line, never a
 * crash.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nabla/exit.h"
#include "stub.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE 2
#endif

void harden_refuse_secure_exec(void)
{
    if (getauxval(AT_SECURE))
        stub_die("refusing to run set-uid or set-gid (or with file "
                 "capabilities): a packed unikernel needs no privileges");
}

/* Appends s to buf (of size room, holding *n bytes), truncating. */
static void append(char *buf, size_t room, size_t *n, const char *s)
{
    while (*s && *n + 1 < room)
        buf[(*n)++] = *s++;
    buf[*n] = '\0';
}

static void append_kib(char *buf, size_t room, size_t *n, uint64_t bytes)
{
    char digits[24];
    size_t d = sizeof(digits);
    uint64_t v = (bytes + 1023) / 1024;
    digits[--d] = '\0';
    do {
        digits[--d] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    append(buf, room, n, digits + d);
    append(buf, room, n, " KiB");
}

void harden_check_stack(uintptr_t sp, size_t need, const char *argv0)
{
    /* Static, not on the stack that is short; no stdio, which takes more
     * of it than is left. */
    static char msg[256] STUB_COLD_BSS;
    struct rlimit rl;
    const char *execfn = (const char *)getauxval(AT_EXECFN);

    if (execfn == NULL || getrlimit(RLIMIT_STACK, &rl) != 0 ||
        rl.rlim_cur == RLIM_INFINITY)
        return;
    /* The kernel wrote the executable's name at the top of the stack, a
     * pointer's size below its end; the limit counts from that end. */
    uintptr_t top = ((uintptr_t)execfn + strlen(execfn) + 1 + sizeof(void *) +
                     SPT_PAGE_SIZE - 1) &
                    ~(uintptr_t)(SPT_PAGE_SIZE - 1);
    if (top <= sp || (top - sp) + need <= rl.rlim_cur)
        return; /* populate failed for another reason: best effort */
    /* stub_main has not set stub_progname yet. */
    const char *name = argv0 != NULL ? strrchr(argv0, '/') : NULL;
    name = name != NULL ? name + 1 : argv0 != NULL ? argv0 : stub_progname;
    size_t n = 0;
    append(msg, sizeof(msg), &n, name);
    append(msg, sizeof(msg), &n, ": error: the stack limit (ulimit -s) of ");
    append_kib(msg, sizeof(msg), &n, rl.rlim_cur);
    append(msg, sizeof(msg), &n, " is too small: start-up needs ");
    append_kib(msg, sizeof(msg), &n, need);
    append(msg, sizeof(msg), &n, " below the ");
    append_kib(msg, sizeof(msg), &n, top - sp);
    append(msg, sizeof(msg), &n,
           " that the arguments, the environment and the kernel's own "
           "data take\n");
    (void)!write(2, msg, n);
    _exit(NABLA_EXIT_REFUSED);
}

/* " (WHAT, ulimit -OPT: VALUE)" for a limit that is set, else nothing. */
static void append_limit(char *buf, size_t size, size_t *n, int resource,
                         const char *what, int kib)
{
    struct rlimit rl;
    char num[24];
    if (getrlimit(resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return;
    append(buf, size, n, *n > 2 ? "; " : "");
    append(buf, size, n, what);
    append(buf, size, n, ": ");
    if (kib) {
        append_kib(buf, size, n, rl.rlim_cur);
    } else {
        snprintf(num, sizeof(num), "%llu", (unsigned long long)rl.rlim_cur);
        append(buf, size, n, num);
    }
}

int harden_describe_limit(int err, char *buf, size_t size)
{
    size_t n = 0;

    if (size == 0)
        return 0;
    buf[0] = '\0';
    switch (err) {
    case EMFILE:
        append(buf, size, &n, " (");
        append_limit(buf, size, &n, RLIMIT_NOFILE,
                     "the open-files limit, ulimit -n", 0);
        if (n == 2)
            append(buf, size, &n, "too many open files");
        break;
    case ENFILE:
        append(buf, size, &n,
               " (the system's limit on open files, "
               "fs.file-max");
        break;
    case ENOMEM:
        append(buf, size, &n, " (");
        append_limit(buf, size, &n, RLIMIT_AS,
                     "the address-space limit, ulimit -v", 1);
        append_limit(buf, size, &n, RLIMIT_DATA, "the data limit, ulimit -d",
                     1);
        if (n == 2)
            append(buf, size, &n,
                   "out of memory: no address-space or data limit is set");
        break;
    default:
        return 0;
    }
    append(buf, size, &n, ")");
    return 1;
}

/* fd in decimal, in a static buffer. */
static const char *fd_text(unsigned fd)
{
    static char text[12];
    snprintf(text, sizeof(text), "%u", fd);
    return text;
}

static void close_range_or_loop(unsigned first, unsigned last)
{
    if (first > last)
        return;
    if (syscall(SYS_close_range, first, last, 0) == 0)
        return;
    if (errno != ENOSYS)
        stub_die_errno("cannot close the file descriptors it was not given, "
                       "%u to %s (close_range)",
                       first, last == ~0u ? "the last" : fd_text(last));
    /* Kernels before 5.9: close one by one up to the fd limit. */
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 1 << 20)
        max = 1 << 20;
    for (unsigned fd = first; fd <= last && fd < (unsigned)max; fd++)
        close((int)fd);
}

void harden_close_fds(const int *keep, size_t nkeep)
{
    unsigned next = 3;

    /* keep[] is sorted ascending; everything between is closed. */
    for (size_t i = 0; i < nkeep; i++) {
        if (keep[i] < (int)next)
            continue;
        close_range_or_loop(next, (unsigned)keep[i] - 1);
        next = (unsigned)keep[i] + 1;
    }
    close_range_or_loop(next, ~0u);
}

/*
 * Empties the effective, permitted and inheritable sets in one capset: the
 * kernel then empties the ambient set too (it keeps ambient within permitted
 * and inheritable), and dropping is always allowed, so there is nothing to
 * ask first. The bounding set is left as it is: it only limits what execve
 * can grant, and the guest can make no execve (the filter), nor gain
 * anything from one (no_new_privs).
 */
void harden_drop_capabilities(void)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {{0, 0, 0}, {0, 0, 0}};

    if (syscall(SYS_capset, &hdr, data) != 0)
        stub_die_errno("cannot drop the process's capabilities (capset)");
}
