/* Compiling a struct policy into a classic BPF seccomp program. */
#ifndef NABLA_BPF_H
#define NABLA_BPF_H

#include <linux/filter.h>
#include <stddef.h>

#include "policy.h"

/*
 * Writes the program for p into out (room for max instructions). Returns the
 * number of instructions, or 0 if it does not fit or p is not valid
 * (policy_valid: a rule or a condition of it did not fit).
 *
 * Layout: check the architecture (x86_64 only), kill x32 and out-of-range
 * numbers, then one block per allowed system call number: its rules in
 * order, each a run of argument checks ending in "allow"; a call whose
 * number matched but no rule allowed it, and every other call, is killed.
 */
size_t bpf_compile(const struct policy *p, struct sock_filter *out, size_t max);

#endif
