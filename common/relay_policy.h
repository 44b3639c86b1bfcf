/*
 * The seccomp policy of the user-mode network relay (stub/relay/): the
 * process that speaks to the host's sockets for a net device in user mode
 * (--net:NAME=user), while the guest runs in its child. Built as data
 * (policy.h) like the guest's, compiled by the same compiler (bpf.c),
 * described by --print-policy and nabla-pack inspect, and checked against
 * libseccomp and by a system call sweep in the test suite.
 */
#ifndef NABLA_RELAY_POLICY_H
#define NABLA_RELAY_POLICY_H

#include "policy.h"

/* The fds the relay's rules pin, all opened by the relay before its filter
 * is loaded. */
struct relay_policy_fds {
    int epollfd;     /* its event set */
    int guest_pidfd; /* a pidfd of the guest (its child) */
    int self_pidfd;  /* a pidfd of itself: to end with the guest's signal */
};

/* The relay's rules (RESULT_ERROR if p has no room for them). */
enum result policy_add_relay(struct policy *p,
                             const struct relay_policy_fds *fds,
                             struct result_msg *msg);

/* What else confines the relay, in words, one line per item, each ending
 * in a newline. */
extern const char relay_confinement[];

#endif
