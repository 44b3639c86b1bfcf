/* The architectures nabla is for (arch.h). */
#include "read/arch.h"

#include <elf.h>

/* The Makefile's policy-ARCH.o: common/policy.c and common/relay_policy.c
 * for that architecture. */
enum result x86_64_policy_add_base(struct policy *p, int epollfd, int timerfd,
                                   struct result_msg *msg);
enum result x86_64_policy_add_devices(struct policy *p, const struct mft *mft,
                                      uint64_t in_use, struct result_msg *msg);
size_t x86_64_policy_describe(const struct policy *p, int symbolic, char *buf,
                              size_t size);
enum result x86_64_policy_add_relay(struct policy *p,
                                    const struct relay_policy_fds *fds,
                                    struct result_msg *msg);
enum result aarch64_policy_add_base(struct policy *p, int epollfd, int timerfd,
                                    struct result_msg *msg);
enum result aarch64_policy_add_devices(struct policy *p, const struct mft *mft,
                                       uint64_t in_use, struct result_msg *msg);
size_t aarch64_policy_describe(const struct policy *p, int symbolic, char *buf,
                               size_t size);
enum result aarch64_policy_add_relay(struct policy *p,
                                     const struct relay_policy_fds *fds,
                                     struct result_msg *msg);

static const struct pack_arch arches[] = {
    {
        .name = "x86_64",
        .e_machine = EM_X86_64,
        .oci_name = "amd64",
        .pie = 1,
        .policy_add_base = x86_64_policy_add_base,
        .policy_add_devices = x86_64_policy_add_devices,
        .policy_describe = x86_64_policy_describe,
        .policy_add_relay = x86_64_policy_add_relay,
    },
    {
        .name = "aarch64",
        .e_machine = EM_AARCH64,
        .oci_name = "arm64",
        .pie = 0, /* no R_AARCH64_RELATIVE in stub/aslr.c yet */
        .policy_add_base = aarch64_policy_add_base,
        .policy_add_devices = aarch64_policy_add_devices,
        .policy_describe = aarch64_policy_describe,
        .policy_add_relay = aarch64_policy_add_relay,
    },
};

const char pack_arch_names[] = "x86_64 and aarch64";

const struct pack_arch *pack_arch_of(unsigned e_machine)
{
    for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
        if (arches[i].e_machine == e_machine)
            return &arches[i];
    return NULL;
}

const char *pack_machine_name(unsigned e_machine)
{
    const struct pack_arch *a = pack_arch_of(e_machine);
    if (a != NULL)
        return a->name;
    switch (e_machine) {
    case EM_386:
        return "i386";
    case EM_ARM:
        return "arm";
    case EM_RISCV:
        return "riscv";
    case EM_PPC64:
        return "ppc64";
    case EM_S390:
        return "s390";
    default:
        return "unknown";
    }
}
