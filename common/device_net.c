/*
 * NET_BASIC: a tap interface, --net:NAME=TAP|@FD and --net-mac:NAME=HWADDR,
 * or a user-mode network, --net:NAME=user with --net-forward:NAME=LIST
 * (stub/usernet.c). An attached net device may read and write (one
 * Ethernet frame per call) on its own fd, whichever it is.
 */
#include "device.h"

static enum result add_rules(struct policy *p, const struct mft_entry *e,
                             uint32_t index, struct result_msg *msg)
{
    static const int nrs[] = {NABLA_NR_READ, NABLA_NR_WRITE};
    static const char *const names[] = {"read", "write"};
    const struct policy_cond fd = {
        0, POLICY_EQ, (uint64_t)e->b.hostfd, "fd", NULL, "the fd of", NULL};
    struct policy_rule r = {.what = e->name, .device = index, .cond = {fd}};
    _Static_assert(sizeof(nrs) / sizeof(nrs[0]) <= POLICY_DEVICE_RULES,
                   "a net device's rules must fit in POLICY_MAX_RULES");

    for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
        r.nr = nrs[i];
        r.name = names[i];
        if (policy_add(p, &r, msg) != RESULT_OK)
            return RESULT_ERROR;
    }
    return RESULT_OK;
}

const struct device_type device_net = {
    .mft_type = MFT_NET_BASIC,
    .name = "NET_BASIC",
    .options = {{DEVOPT_NET, "--net:", "TAP|@FD|user"},
                {DEVOPT_NET_MAC, "--net-mac:", "HWADDR"},
                {DEVOPT_NET_FORWARD, "--net-forward:", "LIST"}},
    .add_rules = add_rules,
    .attach = net_attach,
};
