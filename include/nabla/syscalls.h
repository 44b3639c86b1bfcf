/*
 * The Linux system calls of the spt ABI (docs/abi.md §4) and the constant
 * arguments the seccomp policy pins, for the architecture being compiled
 * for: one list per architecture, in nabla/arch/ARCH/syscalls.h, for the
 * guest's bindings (bindings/sys.h), the policy (common/policy.h) and the
 * exit trampoline (stub/trampoline.S), so that the calls a guest makes and
 * the calls the filter allows cannot drift apart.
 *
 * Plain #defines only: stub/trampoline.S includes this file through the C
 * preprocessor. The names are prefixed because the stub also includes the C
 * library's <sys/syscall.h>, which defines SYS_* its own way.
 */
#ifndef NABLA_SYSCALLS_H
#define NABLA_SYSCALLS_H

/* Host tools that build another architecture's policy (nabla-pack's
 * inspect of an app for it, the filter oracle) name that architecture
 * with -DNABLA_TARGET_AARCH64 or -DNABLA_TARGET_X86_64; everything else
 * gets the architecture it is compiled for. */
#if defined(NABLA_TARGET_AARCH64)
#include "nabla/arch/aarch64/syscalls.h"
#elif defined(NABLA_TARGET_X86_64)
#include "nabla/arch/x86_64/syscalls.h"
#elif defined(__x86_64__)
#include "nabla/arch/x86_64/syscalls.h"
#elif defined(__aarch64__)
#include "nabla/arch/aarch64/syscalls.h"
#else
#error "nabla: no system call numbers for this architecture"
#endif

#endif
