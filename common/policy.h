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

/*
 * Room for everything the builder below can add: its base rules, 2 rules
 * for each of at most 63 devices, and at most 3 conditions per rule (a
 * block device's: fd, count, offset; entry 0 of a manifest is no device).
 * policy.c asserts the devices' counts at build time and checks the number
 * of base rules whenever it adds them. A rule or condition that does not
 * fit anyway makes the policy invalid (policy_valid): bpf_compile then
 * refuses it, so a filter never silently lacks a rule or a condition.
 */
#define POLICY_BASE_RULES 7
#define POLICY_DEVICE_RULES 2
#define POLICY_MAX_RULES                                                       \
    (POLICY_BASE_RULES + POLICY_DEVICE_RULES * (MFT_MAX_ENTRIES - 1))
#define POLICY_MAX_CONDS 3

enum policy_op {
    POLICY_EQ, /* args[arg] == value */
    POLICY_LE, /* args[arg] <= value (unsigned 64-bit) */
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
    int nr;           /* x86_64 system call number */
    const char *name; /* system call name */
    const char *what; /* what it is for: "console", or the device's name */
    uint32_t device;  /* manifest index of the device, 0 for the base rules */
    unsigned ncond;
    struct policy_cond cond[POLICY_MAX_CONDS];
    int overflow; /* a condition did not fit in cond[] */
};

struct policy {
    size_t nrules;
    int overflow; /* a rule did not fit in rules[] */
    struct policy_rule rules[POLICY_MAX_RULES];
};

/* The calls the spt ABI allows (docs/abi.md §4) and the constants their
 * rules pin are nabla/syscalls.h's NABLA_NR_* and NABLA_*, the names the
 * bindings use too. */

/* Appends a rule; returns it so that conditions can be added, or NULL when
 * the policy is full (which makes it invalid). */
struct policy_rule *policy_add(struct policy *p, int nr, const char *name,
                               const char *what);
/* Adds a condition to r; returns -1 when r is full (which makes r, and so
 * the policy, invalid) or NULL, else 0. */
int policy_cond(struct policy_rule *r, unsigned arg, enum policy_op op,
                uint64_t value);
/* The same for a condition with its words (struct policy_cond). */
int policy_cond_add(struct policy_rule *r, const struct policy_cond *c);

/*
 * 1 if every rule and condition the builder asked for is in p and every
 * condition is well-formed; 0 if not: then p must not become a filter.
 */
int policy_valid(const struct policy *p);

/* The calls every guest may make (console, exit, clocks, yield, TLS).
 * Returns 0, or -1 if the policy is invalid (see policy_valid). */
int policy_add_base(struct policy *p, int epollfd, int timerfd);
/* The calls for the attached devices of a filled-in manifest, as each
 * device type has them (device.h). Returns 0, or -1 if the policy is
 * invalid (see policy_valid). */
int policy_add_devices(struct policy *p, const struct mft *mft);

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
