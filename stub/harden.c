/*
 * Hardening before the guest runs: refuse set-uid/set-gid execution, close
 * every file descriptor the stub was not given for a device, and drop every
 * capability once the devices are open, so that a guest started by root has
 * no more power than one started by anyone else.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stub.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE 2
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
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

void harden_drop_capabilities(void)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];

    if (syscall(SYS_capget, &hdr, data) != 0)
        stub_die_errno("capget");
    int have_setpcap = (data[0].effective >> CAP_SETPCAP) & 1;

    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
        errno != EINVAL)
        stub_die_errno("clearing ambient capabilities");
    /* The bounding set can only shrink with CAP_SETPCAP; without it the
     * process has no capabilities to lose and no_new_privs keeps it so. */
    for (int cap = 0; have_setpcap && cap < 64; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
            continue;
        if (errno == EINVAL)
            break; /* past the last capability this kernel knows */
        stub_die_errno("dropping capability %d from the bounding set", cap);
    }
    hdr.pid = 0;
    for (int i = 0; i < 2; i++) {
        data[i].effective = 0;
        data[i].permitted = 0;
        data[i].inheritable = 0;
    }
    if (syscall(SYS_capset, &hdr, data) != 0)
        stub_die_errno("dropping capabilities");
}
