/* Building and describing the spt seccomp policy (docs/abi.md §4). */
#include "policy.h"

#include <stdio.h>

enum result policy_add(struct policy *p, const struct policy_rule *rule,
                       struct result_msg *msg)
{
    unsigned n = 0;

    if (p->nrules >= POLICY_MAX_RULES)
        return result_error(msg,
                            "seccomp policy: no room for the rule of %s (%s): "
                            "at most %d rules (POLICY_MAX_RULES)",
                            rule->name, rule->what, POLICY_MAX_RULES);
    while (n < POLICY_MAX_CONDS && rule->cond[n].op != POLICY_NONE)
        n++;
    for (unsigned k = n; k < POLICY_MAX_CONDS; k++) {
        if (rule->cond[k].op != POLICY_NONE)
            return result_error(msg,
                                "seccomp policy: the rule of %s (%s) has a "
                                "condition after its last",
                                rule->name, rule->what);
    }
    struct policy_rule *r = &p->rules[p->nrules++];
    *r = *rule;
    r->ncond = n;
    return RESULT_OK;
}

enum result policy_add_calls(struct policy *p, struct policy_rule rule,
                             const int *nrs, const char *const *names, size_t n,
                             struct result_msg *msg)
{
    for (size_t i = 0; i < n; i++) {
        rule.nr = nrs[i];
        rule.name = names[i];
        if (policy_add(p, &rule, msg) != RESULT_OK)
            return RESULT_ERROR;
    }
    return RESULT_OK;
}

int policy_valid(const struct policy *p)
{
    if (p->nrules > POLICY_MAX_RULES)
        return 0;
    for (size_t i = 0; i < p->nrules; i++) {
        const struct policy_rule *r = &p->rules[i];
        if (r->ncond > POLICY_MAX_CONDS)
            return 0;
        for (unsigned k = 0; k < r->ncond; k++) {
            const struct policy_cond *c = &r->cond[k];
            if (c->arg > 5 || (c->op != POLICY_EQ && c->op != POLICY_LE))
                return 0;
        }
    }
    return 1;
}

/* The base rules' usual condition: argument 0 equals value. */
static struct policy_cond arg0_is(uint64_t value, const char *name,
                                  const char *value_name, const char *meaning)
{
    struct policy_cond c = {.arg = 0,
                            .op = POLICY_EQ,
                            .value = value,
                            .arg_name = name,
                            .value_name = value_name,
                            .meaning = meaning};
    return c;
}

/* epoll_pwait's signal mask and its size (arguments 4 and 5). */
static const struct policy_cond sigmask_null = {.arg = 4,
                                                .op = POLICY_EQ,
                                                .value = 0,
                                                .arg_name = "sigmask",
                                                .value_name = "NULL"};
static const struct policy_cond sigsetsize_0 = {
    .arg = 5, .op = POLICY_EQ, .value = 0, .arg_name = "sigsetsize"};

enum result policy_add_base(struct policy *p, int epollfd, int timerfd,
                            struct result_msg *msg)
{
    const struct policy_rule rules[] = {
        {.nr = NABLA_NR_WRITE,
         .name = "write",
         .what = "console",
         .cond = {arg0_is(1, "fd", NULL, NULL)}},
        {.nr = NABLA_NR_EXIT_GROUP, .name = "exit_group", .what = "exit"},
        {.nr = NABLA_NR_CLOCK_GETTIME,
         .name = "clock_gettime",
         .what = "time",
         .cond = {arg0_is(NABLA_CLOCK_MONOTONIC, "clock", "CLOCK_MONOTONIC",
                          NULL)}},
        {.nr = NABLA_NR_CLOCK_GETTIME,
         .name = "clock_gettime",
         .what = "time",
         .cond = {arg0_is(NABLA_CLOCK_REALTIME, "clock", "CLOCK_REALTIME",
                          NULL)}},
        /* Solo5's bindings and ours pass no signal mask (NULL, size 0): a
         * mask would let a guest block SIGTERM, SIGINT and SIGHUP while it
         * waits. */
        {.nr = NABLA_NR_EPOLL_PWAIT,
         .name = "epoll_pwait",
         .what = "yield",
         .cond = {arg0_is((uint64_t)epollfd, "fd", NULL, "the epoll fd"),
                  sigmask_null, sigsetsize_0}},
        {.nr = NABLA_NR_TIMERFD_SETTIME,
         .name = "timerfd_settime",
         .what = "yield deadline",
         .cond = {arg0_is((uint64_t)timerfd, "fd", NULL, "the timer fd")}},
#ifdef NABLA_NR_ARCH_PRCTL
        /* x86_64 only: elsewhere the guest sets its thread pointer itself
         * (aarch64: msr tpidr_el0), no system call. */
        {.nr = NABLA_NR_ARCH_PRCTL,
         .name = "arch_prctl",
         .what = "TLS base",
         .cond = {arg0_is(NABLA_ARCH_SET_FS, "code", "ARCH_SET_FS", NULL)}},
#endif
    };
    _Static_assert(sizeof(rules) / sizeof(rules[0]) <= POLICY_BASE_RULES,
                   "POLICY_MAX_RULES leaves room for POLICY_BASE_RULES");

    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (policy_add(p, &rules[i], msg) != RESULT_OK)
            return RESULT_ERROR;
    }
    return RESULT_OK;
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

/* The last line of a policy in words. */
#ifdef NABLA_X32_SYSCALL_BIT
#define POLICY_KILL_OTHERS                                                     \
    "kill the process on any other system call, on any other architecture "    \
    "and on x32 calls\n"
#else
#define POLICY_KILL_OTHERS                                                     \
    "kill the process on any other system call and on any other "              \
    "architecture\n"
#endif

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
            len = snprintf(line, sizeof(line), POLICY_KILL_OTHERS);
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
