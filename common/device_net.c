/*
 * NET_BASIC: a tap interface, --net:NAME=TAP|@FD and --net-mac:NAME=HWADDR,
 * or a user-mode network, --net:NAME=user with --net-forward:NAME=LIST
 * (netforward.h). A net device in use may read and write (one Ethernet
 * frame per call) on its own fd, whichever it is. The stub's side:
 * stub/net.c and stub/relay/.
 */
#include "device_net.h"

#include "devopts.h"
#include "netforward.h"

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

enum result net_parse_mac(const char *value, uint8_t mac[6],
                          struct result_msg *why)
{
    const char *p = value;
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);
        if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':') ||
            (i == 5 && p[2] != '\0'))
            return result_error(why,
                                "MAC address '%s' is invalid: expected "
                                "xx:xx:xx:xx:xx:xx",
                                value);
        mac[i] = (uint8_t)(hi << 4 | lo);
        p += 3;
    }
    if (mac[0] & 1)
        return result_error(why, "MAC address '%s' is a multicast address",
                            value);
    return RESULT_OK;
}

enum result net_parse_fd(const char *value, int *fd, struct result_msg *why)
{
    unsigned long v;

    *fd = -1;
    if (value[0] != '@')
        return RESULT_OK;
    if (!devopt_decimal(value + 1, &v))
        return result_error(why,
                            "'%s' is not a file descriptor: expected @FD, "
                            "e.g. @3",
                            value);
    *fd = (int)v;
    return RESULT_OK;
}

static enum result check_tap(const char *value, struct result_msg *why)
{
    int fd;
    return net_parse_fd(value, &fd, why);
}

static enum result check_mac(const char *value, struct result_msg *why)
{
    uint8_t mac[6];
    return net_parse_mac(value, mac, why);
}

static enum result check_forward(const char *value, struct result_msg *why)
{
    struct net_forward f[NET_FORWARD_MAX];
    size_t n;
    return netforward_parse(value, f, NET_FORWARD_MAX, &n, why);
}

static enum result add_rules(struct policy *p, const struct mft_entry *e,
                             uint32_t index, struct result_msg *msg)
{
    static const int nrs[] = {NABLA_NR_READ, NABLA_NR_WRITE};
    static const char *const names[] = {"read", "write"};
    const struct policy_cond fd = {
        0, POLICY_EQ, (uint64_t)e->b.hostfd, "fd", NULL, "the fd of", NULL};
    const struct policy_rule r = {
        .what = e->name, .device = index, .cond = {fd}};
    _Static_assert(sizeof(nrs) / sizeof(nrs[0]) <= POLICY_DEVICE_RULES,
                   "a net device's rules must fit in POLICY_MAX_RULES");

    return policy_add_calls(p, r, nrs, names, sizeof(nrs) / sizeof(nrs[0]),
                            msg);
}

const struct device_type device_net = {
    .mft_type = MFT_NET_BASIC,
    .name = "NET_BASIC",
    .options =
        {
            [NET_OPT_TAP] = {"--net:", "TAP|@FD|user", false, check_tap},
            [NET_OPT_MAC] = {"--net-mac:", "HWADDR", false, check_mac},
            [NET_OPT_FORWARD] = {"--net-forward:", "LIST", false,
                                 check_forward},
        },
    .usage = "  --net:NAME=TAP|@FD              tap interface (or open fd) of "
             "net device NAME\n"
             "  --net:NAME=user                 or a user-mode network: no "
             "tap, no privilege\n"
             "  --net-forward:NAME=LIST         its forwarded host ports: "
             "tcp|udp:[ADDR:]PORT:GUESTPORT,...\n"
             "  --net-mac:NAME=HWADDR           its MAC (default: random)\n",
    .add_rules = add_rules,
};
DEVICE_TYPE(device_net);
