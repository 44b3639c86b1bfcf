/*
 * The seccomp policy of docs/abi.md §4: the guest may make the calls of
 * policy.c and nothing else; anything else kills the process.
 *
 * The program is compiled by our own small compiler (bpf.c): no allocation,
 * a few microseconds, and nothing left to free once the filter is in place
 * (Solo5 #477). The test suite checks the compiler against libseccomp.
 */
#include <errno.h>
#include <stdio.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf.h"
#include "stub.h"

/* Page-aligned: a small policy then takes one page, not two. */
static struct policy policy STUB_COLD_BSS __attribute__((aligned(4096)));

const struct policy *seccomp_rules(const struct seccomp_policy *pol)
{
    /* The pages this guest's rules can take, in one call instead of a
     * fault per page. */
    size_t max_rules =
        POLICY_BASE_RULES + POLICY_DEVICE_RULES * (pol->mft->entries - 1);
    if (max_rules > POLICY_MAX_RULES)
        max_rules = POLICY_MAX_RULES;
    populate_for_write((uintptr_t)&policy, (uintptr_t)&policy.rules[max_rules]);
    /* The devices' rules: those that a device module attached. */
    uint64_t attached = 0;
    for (uint32_t i = 1; i < pol->mft->entries; i++)
        attached |= (uint64_t)pol->mft->e[i].attached << i;
    struct result_msg msg;
    policy.nrules = 0;
    if (policy_add_base(&policy, pol->epollfd, pol->timerfd, &msg) !=
            RESULT_OK ||
        policy_add_devices(&policy, pol->mft, attached, &msg) != RESULT_OK)
        stub_die("%s", msg.text);
    return &policy;
}

size_t seccomp_compile(const struct policy *rules, struct sock_filter *buf,
                       size_t max)
{
    return bpf_compile(rules, buf, max < BPF_MAXINSNS ? max : BPF_MAXINSNS);
}

void seccomp_print_policy(const struct seccomp_policy *pol)
{
    static char text[64 * 1024] STUB_COLD_BSS;

    const struct policy *rules = seccomp_rules(pol);
    policy_describe(rules, 0, text, sizeof(text));
    fputs(text, stdout);
    /* The exact length of the program the guest would get; bench/ reads it
     * to check that its sandboxed baseline loads the same program. */
    static struct sock_filter prog[BPF_MAXINSNS] STUB_COLD_BSS;
    size_t n = seccomp_compile(rules, prog, BPF_MAXINSNS);
    if (n == 0)
        stub_die("seccomp policy too large for one BPF program");
    printf("BPF program: %zu instructions\n", n);
    fputs(policy_confinement, stdout);
}

void seccomp_no_new_privs(void)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        stub_die_errno("cannot set no_new_privs, which the seccomp filter "
                       "needs (prctl PR_SET_NO_NEW_PRIVS)");
}
