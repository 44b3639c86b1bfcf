/*
 * A net device in user mode, before the guest runs: --net:NAME=user and
 * --net-forward:NAME=LIST. Everything that can fail for a reason the user
 * must hear about is done here, while the stub can still refuse to start
 * with one line: the forwarded ports are bound now (a port in use is a
 * refusal), the name server is read now. usernet_start then forks: this
 * process becomes the relay (relay.c), the child goes on to become the
 * guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../stub.h"
#include "device_net.h"
#include "relay.h"

struct usernet usernet;

_Static_assert(USERNET_DEVICE_MTU == USERNET_MTU,
               "net.c and the relay disagree on the MTU");

/* As much socket buffer as an unprivileged process may ask for: the
 * kernel caps it at net.core.wmem_max. Frames in flight either way. */
#define LINK_SNDBUF (4 << 20)

static void bind_forward(struct usernet_device *d, size_t i)
{
    const struct net_forward *f = &d->forwards[i];
    const char *proto = netforward_proto_name(f->proto);
    int type = f->proto == NET_PROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
    int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        stub_die_errno("net device '%s': socket for %s port %u", d->name, proto,
                       f->host_port);
    int one = 1;
    /* A TCP port may be bound while old connections on it wait in
     * TIME-WAIT; never while anything listens on it. */
    if (f->proto == NET_PROTO_TCP &&
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
        stub_die_errno("net device '%s': SO_REUSEADDR", d->name);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons(f->host_port),
                             .sin_addr.s_addr = htonl(f->host_addr)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        int err = errno;
        char addr[16];
        uint32_t a = f->host_addr;
        snprintf(addr, sizeof(addr), "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
                 (a >> 8) & 0xff, a & 0xff);
        if (err == EADDRINUSE)
            stub_die("net device '%s': host %s port %u (%s) is already in "
                     "use: cannot forward it",
                     d->name, proto, f->host_port, addr);
        if (err == EACCES)
            stub_die("net device '%s': host %s port %u: permission denied "
                     "(ports below %s need privilege)",
                     d->name, proto, f->host_port,
                     "net.ipv4.ip_unprivileged_port_start");
        errno = err;
        stub_die_errno("net device '%s': cannot bind host %s port %u (%s)",
                       d->name, proto, f->host_port, addr);
    }
    if (f->proto == NET_PROTO_TCP && listen(fd, SOMAXCONN) != 0)
        stub_die_errno("net device '%s': listen on host port %u", d->name,
                       f->host_port);
    d->listen_fd[i] = fd;
}

/* A dotted quad at *p, advancing past it; -1 if there is none. */
static int64_t parse_quad(const char **p)
{
    uint32_t a = 0;
    const char *s = *p;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 3) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (digits == 0 || v > 255 || (part < 3 && *s++ != '.'))
            return -1;
        a = a << 8 | v;
    }
    *p = s;
    return a;
}

/* The first IPv4 name server of /etc/resolv.conf, or 0. */
static uint32_t read_nameserver(void)
{
    char text[4096];
    int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    for (const char *line = text; *line != '\0';) {
        const char *p = line + strspn(line, " \t");
        if (strncmp(p, "nameserver", 10) == 0 &&
            (p[10] == ' ' || p[10] == '\t')) {
            p += 10 + strspn(p + 10, " \t");
            int64_t a = parse_quad(&p);
            if (a > 0 && (*p == '\0' || *p == '\n' || *p == ' ' || *p == '\t' ||
                          *p == '\r'))
                return (uint32_t)a;
        }
        const char *next = strchr(line, '\n');
        if (next == NULL)
            break;
        line = next + 1;
    }
    return 0;
}

int usernet_open(const struct mft_entry *e, uint32_t index,
                 const struct stub_config *cfg)
{
    const struct device_setting *fw = &cfg->dev[index][NET_OPT_FORWARD];
    struct result_msg msg;

    if (usernet.ndevices == USERNET_MAX_DEVICES)
        stub_die("net device '%s': only %d net device can be in user mode "
                 "(--net:%s=user already)",
                 e->name, USERNET_MAX_DEVICES, usernet.dev[0].name);
    struct usernet_device *d = &usernet.dev[usernet.ndevices++];
    d->name = e->name;
    memcpy(d->guest_mac, e->u.net_basic.mac, sizeof(d->guest_mac));
    if (fw->value != NULL) {
        if (netforward_parse(fw->value, d->forwards, NET_FORWARD_MAX,
                             &d->nforwards, &msg) != RESULT_OK)
            stub_die("net device '%s': %s%s", e->name, msg.text,
                     fw->from_default ? " (default baked in by nabla-pack)"
                                      : "");
    }

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                   sv) != 0)
        stub_die_errno("net device '%s': socketpair", e->name);
    int size = LINK_SNDBUF;
    for (int i = 0; i < 2; i++)
        if (setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) != 0)
            stub_die_errno("net device '%s': SO_SNDBUF", e->name);
    d->guest_fd = sv[0];
    d->relay_fd = sv[1];
    for (size_t i = 0; i < d->nforwards; i++)
        bind_forward(d, i);
    usernet.nameserver = read_nameserver();
    return d->guest_fd;
}

/* The signals the relay passes on to the guest (relay.c reads them from a
 * signalfd); blocked from before the fork, so that none is lost. */
static void forwarded_signals(sigset_t *set)
{
    static const int sigs[] = {SIGHUP,  SIGINT,  SIGQUIT,
                               SIGTERM, SIGUSR1, SIGUSR2};
    sigemptyset(set);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(set, sigs[i]);
}

void usernet_start(const struct guest_memory *gm)
{
    sigset_t forwarded, old;

    forwarded_signals(&forwarded);
    if (sigprocmask(SIG_BLOCK, &forwarded, &old) != 0)
        stub_die_errno("user-mode network: sigprocmask");
    pid_t relay = getpid();
    pid_t guest = _Fork();
    if (guest < 0)
        stub_die_errno("user-mode network: fork");
    if (guest > 0)
        relay_main(gm->base + SPT_HOST_MEM_BASE, gm->base + gm->size, guest,
                   &forwarded);

    /* The guest: dies with the relay, even if that was just now. */
    if (sigprocmask(SIG_SETMASK, &old, NULL) != 0)
        stub_die_errno("sigprocmask");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        stub_die_errno("prctl(PR_SET_PDEATHSIG)");
    if (getppid() != relay)
        kill(getpid(), SIGKILL);
    for (size_t i = 0; i < usernet.ndevices; i++) {
        struct usernet_device *d = &usernet.dev[i];
        close(d->relay_fd);
        for (size_t k = 0; k < d->nforwards; k++)
            close(d->listen_fd[k]);
    }
}
