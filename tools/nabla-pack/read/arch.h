/*
 * The architectures nabla is for, and what differs between them for
 * nabla-pack: the names, the OCI name, and the seccomp policies that stub
 * builds, the guest's and the user-mode relay's (common/policy.c and
 * common/relay_policy.c compiled with the architecture's numbers: the
 * Makefile's policy-ARCH.o), which inspect describes. A file's e_machine names
 * its architecture; the stub for it is chosen in pack/stub.c. The one place in
 * nabla-pack that lists the architectures.
 */
#ifndef NABLA_PACK_ARCH_H
#define NABLA_PACK_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "relay_policy.h"

struct pack_arch {
    const char *name;     /* "x86_64", "aarch64": messages, uname -m */
    uint16_t e_machine;   /* EM_X86_64, EM_AARCH64 */
    const char *oci_name; /* "amd64", "arm64": OCI's architecture */
    /* Its stub moves and relocates a position-independent guest (guest
     * ASLR: R_X86_64_RELATIVE, stub/aslr.c). */
    int pie;
    /* The policy the stub of this architecture builds (policy.h). */
    enum result (*policy_add_base)(struct policy *p, int epollfd, int timerfd,
                                   struct result_msg *msg);
    enum result (*policy_add_devices)(struct policy *p, const struct mft *mft,
                                      uint64_t in_use, struct result_msg *msg);
    size_t (*policy_describe)(const struct policy *p, int symbolic, char *buf,
                              size_t size);
    /* The policy of the relay of a net device in user mode
     * (relay_policy.h). */
    enum result (*policy_add_relay)(struct policy *p,
                                    const struct relay_policy_fds *fds,
                                    struct result_msg *msg);
};

/* The architecture of ELF machine e_machine, or NULL if nabla has none. */
const struct pack_arch *pack_arch_of(unsigned e_machine);
/* A name for any ELF machine: "x86_64", "riscv", ..., "unknown". */
const char *pack_machine_name(unsigned e_machine);
/* The architectures, "x86_64 and aarch64", for messages. */
extern const char pack_arch_names[];

#endif
