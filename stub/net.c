/*
 * Net devices: --net:NAME=TAP (an existing tap interface), --net:NAME=@FD
 * (an fd the caller opened) or --net:NAME=user (a user-mode network:
 * stub/relay/), and --net-mac:NAME=HWADDR.
 *
 * The fd is non-blocking and joins the epoll set with the device's handle as
 * event data; the guest may read and write it, one frame per call, and
 * nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "device_net.h"
#include "stub.h"

#define DEFAULT_MTU 1500

/* The value of --net:NAME= that asks for a user-mode network. */
#define USER_MODE "user"

unsigned usernet_devices;

/* Interface flags and MTU of ifname; dies if it does not exist. */
static void query_interface(const char *ifname, const char *name, int *up,
                            int *mtu)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        stub_die_errno("net device '%s': cannot make a socket to query "
                       "interface '%s' (socket)",
                       name, ifname);
    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
        if (errno == ENODEV)
            stub_die("net device '%s': tap interface '%s' not found (create "
                     "it with: ip tuntap add %s mode tap)",
                     name, ifname, ifname);
        stub_die_errno("net device '%s': cannot query interface '%s' "
                       "(SIOCGIFFLAGS)",
                       name, ifname);
    }
    *up = (ifr.ifr_flags & IFF_UP) != 0;
    if (ioctl(s, SIOCGIFMTU, &ifr) != 0)
        stub_die_errno("net device '%s': cannot get the MTU of '%s' "
                       "(SIOCGIFMTU)",
                       name, ifname);
    *mtu = ifr.ifr_mtu;
    close(s);
}

static int open_tap(const char *ifname, const char *name, int *mtu)
{
    int up;

    if (strlen(ifname) >= IFNAMSIZ)
        stub_die("net device '%s': interface name '%s' is too long", name,
                 ifname);
    query_interface(ifname, name, &up, mtu);
    if (!up)
        stub_die("net device '%s': tap interface '%s' is down (bring it up "
                 "with: ip link set dev %s up)",
                 name, ifname, ifname);
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        stub_die_errno("net device '%s': cannot open /dev/net/tun", name);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        if (errno == EINVAL)
            stub_die("net device '%s': '%s' is not a tap interface (create "
                     "one with: ip tuntap add NAME mode tap)",
                     name, ifname);
        stub_die_errno("net device '%s': cannot attach to tap '%s' "
                       "(TUNSETIFF)",
                       name, ifname);
    }
    return fd;
}

/* An fd handed over by the caller: a tap fd whose interface gives the MTU. */
static int use_fd(int fd, const char *value, const char *name, int *mtu)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        stub_die("net device '%s': '%s' is not an open file descriptor", name,
                 value);
    if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        stub_die_errno("net device '%s': cannot make %s non-blocking (fcntl)",
                       name, value);
    *mtu = DEFAULT_MTU;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    if (ioctl(fd, TUNGETIFF, &ifr) == 0) {
        int up;
        ifr.ifr_name[IFNAMSIZ - 1] = '\0';
        query_interface(ifr.ifr_name, name, &up, mtu);
    }
    return fd;
}

static size_t net_given_fds(const struct mft *mft,
                            const struct stub_config *cfg, int *fds, size_t n,
                            size_t max)
{
    struct result_msg why;

    for (uint32_t i = 1; i < mft->entries; i++) {
        const char *value = cfg->dev[i][NET_OPT_TAP].value;
        int fd;
        if (mft->e[i].type != MFT_NET_BASIC || value == NULL)
            continue;
        if (net_parse_fd(value, &fd, &why) != RESULT_OK)
            stub_die("net device '%s': %s", mft->e[i].name, why.text);
        if (fd < 0)
            continue;
        if (fd <= 2)
            stub_die("net device '%s': %s is standard input, output or "
                     "error, not a tap",
                     mft->e[i].name, value);
        if (fcntl(fd, F_GETFD) < 0)
            stub_die("net device '%s': '%s' is not an open file descriptor",
                     mft->e[i].name, value);
        size_t k = n;
        for (size_t j = 0; j < n; j++) {
            if (fds[j] == fd)
                stub_die("net device '%s': %s is already given to another "
                         "net device",
                         mft->e[i].name, value);
        }
        if (n == max)
            break;
        while (k > 0 && fds[k - 1] > fd) {
            fds[k] = fds[k - 1];
            k--;
        }
        fds[k] = fd;
        n++;
    }
    return n;
}

static void random_mac(uint8_t mac[6], const char *name)
{
    if (getrandom(mac, 6, 0) != 6)
        stub_die_errno("net device '%s': no random MAC address (getrandom)",
                       name);
    mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02); /* unicast, local */
}

static void net_attach(struct mft_entry *e, uint32_t index,
                       const struct stub_config *cfg, int epollfd)
{
    const struct device_setting *opt = &cfg->dev[index][NET_OPT_TAP];
    const struct device_setting *mac_opt = &cfg->dev[index][NET_OPT_MAC];
    const struct device_setting *fwd_opt = &cfg->dev[index][NET_OPT_FORWARD];
    struct result_msg why;
    int fd, mtu;

    if (opt->value == NULL)
        stub_die("device '%s' of type NET_BASIC declared but not attached: "
                 "give --net:%s=TAP",
                 e->name, e->name);
    if (mac_opt->value) {
        if (net_parse_mac(mac_opt->value, e->u.net_basic.mac, &why) !=
            RESULT_OK)
            stub_die("net device '%s': %s", e->name, why.text);
    } else {
        random_mac(e->u.net_basic.mac, e->name);
    }
    int given_fd;
    if (net_parse_fd(opt->value, &given_fd, &why) != RESULT_OK)
        stub_die("net device '%s': %s", e->name, why.text);
    bool user = given_fd < 0 && strcmp(opt->value, USER_MODE) == 0;
    /* A baked-in forward goes with a baked-in user mode that the command
     * line may have replaced; one given on the command line must apply. */
    if (!user && fwd_opt->value != NULL && !fwd_opt->from_default)
        stub_die("net device '%s': --net-forward:%s applies to a user-mode "
                 "network only (--net:%s=user)",
                 e->name, e->name, e->name);
    if (user) {
        fd = usernet_open(e, index, cfg);
        mtu = USERNET_DEVICE_MTU;
        usernet_devices++;
    } else if (given_fd >= 0) {
        fd = use_fd(given_fd, opt->value, e->name, &mtu);
    } else {
        fd = open_tap(opt->value, e->name, &mtu);
    }
    if (mtu <= 0 || mtu > 65535 - 14)
        stub_die("net device '%s': unusable MTU %d", e->name, mtu);

    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = index};
    if (epoll_ctl(epollfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        stub_die_errno("net device '%s': cannot add its fd to the guest's "
                       "event set (epoll_ctl)",
                       e->name);
    e->b.hostfd = fd;
    e->u.net_basic.mtu = (uint16_t)mtu;
    e->attached = true;
}

static const struct stub_device net = {
    .type = &device_net,
    .attach = net_attach,
    .given_fds = net_given_fds,
};
STUB_DEVICE(net);
