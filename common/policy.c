/* Building and describing the spt seccomp policy (ABI.md §4). */
#include "policy.h"

#include <stdio.h>

struct policy_rule *policy_add(struct policy *p, int nr, const char *name,
                               const char *what)
{
    if (p->nrules >= POLICY_MAX_RULES) {
        p->overflow = 1;
        return NULL;
    }
    struct policy_rule *r = &p->rules[p->nrules++];
    r->nr = nr;
    r->name = name;
    r->what = what;
    r->device = 0;
    r->ncond = 0;
    r->overflow = 0;
    return r;
}

int policy_cond(struct policy_rule *r, unsigned arg, enum policy_op op,
                uint64_t value)
{
    if (r == NULL) /* policy_add failed and marked the policy */
        return -1;
    if (r->ncond >= POLICY_MAX_CONDS) {
        /* Dropping it would allow more than asked: invalidate the rule. */
        r->overflow = 1;
        return -1;
    }
    struct policy_cond *c = &r->cond[r->ncond++];
    c->arg = (uint8_t)arg;
    c->op = (uint8_t)op;
    c->value = value;
    return 0;
}

int policy_valid(const struct policy *p)
{
    if (p->overflow || p->nrules > POLICY_MAX_RULES)
        return 0;
    for (size_t i = 0; i < p->nrules; i++) {
        const struct policy_rule *r = &p->rules[i];
        if (r->overflow || r->ncond > POLICY_MAX_CONDS)
            return 0;
        for (unsigned k = 0; k < r->ncond; k++) {
            const struct policy_cond *c = &r->cond[k];
            if (c->arg > 5 || (c->op != POLICY_EQ && c->op != POLICY_LE))
                return 0;
        }
    }
    return 1;
}

int policy_add_base(struct policy *p, int epollfd, int timerfd)
{
    size_t first = p->nrules;
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
    /* POLICY_MAX_RULES leaves room for this many base rules only. */
    if (p->nrules - first > POLICY_BASE_RULES)
        p->overflow = 1;
    return policy_valid(p) ? 0 : -1;
}

static void add_block(struct policy *p, const struct mft_entry *e,
                      uint32_t index)
{
    uint64_t bs = e->u.block_basic.block_size;
    uint64_t last = e->u.block_basic.capacity - bs;
    static const int nrs[] = {POLICY_NR_PREAD64, POLICY_NR_PWRITE64};
    static const char *const names[] = {"pread64", "pwrite64"};
    const struct policy_cond conds[] = {
        {0, POLICY_EQ, (uint64_t)e->b.hostfd},
        {2, POLICY_EQ, bs},
        {3, POLICY_LE, last},
    };
    _Static_assert(sizeof(nrs) / sizeof(nrs[0]) <= POLICY_DEVICE_RULES,
                   "a block device's rules must fit in POLICY_MAX_RULES");
    _Static_assert(sizeof(conds) / sizeof(conds[0]) <= POLICY_MAX_CONDS,
                   "a block rule's conditions must fit in struct policy_rule");

    for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
        struct policy_rule *r = policy_add(p, nrs[i], names[i], e->name);
        if (r == NULL)
            return;
        r->device = index;
        for (size_t k = 0; k < sizeof(conds) / sizeof(conds[0]); k++)
            policy_cond(r, conds[k].arg, conds[k].op, conds[k].value);
    }
}

static void add_net(struct policy *p, const struct mft_entry *e, uint32_t index)
{
    static const int nrs[] = {POLICY_NR_READ, POLICY_NR_WRITE};
    static const char *const names[] = {"read", "write"};
    _Static_assert(sizeof(nrs) / sizeof(nrs[0]) <= POLICY_DEVICE_RULES,
                   "a net device's rules must fit in POLICY_MAX_RULES");

    for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
        struct policy_rule *r = policy_add(p, nrs[i], names[i], e->name);
        if (r == NULL)
            return;
        r->device = index;
        policy_cond(r, 0, POLICY_EQ, (uint64_t)e->b.hostfd);
    }
}

