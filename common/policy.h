/*
 * The seccomp policy as data: a list of allowed system calls, each with the
 * conditions its arguments must meet (all of them). The same list is
 * compiled to BPF (bpf.c), described in words (a packed app's
 * --print-policy, nabla-pack inspect), and checked against libseccomp
 * (tests/unit/filter_oracle_test.c). Part of common/: the stub, nabla-pack and
 * the benchmarks' filter generator link the same code.
 */
#ifndef NABLA_POLICY_H
#define NABLA_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"
#include "nabla/syscalls.h"
#include "result.h"

/*
 * Room for everything the builders below can add: the base rules, 2 rules
 * for each of at most 63 devices (entry 0 of a manifest is no device), and
 * at most 3 conditions per rule (a block device's: fd, count, offset). The
 * builders assert their counts at build time; policy_add refuses a rule
 * that does not fit, with a message, and leaves the policy as it was.
 */
#define POLICY_BASE_RULES 7
#define POLICY_DEVICE_RULES 2
#define POLICY_MAX_RULES                                                       \
    (POLICY_BASE_RULES + POLICY_DEVICE_RULES * (MFT_MAX_ENTRIES - 1))
#define POLICY_MAX_CONDS 3

enum policy_op {
    POLICY_NONE, /* no condition: a rule's conditions end at the first */
    POLICY_EQ,   /* args[arg] == value */
    POLICY_LE,   /* args[arg] <= value (unsigned 64-bit) */
};

struct policy_cond {
    uint8_t arg; /* 0..5 */
    uint8_t op;  /* enum policy_op */
    uint64_t value;
    /* Words for policy_describe, all optional: the argument's name ("fd";
     * else "argN"), a name always printed instead of the value
     * ("CLOCK_MONOTONIC"), and what a value decided at run time is, printed
     * instead of it when describing symbolically: "the epoll fd", or for a
     * device's rule meaning + " '" + the device's name + "'" + meaning_tail
     * ("the capacity of 'disk' - its block size"). */
    const char *arg_name;
    const char *value_name;
    const char *meaning;
    const char *meaning_tail;
};

struct policy_rule {
    int nr;           /* system call number (nabla/syscalls.h) */
    const char *name; /* system call name */
    const char *what; /* what it is for: "console", or the device's name */
    uint32_t device;  /* manifest index of the device, 0 for the base rules */
    unsigned ncond;   /* conditions in cond[] */
    struct policy_cond cond[POLICY_MAX_CONDS];
};

struct policy {
    size_t nrules;
    struct policy_rule rules[POLICY_MAX_RULES];
};

/* The calls the spt ABI allows (docs/abi.md §4) and the constants their
 * rules pin are nabla/syscalls.h's NABLA_NR_* and NABLA_*, the names the
 * bindings use too. */

/*
 * Appends a copy of rule, whose conditions are cond[] up to the first of
 * op POLICY_NONE (its ncond is not read: a rule is written as a literal).
 * RESULT_ERROR with msg, and p unchanged, when p has no room for it or a
 * condition follows a POLICY_NONE one: a filter never lacks a rule or a
 * condition that its builder asked for.
 */
enum result policy_add(struct policy *p, const struct policy_rule *rule,
                       struct result_msg *msg)
    __attribute__((warn_unused_result));

/* Appends rule once for each of the n system calls nrs[] (names[]): the
 * same conditions for each (a device's reads and writes). */
enum result policy_add_calls(struct policy *p, struct policy_rule rule,
                             const int *nrs, const char *const *names, size_t n,
                             struct result_msg *msg);

/*
 * 1 if p can become a filter: at most POLICY_MAX_RULES rules, each with at
 * most POLICY_MAX_CONDS well-formed conditions (argument 0..5, POLICY_EQ or
 * POLICY_LE); 0 if not. bpf_compile checks it: a policy made by hand, not
 * by policy_add, may break any of these.
 */
int policy_valid(const struct policy *p);

/* The calls every guest may make (console, exit, clocks, yield, TLS). */
enum result policy_add_base(struct policy *p, int epollfd, int timerfd,
                            struct result_msg *msg);
/* The devices' rules: policy_add_devices (device.h). */

/*
 * Writes the policy in words, one line per rule, to buf (NUL-terminated,
 * truncated if too small); returns the length it needed. symbolic: name the
 * values decided at run time (fds, block sizes, capacities) instead of
 * printing them.
 */
size_t policy_describe(const struct policy *p, int symbolic, char *buf,
                       size_t size);

/* What else confines the guest, in words, one line per item, each ending in
 * a newline: printed after the policy by --print-policy and inspect. */
extern const char policy_confinement[];

#endif
