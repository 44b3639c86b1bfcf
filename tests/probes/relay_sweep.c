/*
 * relay_sweep: the user-mode network relay's seccomp filter, loaded by the
 * kernel and tried one system call at a time (tests/usernet.bats; built
 * for aarch64 too, and run in the arm64 VM by tests/aarch64-stub.bats).
 * The program is built as the relay builds it: common/relay_policy.c
 * compiled by common/bpf.c, with the numbers of the architecture it is
 * built for.
 *
 *   relay_sweep program EPOLLFD GUEST_PIDFD SELF_PIDFD
 *       prints the program for these fds, one instruction a line as 16 hex
 *       digits (k, jf, jt, code: the format of
 *       tests/tools/seccomp-program.gdb), then "instructions: N"
 *   relay_sweep sweep
 *       makes fds like the relay's (an epoll set, a pidfd of a child that
 *       stands for the guest, one of itself), builds the policy for them,
 *       then in a child of its own for each case loads the filter and:
 *         nr: every number 0..NR_MAX without a rule, numbers far beyond,
 *             and the x32 bit (on aarch64 a number far beyond too),
 *             every argument -1: must be killed (SIGSYS);
 *         bad: each rule's call with one of its conditions broken (and no
 *             other rule meeting the arguments): must be killed;
 *         good: each rule's call with arguments it allows, the others -1:
 *             must not be killed.
 *       Prints the numbers with a rule, "ESCAPED what" for a call that should
 * have been killed and returned, "BLOCKED what" for an allowed call that was
 * killed, then "relay_sweep: N tried, K killed, G allowed, X exempt (...)";
 * exit status 1 on any ESCAPED or BLOCKED, 2 on a usage or set-up error.
 * Linux 6.14+ runs uretprobe (335) and uprobe (336) without seccomp on
 * x86_64; their harmless outcome outside a uprobe (SIGILL, -ENXIO) is
 * counted as exempt there.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf.h"
#include "relay_policy.h"

#define NR_MAX 600
#define X32_BIT 0x40000000L
#if defined(__x86_64__)
#define UPROBE_EXEMPT 1
#else
#define UPROBE_EXEMPT 0
#endif

static struct policy pol;
static struct sock_filter prog[BPF_MAXINSNS];
static struct sock_fprog fprog;
static unsigned long tried, killed, allowed, exempt;
static int failures;
static char exempt_text[256];

static int build(int epollfd, int guest_pidfd, int self_pidfd)
{
    struct relay_policy_fds fds = {epollfd, guest_pidfd, self_pidfd};
    struct result_msg msg;
    memset(&pol, 0, sizeof(pol));
    if (policy_add_relay(&pol, &fds, &msg) != RESULT_OK) {
        fprintf(stderr, "relay_sweep: %s\n", msg.text);
        return -1;
    }
    size_t n = bpf_compile(&pol, prog, BPF_MAXINSNS);
    if (n == 0)
        return -1;
    fprog.len = (unsigned short)n;
    fprog.filter = prog;
    return 0;
}

/* Does a rule of the policy allow nr with args? (The policy as data.) */
static int policy_allows(long nr, const uint64_t *args)
{
    for (size_t i = 0; i < pol.nrules; i++) {
        const struct policy_rule *r = &pol.rules[i];
        int ok = r->nr == nr;
        for (unsigned k = 0; ok && k < r->ncond; k++) {
            const struct policy_cond *c = &r->cond[k];
            ok = c->op == POLICY_EQ ? args[c->arg] == c->value
                                    : args[c->arg] <= c->value;
        }
        if (ok)
            return 1;
    }
    return 0;
}

static int has_rule(long nr)
{
    for (size_t i = 0; i < pol.nrules; i++)
        if (pol.rules[i].nr == nr)
            return 1;
    return 0;
}

/* Runs the call under the filter in a child; returns its wait status. */
static int run(long nr, const uint64_t *a)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("relay_sweep: fork");
        exit(2);
    }
    if (pid == 0) {
        alarm(5); /* a call that blocks after all ends the child */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
            _exit(98);
        long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        _exit(r == -1 && errno == ENXIO ? 97 : 0);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            perror("relay_sweep: waitpid");
            exit(2);
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 98) {
        fprintf(stderr, "relay_sweep: the child could not load the filter\n");
        exit(2);
    }
    return status;
}

