/* Building and describing the spt seccomp policy (docs/abi.md §4). */
#include "policy.h"

#include "device.h"

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

int policy_cond_add(struct policy_rule *r, const struct policy_cond *c)
{
    if (r == NULL) /* policy_add failed and marked the policy */
        return -1;
    if (r->ncond >= POLICY_MAX_CONDS) {
        /* Dropping it would allow more than asked: invalidate the rule. */
        r->overflow = 1;
        return -1;
    }
    r->cond[r->ncond++] = *c;
    return 0;
}

int policy_cond(struct policy_rule *r, unsigned arg, enum policy_op op,
                uint64_t value)
{
    struct policy_cond c = {
        .arg = (uint8_t)arg, .op = (uint8_t)op, .value = value};
    return policy_cond_add(r, &c);
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

/* The base rules' one condition: the first argument equals value. */
static void arg0_is(struct policy_rule *r, uint64_t value, const char *name,
                    const char *value_name, const char *meaning)
{
    struct policy_cond c = {.arg = 0,
                            .op = POLICY_EQ,
                            .value = value,
                            .arg_name = name,
                            .value_name = value_name,
                            .meaning = meaning};
    policy_cond_add(r, &c);
}

/* epoll_pwait's signal mask and its size (arguments 4 and 5). */
static const struct policy_cond sigmask_null = {.arg = 4,
                                                .op = POLICY_EQ,
                                                .value = 0,
                                                .arg_name = "sigmask",
                                                .value_name = "NULL"};
static const struct policy_cond sigsetsize_0 = {
    .arg = 5, .op = POLICY_EQ, .value = 0, .arg_name = "sigsetsize"};

int policy_add_base(struct policy *p, int epollfd, int timerfd)
{
    size_t first = p->nrules;
    struct policy_rule *r;

    r = policy_add(p, NABLA_NR_WRITE, "write", "console");
    arg0_is(r, 1, "fd", NULL, NULL);
    policy_add(p, NABLA_NR_EXIT_GROUP, "exit_group", "exit");
    r = policy_add(p, NABLA_NR_CLOCK_GETTIME, "clock_gettime", "time");
    arg0_is(r, NABLA_CLOCK_MONOTONIC, "clock", "CLOCK_MONOTONIC", NULL);
    r = policy_add(p, NABLA_NR_CLOCK_GETTIME, "clock_gettime", "time");
    arg0_is(r, NABLA_CLOCK_REALTIME, "clock", "CLOCK_REALTIME", NULL);
    /* Solo5's bindings and ours pass no signal mask (NULL, size 0): a mask
     * would let a guest block SIGTERM, SIGINT and SIGHUP while it waits. */
    r = policy_add(p, NABLA_NR_EPOLL_PWAIT, "epoll_pwait", "yield");
    arg0_is(r, (uint64_t)epollfd, "fd", NULL, "the epoll fd");
    policy_cond_add(r, &sigmask_null);
    policy_cond_add(r, &sigsetsize_0);
    r = policy_add(p, NABLA_NR_TIMERFD_SETTIME, "timerfd_settime",
                   "yield deadline");
    arg0_is(r, (uint64_t)timerfd, "fd", NULL, "the timer fd");
    r = policy_add(p, NABLA_NR_ARCH_PRCTL, "arch_prctl", "TLS base");
    arg0_is(r, NABLA_ARCH_SET_FS, "code", "ARCH_SET_FS", NULL);
    /* POLICY_MAX_RULES leaves room for this many base rules only. */
    if (p->nrules - first > POLICY_BASE_RULES)
        p->overflow = 1;
    return policy_valid(p) ? 0 : -1;
}

int policy_add_devices(struct policy *p, const struct mft *mft)
{
    for (uint32_t i = 1; i < mft->entries && i < MFT_MAX_ENTRIES; i++) {
        const struct mft_entry *e = &mft->e[i];
        const struct device_type *t = device_type_of(e->type);
        if (e->attached && t != NULL)
            t->add_rules(p, e, i);
    }
    return policy_valid(p) ? 0 : -1;
}

static const char *arg_name(const struct policy_cond *c)
{
    static const char *const generic[6] = {"arg0", "arg1", "arg2",
                                           "arg3", "arg4", "arg5"};
    if (c->arg_name != NULL)
        return c->arg_name;
    return c->arg < 6 ? generic[c->arg] : "arg?";
}

/* What a condition's value means; symbolic: without run-time numbers. */
static void value_text(const struct policy_rule *r, const struct policy_cond *c,
                       int symbolic, char *buf, size_t size)
{
    if (c->value_name != NULL)
        snprintf(buf, size, "%s", c->value_name);
    else if (symbolic && c->meaning != NULL && r->device != 0)
        snprintf(buf, size, "%s '%s'%s", c->meaning, r->what,
                 c->meaning_tail ? c->meaning_tail : "");
    else if (symbolic && c->meaning != NULL)
        snprintf(buf, size, "%s", c->meaning);
    else
        snprintf(buf, size, "%llu", (unsigned long long)c->value);
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
                                arg_name(c),
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
