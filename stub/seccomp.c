/*
 * Loading the seccomp policy of ABI.md §4: the guest may make the calls of
 * policy.c and nothing else; anything else kills the process.
 *
 * The program is compiled by our own small compiler (bpf.c) into static
 * memory: no allocation, a few microseconds, and nothing left to free once
 * the filter is in place (Solo5 #477). The test suite checks the compiler
 * against libseccomp.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf.h"
#include "stub.h"

/* Largest filter accepted by the kernel. */
static struct sock_filter filter_buf[BPF_MAXINSNS];
static struct policy policy;

void seccomp_install(const struct seccomp_policy *pol)
{
    policy.nrules = 0;
    policy_add_base(&policy, pol->epollfd, pol->timerfd);
    policy_add_devices(&policy, pol->mft);
    size_t n = bpf_compile(&policy, filter_buf, BPF_MAXINSNS);
    if (n == 0)
        stub_die("seccomp policy too large for one BPF program");

    struct sock_fprog prog = {.len = (unsigned short)n, .filter = filter_buf};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        stub_die_errno("prctl(PR_SET_NO_NEW_PRIVS)");
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        stub_die_errno("loading the seccomp filter");
}
