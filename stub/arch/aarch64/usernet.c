/*
 * For a stub built without the user-mode network relay (stub/relay/): the
 * aarch64 stub, because the relay's system call numbers and its seccomp
 * policy (nabla/relay_syscalls.h, common/relay_policy.c) are x86_64's
 * alone so far. A net device in user mode is refused with one line; a tap
 * or an @FD works as on x86_64.
 */
#include "stub.h"

int usernet_open(const struct mft_entry *e, uint32_t index,
                 const struct stub_config *cfg)
{
    (void)index;
    (void)cfg;
    stub_die("net device '%s': user mode (--net:%s=user) is not available "
             "on this architecture yet: give a tap (--net:%s=TAP) or an "
             "open fd (--net:%s=@FD)",
             e->name, e->name, e->name, e->name);
}

void usernet_start(const struct guest_memory *gm)
{
    (void)gm;
}

void usernet_print_policy(void)
{
}
