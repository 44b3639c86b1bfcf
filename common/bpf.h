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
 * Layout: check the architecture (NABLA_AUDIT_ARCH, nabla/syscalls.h: the
 * one compiled for, and nothing else); then the numbers of the
 * devices' calls (block and net I/O, the hot path), compared one by one,
 * each followed by its rules; then the other numbers, found by a binary
 * search that kills out-of-range numbers (and x32's), their rules after it. A
 * number's rules: the devices' first, then the base rules, each a run of
 * argument checks ending in "allow" (rules that compare the same argument
 * first share the check of its high word); a call whose number matched but
 * no rule allowed it, and every other call, is killed.
 */
size_t bpf_compile(const struct policy *p, struct sock_filter *out, size_t max);

#endif
