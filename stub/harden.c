/*
 * Hardening before the guest runs: refuse set-uid/set-gid execution, close
 * every file descriptor the stub was not given for a device, and drop every
 * capability the process holds once the devices are open, so that a guest
 * started by root has no more power than one started by anyone else.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

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

static void close_range_or_loop(unsigned first, unsigned last)
{
    if (first > last)
        return;
    if (syscall(SYS_close_range, first, last, 0) == 0)
        return;
    if (errno != ENOSYS)
        stub_die_errno("close_range(%u, %u)", first, last);
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
        stub_die_errno("dropping capabilities");
}
