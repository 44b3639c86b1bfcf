/*
 * What the test guests need to know of the architecture they are built
 * for, one header each in tests/guests/arch/: raw system calls (the guests
 * that check the seccomp policy bypass the bindings), the numbers they use
 * (written out here, independently of nabla/syscalls.h, so that a wrong
 * number there is caught), and a few registers.
 */
#ifndef NABLA_TEST_ARCH_H
#define NABLA_TEST_ARCH_H

#if defined(__x86_64__)
#include "arch/x86_64.h"
#elif defined(__aarch64__)
#include "arch/aarch64.h"
#else
#error "test guests: unknown architecture"
#endif

#endif
