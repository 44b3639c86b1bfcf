/*
 * A tiny host shim: the parts of solo5.h that examples/netecho uses, as an
 * ordinary Linux program, so that netecho's own code can run as a plain
 * static musl process (the net benchmark's baseline). No stub, no seccomp.
 *
 * usage: netecho [--net:NAME=TAP ...] [ARGS...]
 *   a net device NAME is the tap given by --net:NAME=TAP, else by the
 *   environment variable SOLO5_NET_NAME (e.g. SOLO5_NET_service=tap0);
 *   ARGS, joined by spaces, are the application's command line.
 *
 * Net devices: /dev/net/tun, IFF_TAP | IFF_NO_PI, non-blocking, MTU from
 * SIOCGIFMTU, a random locally administered MAC. solo5_yield = ppoll on the
 * net fds until the deadline. Clocks: clock_gettime (vDSO).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "solo5.h"

/* <linux/if_tun.h>, which musl does not ship. */
#ifndef TUNSETIFF
#define TUNSETIFF _IOW('T', 202, int)
#endif
#ifndef IFF_TAP
#define IFF_TAP 0x0002
#endif
#ifndef IFF_NO_PI
#define IFF_NO_PI 0x1000
#endif

#define MAX_NETS 8
#define MAX_CMDLINE 8192

struct net {
    char name[68];
    const char *tap;
    int fd;
};

/* Handle N is nets[N - 1]: handle 0 is reserved, as in a Solo5 manifest. */
static struct net nets[MAX_NETS];
static int nnets;
static char cmdline[MAX_CMDLINE];
static unsigned char heap[1 << 20];

static void die(const char *what)
{
    fprintf(stderr, "netecho (host): %s: %s\n", what, strerror(errno));
    exit(1);
}

static struct net *net_named(const char *name, int create)
{
    for (int i = 0; i < nnets; i++) {
        if (strcmp(nets[i].name, name) == 0)
            return &nets[i];
    }
    if (!create || nnets == MAX_NETS || strlen(name) >= sizeof(nets[0].name))
        return NULL;
    struct net *n = &nets[nnets++];
    strcpy(n->name, name);
    n->fd = -1;
    return n;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--net:", 6) == 0; i++) {
        char *eq = strchr(argv[i] + 6, '=');
        if (eq == NULL) {
            fprintf(stderr, "netecho (host): bad option %s\n", argv[i]);
            return 1;
        }
        *eq = '\0';
        struct net *n = net_named(argv[i] + 6, 1);
        if (n == NULL) {
            fprintf(stderr, "netecho (host): too many net devices\n");
            return 1;
        }
        n->tap = eq + 1;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    size_t len = 0;
    for (; i < argc; i++) {
        size_t alen = strlen(argv[i]);
        if (len + alen + 2 > sizeof(cmdline)) {
            fprintf(stderr, "netecho (host): command line too long\n");
            return 1;
        }
        if (len > 0)
            cmdline[len++] = ' ';
        memcpy(cmdline + len, argv[i], alen + 1);
        len += alen;
    }
    struct solo5_start_info si = {
        .cmdline = cmdline,
        .heap_start = (uintptr_t)heap,
        .heap_size = sizeof(heap),
    };
    solo5_exit(solo5_app_main(&si));
}

void solo5_exit(int status)
{
    _exit(status);
}

void solo5_abort(void)
{
    static const char msg[] = "netecho (host): ABORT\n";
    if (write(1, msg, sizeof(msg) - 1) < 0) {
        /* nothing more to do */
    }
    _exit(SOLO5_EXIT_ABORT);
}

void solo5_console_write(const char *buf, size_t size)
{
    while (size > 0) {
        ssize_t n = write(1, buf, size);
        if (n <= 0)
            return;
        buf += n;
        size -= (size_t)n;
    }
}

static solo5_time_t clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (solo5_time_t)ts.tv_sec * 1000000000ull + (solo5_time_t)ts.tv_nsec;
}

solo5_time_t solo5_clock_monotonic(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

solo5_time_t solo5_clock_wall(void)
{
    return clock_ns(CLOCK_REALTIME);
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
    struct pollfd pfd[MAX_NETS];
    int n = 0;
    for (int i = 0; i < nnets; i++) {
        if (nets[i].fd >= 0) {
            pfd[n].fd = nets[i].fd;
            pfd[n].events = POLLIN;
            pfd[n].revents = 0;
            n++;
        }
    }
    solo5_time_t now = solo5_clock_monotonic();
    solo5_time_t wait = deadline > now ? deadline - now : 0;
    struct timespec ts = {(time_t)(wait / 1000000000ull),
                          (long)(wait % 1000000000ull)};
    solo5_handle_set_t ready = 0;
    if (ppoll(pfd, (nfds_t)n, &ts, NULL) > 0) {
        for (int i = 0, k = 0; i < nnets; i++) {
            if (nets[i].fd < 0)
                continue;
            if (pfd[k++].revents & POLLIN)
                ready |= 1ull << (i + 1);
        }
    }
    if (ready_set)
        *ready_set = ready;
}

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
                                 struct solo5_net_info *info)
{
    struct net *n = net_named(name, 1);
    if (n == NULL || handle == NULL || info == NULL)
        return SOLO5_R_EINVAL;
    if (n->fd < 0) {
        if (n->tap == NULL) {
            char var[80];
            snprintf(var, sizeof(var), "SOLO5_NET_%s", name);
            n->tap = getenv(var);
        }
        if (n->tap == NULL || strlen(n->tap) >= IFNAMSIZ) {
            fprintf(stderr,
                    "netecho (host): no tap for net device '%s': give "
                    "--net:%s=TAP or SOLO5_NET_%s=TAP\n",
                    name, name, name);
            return SOLO5_R_EUNSPEC;
        }
        int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            die("open /dev/net/tun");
        struct ifreq ifr;
        memset(&ifr, 0, sizeof(ifr));
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        strcpy(ifr.ifr_name, n->tap);
        if (ioctl(fd, TUNSETIFF, &ifr) != 0)
            die(n->tap);
        n->fd = fd;
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, n->tap);
    if (s < 0 || ioctl(s, SIOCGIFMTU, &ifr) != 0)
        die("SIOCGIFMTU");
    close(s);
    info->mtu = (size_t)ifr.ifr_mtu;
    if (getrandom(info->mac_address, SOLO5_NET_ALEN, 0) != SOLO5_NET_ALEN)
        die("getrandom");
    /* Locally administered, unicast. */
    info->mac_address[0] = (uint8_t)((info->mac_address[0] & 0xfe) | 0x02);
    *handle = (solo5_handle_t)(n - nets) + 1;
    return SOLO5_R_OK;
}

static struct net *net_of(solo5_handle_t handle)
{
    if (handle < 1 || handle > (solo5_handle_t)nnets || nets[handle - 1].fd < 0)
        return NULL;
    return &nets[handle - 1];
}

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf,
                               size_t size)
{
    struct net *n = net_of(handle);
    if (n == NULL)
        return SOLO5_R_EINVAL;
    ssize_t w = write(n->fd, buf, size);
    return w == (ssize_t)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
                              size_t *read_size)
{
    struct net *n = net_of(handle);
    if (n == NULL || read_size == NULL)
        return SOLO5_R_EINVAL;
    ssize_t r = read(n->fd, buf, size);
    if (r < 0)
        return (errno == EAGAIN || errno == EINTR) ? SOLO5_R_AGAIN
                                                   : SOLO5_R_EUNSPEC;
    *read_size = (size_t)r;
    return SOLO5_R_OK;
}
