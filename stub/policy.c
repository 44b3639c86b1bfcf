/* Building and describing the spt seccomp policy (ABI.md §4). */
#include "policy.h"

#include <stdio.h>

struct policy_rule *policy_add(struct policy *p, int nr, const char *name,
                               const char *what)
{
    if (p->nrules == POLICY_MAX_RULES)
        return NULL;
    struct policy_rule *r = &p->rules[p->nrules++];
    r->nr = nr;
    r->name = name;
    r->what = what;
    r->ncond = 0;
    return r;
}

void policy_cond(struct policy_rule *r, unsigned arg, enum policy_op op,
                 uint64_t value)
{
    if (r == NULL || r->ncond == POLICY_MAX_CONDS)
        return;
    struct policy_cond *c = &r->cond[r->ncond++];
    c->arg = (uint8_t)arg;
    c->op = (uint8_t)op;
    c->value = value;
}

void policy_add_base(struct policy *p, int epollfd, int timerfd)
{
    struct policy_rule *r;

    r = policy_add(p, POLICY_NR_WRITE, "write", "console");
    policy_cond(r, 0, POLICY_EQ, 1);
    policy_add(p, POLICY_NR_EXIT_GROUP, "exit_group", "exit");
    r = policy_add(p, POLICY_NR_CLOCK_GETTIME, "clock_gettime", "time");
    policy_cond(r, 0, POLICY_EQ, POLICY_CLOCK_MONOTONIC);
    r = policy_add(p, POLICY_NR_CLOCK_GETTIME, "clock_gettime", "time");
    policy_cond(r, 0, POLICY_EQ, POLICY_CLOCK_REALTIME);
    r = policy_add(p, POLICY_NR_EPOLL_PWAIT, "epoll_pwait", "yield");
    policy_cond(r, 0, POLICY_EQ, (uint64_t)epollfd);
    r = policy_add(p, POLICY_NR_TIMERFD_SETTIME, "timerfd_settime",
                   "yield deadline");
    policy_cond(r, 0, POLICY_EQ, (uint64_t)timerfd);
    r = policy_add(p, POLICY_NR_ARCH_PRCTL, "arch_prctl", "TLS base");
    policy_cond(r, 0, POLICY_EQ, POLICY_ARCH_SET_FS);
}

static void add_block(struct policy *p, const struct mft_entry *e)
{
    uint64_t bs = e->u.block_basic.block_size;
    uint64_t last = e->u.block_basic.capacity - bs;
    static const int nrs[2] = {POLICY_NR_PREAD64, POLICY_NR_PWRITE64};
    static const char *const names[2] = {"pread64", "pwrite64"};

    for (int i = 0; i < 2; i++) {
        struct policy_rule *r = policy_add(p, nrs[i], names[i], e->name);
        policy_cond(r, 0, POLICY_EQ, (uint64_t)e->b.hostfd);
        policy_cond(r, 2, POLICY_EQ, bs);
        policy_cond(r, 3, POLICY_LE, last);
    }
}

static void add_net(struct policy *p, const struct mft_entry *e)
{
    struct policy_rule *r;

    r = policy_add(p, POLICY_NR_READ, "read", e->name);
    policy_cond(r, 0, POLICY_EQ, (uint64_t)e->b.hostfd);
    r = policy_add(p, POLICY_NR_WRITE, "write", e->name);
    policy_cond(r, 0, POLICY_EQ, (uint64_t)e->b.hostfd);
}

void policy_add_devices(struct policy *p, const struct mft *mft)
{
    for (uint32_t i = 1; i < mft->entries && i < MFT_MAX_ENTRIES; i++) {
        const struct mft_entry *e = &mft->e[i];
        if (!e->attached)
            continue;
        if (e->type == MFT_BLOCK_BASIC)
            add_block(p, e);
        else if (e->type == MFT_NET_BASIC)
            add_net(p, e);
    }
}

static const char *arg_name(unsigned arg, int nr)
{
    static const char *const generic[6] = {"arg0", "arg1", "arg2",
                                           "arg3", "arg4", "arg5"};
    if (arg == 0)
        return nr == POLICY_NR_CLOCK_GETTIME ? "clock"
               : nr == POLICY_NR_ARCH_PRCTL  ? "code"
                                             : "fd";
    if ((nr == POLICY_NR_PREAD64 || nr == POLICY_NR_PWRITE64) && arg == 2)
        return "count";
    if ((nr == POLICY_NR_PREAD64 || nr == POLICY_NR_PWRITE64) && arg == 3)
        return "offset";
    return arg < 6 ? generic[arg] : "arg?";
}

size_t policy_describe(const struct policy *p, char *buf, size_t size)
{
    size_t n = 0;
    char line[256];

    if (size > 0)
        buf[0] = '\0';
    for (size_t i = 0; i <= p->nrules; i++) {
        int len;
        if (i == p->nrules) {
            len = snprintf(line, sizeof(line),
                           "kill the process on any other system call, "
                           "on any other architecture and on x32 calls\n");
        } else {
            const struct policy_rule *r = &p->rules[i];
            len = snprintf(line, sizeof(line), "allow %s (%s)", r->name,
                           r->what);
            for (unsigned c = 0; c < r->ncond && len > 0 &&
                                 (size_t)len < sizeof(line);
                 c++) {
                const struct policy_cond *pc = &r->cond[c];
                len += snprintf(line + len, sizeof(line) - (size_t)len,
                                "%s %s %s %llu", c == 0 ? " if" : " and",
                                arg_name(pc->arg, r->nr),
                                pc->op == POLICY_EQ ? "==" : "<=",
                                (unsigned long long)pc->value);
            }
            if (len > 0 && (size_t)len < sizeof(line) - 1) {
                line[len++] = '\n';
                line[len] = '\0';
            }
        }
        if (len < 0)
            continue;
        if (n + (size_t)len < size)
            snprintf(buf + n, size - n, "%s", line);
        n += (size_t)len;
    }
    return n;
}
