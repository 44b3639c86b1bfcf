/*
 * The seccomp policy of ABI.md §4: kill the process on anything else.
 *
 * libseccomp compiles the rules; the program is exported into our own buffer
 * and loaded with the raw system call, after every libseccomp resource is
 * released. That way no free() (which may call munmap or brk) can run after
 * the filter is in place (Solo5 #477).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "stub.h"

#ifndef ARCH_SET_FS
#define ARCH_SET_FS 0x1002
#endif

/* Largest filter accepted by the kernel (BPF_MAXINSNS). */
static struct sock_filter filter_buf[BPF_MAXINSNS];

void seccomp_allow(scmp_filter_ctx ctx, const char *what, int nr,
                   unsigned nargs, const struct scmp_arg_cmp *args)
{
    int rc = seccomp_rule_add_exact_array(ctx, SCMP_ACT_ALLOW, nr, nargs,
                                          args);
    if (rc != 0) {
        errno = -rc;
        stub_die_errno("seccomp rule for %s", what);
    }
}

struct scmp_arg_cmp seccomp_arg(unsigned arg, enum scmp_compare op,
                                scmp_datum_t value)
{
    struct scmp_arg_cmp c = {.arg = arg, .op = op, .datum_a = value,
                             .datum_b = 0};
    return c;
}

/* The calls every guest may make; device calls come from their modules. */
static void add_rules(scmp_filter_ctx ctx, const struct seccomp_policy *pol)
{
    struct scmp_arg_cmp a;

    a = seccomp_arg(0, SCMP_CMP_EQ, 1);
    seccomp_allow(ctx, "write(console)", SCMP_SYS(write), 1, &a);
    seccomp_allow(ctx, "exit_group", SCMP_SYS(exit_group), 0, NULL);
    a = seccomp_arg(0, SCMP_CMP_EQ, CLOCK_MONOTONIC);
    seccomp_allow(ctx, "clock_gettime", SCMP_SYS(clock_gettime), 1, &a);
    a = seccomp_arg(0, SCMP_CMP_EQ, CLOCK_REALTIME);
    seccomp_allow(ctx, "clock_gettime", SCMP_SYS(clock_gettime), 1, &a);
    a = seccomp_arg(0, SCMP_CMP_EQ, (scmp_datum_t)pol->epollfd);
    seccomp_allow(ctx, "epoll_pwait", SCMP_SYS(epoll_pwait), 1, &a);
    a = seccomp_arg(0, SCMP_CMP_EQ, (scmp_datum_t)pol->timerfd);
    seccomp_allow(ctx, "timerfd_settime", SCMP_SYS(timerfd_settime), 1, &a);
    a = seccomp_arg(0, SCMP_CMP_EQ, ARCH_SET_FS);
    seccomp_allow(ctx, "arch_prctl", SCMP_SYS(arch_prctl), 1, &a);

    const struct mft *mft = pol->mft;
    for (uint32_t i = 1; i < mft->entries; i++) {
        const struct mft_entry *e = &mft->e[i];
        if (e->type == MFT_BLOCK_BASIC)
            block_seccomp_rules(ctx, e);
        else if (e->type == MFT_NET_BASIC)
            net_seccomp_rules(ctx, e);
    }
}

/* Compiles the policy into filter_buf; returns the number of instructions. */
static size_t compile_policy(const struct seccomp_policy *pol)
{
    int pipefd[2];
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL)
        stub_die("seccomp_init failed");
    add_rules(ctx, pol);
    if (pipe(pipefd) != 0)
        stub_die_errno("pipe");
    int rc = seccomp_export_bpf(ctx, pipefd[1]);
    if (rc != 0) {
        errno = -rc;
        stub_die_errno("seccomp_export_bpf");
    }
    close(pipefd[1]);
    seccomp_release(ctx);

    size_t got = 0;
    char *buf = (char *)filter_buf;
    for (;;) {
        ssize_t n = read(pipefd[0], buf + got, sizeof(filter_buf) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            stub_die_errno("reading the seccomp filter");
        if (n == 0)
            break;
        got += (size_t)n;
        if (got == sizeof(filter_buf))
            stub_die("seccomp filter too large");
    }
    close(pipefd[0]);
    if (got == 0 || got % sizeof(struct sock_filter) != 0)
        stub_die("seccomp filter has a bad size (%zu bytes)", got);
    return got / sizeof(struct sock_filter);
}

void seccomp_install(const struct seccomp_policy *pol)
{
    struct sock_fprog prog = {
        .len = (unsigned short)compile_policy(pol),
        .filter = filter_buf,
    };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        stub_die_errno("loading the seccomp filter");
}