static int was_killed(int status)
{
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

static void describe(char *buf, size_t size, const char *what, long nr,
                     const uint64_t *a)
{
    snprintf(buf, size,
             "%s nr %ld (%#lx) args %#llx %#llx %#llx %#llx %#llx %#llx", what,
             nr & ~X32_BIT, nr, (unsigned long long)a[0],
             (unsigned long long)a[1], (unsigned long long)a[2],
             (unsigned long long)a[3], (unsigned long long)a[4],
             (unsigned long long)a[5]);
}

static void expect_killed(const char *what, long nr, const uint64_t *a)
{
    char text[256];
    tried++;
    int status = run(nr, a);
    if (was_killed(status)) {
        killed++;
        return;
    }
    if (UPROBE_EXEMPT &&
        ((nr == 335 && WIFSIGNALED(status) && WTERMSIG(status) == SIGILL) ||
         (nr == 336 && WIFEXITED(status) && WEXITSTATUS(status) == 97))) {
        exempt++;
        size_t len = strlen(exempt_text);
        snprintf(exempt_text + len, sizeof(exempt_text) - len, "%s%ld",
                 len ? " " : "", nr);
        return;
    }
    describe(text, sizeof(text), what, nr, a);
    printf("ESCAPED %s: wait status %#x\n", text, status);
    failures++;
}

static void expect_allowed(const char *what, long nr, const uint64_t *a)
{
    char text[256];
    tried++;
    int status = run(nr, a);
    if (!was_killed(status)) {
        allowed++;
        return;
    }
    describe(text, sizeof(text), what, nr, a);
    printf("BLOCKED %s\n", text);
    failures++;
}

/* Arguments meeting every condition of r, the others -1. */
static void good_args(const struct policy_rule *r, uint64_t *a)
{
    for (int i = 0; i < 6; i++)
        a[i] = ~0ull;
    for (unsigned k = 0; k < r->ncond; k++)
        a[r->cond[k].arg] = r->cond[k].value;
}

static int sweep(void)
{
    uint64_t a[6];

    /* Numbers without a rule. */
    for (long nr = 0; nr <= NR_MAX; nr++) {
        if (has_rule(nr))
            continue;
        for (int i = 0; i < 6; i++)
            a[i] = ~0ull;
        expect_killed("nr", nr, a);
    }
    static const long far[] = {1000, 0xffff, 0x3fffffff, 0x7fffffff};
    for (size_t i = 0; i < sizeof(far) / sizeof(far[0]); i++)
        expect_killed("nr", far[i], a);

    for (size_t i = 0; i < pol.nrules; i++) {
        const struct policy_rule *r = &pol.rules[i];
        /* Allowed as the own architecture, never as x32 (on aarch64: a
         * number far beyond). */
        good_args(r, a);
        expect_allowed("good", r->nr, a);
        expect_killed("x32", r->nr | X32_BIT, a);
        /* Each condition broken in turn: its value +1 and with a high
         * word, unless another rule allows that. */
        for (unsigned k = 0; k < r->ncond; k++) {
            const struct policy_cond *c = &r->cond[k];
            const uint64_t wrong[2] = {c->value + 1, c->value ^ (1ull << 32)};
            for (int w = 0; w < 2; w++) {
                good_args(r, a);
                a[c->arg] = wrong[w];
                if (!policy_allows(r->nr, a))
                    expect_killed("bad", r->nr, a);
            }
        }
    }
    printf("relay_sweep: numbers with a rule:");
    for (long nr = 0; nr <= NR_MAX; nr++)
        if (has_rule(nr))
            printf(" %ld", nr);
    printf("\n");
    printf(
        "relay_sweep: %lu tried, %lu killed, %lu allowed, %lu exempt%s%s%s\n",
        tried, killed, allowed, exempt, exempt ? " (" : "", exempt_text,
        exempt ? ")" : "");
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "program") == 0) {
        if (build(atoi(argv[2]), atoi(argv[3]), atoi(argv[4])) != 0) {
            fprintf(stderr, "relay_sweep: the policy does not compile\n");
            return 2;
        }
        for (size_t i = 0; i < fprog.len; i++) {
            const struct sock_filter *f = &prog[i];
            printf("%08x%02x%02x%04x\n", f->k, f->jf, f->jt, f->code);
        }
        printf("instructions: %u\n", fprog.len);
        return 0;
    }
    if (argc != 2 || strcmp(argv[1], "sweep") != 0) {
        fprintf(stderr, "usage: relay_sweep program EPOLLFD GUEST_PIDFD "
                        "SELF_PIDFD | relay_sweep sweep\n");
        return 2;
    }
    int epfd = epoll_create1(0);
    pid_t guest = fork();
    if (guest == 0) {
        pause();
        _exit(0);
    }
    int guest_pidfd = (int)syscall(SYS_pidfd_open, guest, 0);
    int self_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (epfd < 0 || guest < 0 || guest_pidfd < 0 || self_pidfd < 0) {
        perror("relay_sweep: set-up");
        return 2;
    }
    if (build(epfd, guest_pidfd, self_pidfd) != 0) {
        fprintf(stderr, "relay_sweep: the policy does not compile\n");
        return 2;
    }
    int rc = sweep();
    kill(guest, SIGKILL);
    waitpid(guest, NULL, 0);
    return rc;
}