int policy_add_devices(struct policy *p, const struct mft *mft)
{
    for (uint32_t i = 1; i < mft->entries && i < MFT_MAX_ENTRIES; i++) {
        const struct mft_entry *e = &mft->e[i];
        if (!e->attached)
            continue;
        if (e->type == MFT_BLOCK_BASIC)
            add_block(p, e, i);
        else if (e->type == MFT_NET_BASIC)
            add_net(p, e, i);
    }
    return policy_valid(p) ? 0 : -1;
}

static int is_block_call(int nr)
{
    return nr == POLICY_NR_PREAD64 || nr == POLICY_NR_PWRITE64;
}

static const char *arg_name(unsigned arg, int nr)
{
    static const char *const generic[6] = {"arg0", "arg1", "arg2",
                                           "arg3", "arg4", "arg5"};
    if (arg == 0)
        return nr == POLICY_NR_CLOCK_GETTIME ? "clock"
               : nr == POLICY_NR_ARCH_PRCTL  ? "code"
                                             : "fd";
    if (is_block_call(nr) && arg == 2)
        return "count";
    if (is_block_call(nr) && arg == 3)
        return "offset";
    return arg < 6 ? generic[arg] : "arg?";
}

/* What a condition's value means; symbolic: without run-time numbers. */
static void value_text(const struct policy_rule *r, const struct policy_cond *c,
                       int symbolic, char *buf, size_t size)
{
    unsigned long long v = (unsigned long long)c->value;

    if (r->nr == POLICY_NR_CLOCK_GETTIME)
        snprintf(buf, size, "%s",
                 v == POLICY_CLOCK_MONOTONIC  ? "CLOCK_MONOTONIC"
                 : v == POLICY_CLOCK_REALTIME ? "CLOCK_REALTIME"
                                              : "?");
    else if (r->nr == POLICY_NR_ARCH_PRCTL)
        snprintf(buf, size, "ARCH_SET_FS");
    else if (r->nr == POLICY_NR_EXIT_GROUP)
        snprintf(buf, size, "%llu", v);
    else if (r->nr == POLICY_NR_EPOLL_PWAIT)
        snprintf(buf, size, symbolic ? "the epoll fd" : "%llu", v);
    else if (r->nr == POLICY_NR_TIMERFD_SETTIME)
        snprintf(buf, size, symbolic ? "the timer fd" : "%llu", v);
    else if (r->device == 0 || !symbolic)
        snprintf(buf, size, "%llu", v);
    else if (c->arg == 0)
        snprintf(buf, size, "the fd of '%s'", r->what);
    else if (c->arg == 2)
        snprintf(buf, size, "the block size of '%s'", r->what);
    else
        snprintf(buf, size, "the capacity of '%s' - its block size", r->what);
}

size_t policy_describe(const struct policy *p, int symbolic, char *buf,
                       size_t size)
{
    size_t n = 0;
    char line[512], value[128];

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
            len =
                snprintf(line, sizeof(line), "allow %s (%s)", r->name, r->what);
            for (unsigned k = 0;
                 k < r->ncond && len > 0 && (size_t)len < sizeof(line); k++) {
                const struct policy_cond *c = &r->cond[k];
                value_text(r, c, symbolic, value, sizeof(value));
                len += snprintf(line + len, sizeof(line) - (size_t)len,
                                "%s %s %s %s", k == 0 ? " if" : " and",
                                arg_name(c->arg, r->nr),
                                c->op == POLICY_EQ ? "==" : "<=", value);
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

const char policy_confinement[] =
    "before the filter: no_new_privs set; effective, permitted, inheritable "
    "and ambient capabilities emptied\n"
    "capability bounding set left as it is: it only limits what execve can "
    "grant, and under this filter there is no execve (nor anything to gain "
    "from one under no_new_privs)\n";
