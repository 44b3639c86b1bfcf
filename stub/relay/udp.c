/*
 * UDP through the relay, without lwIP: a datagram's payload goes to or
 * comes from a socket of the host's, and the relay writes the IPv4 and UDP
 * headers itself.
 *
 *   the guest's own   a flow per (guest port, address, port) the guest
 *                     sends to: a connected host socket to where that
 *                     address really is (link_map_destination); answers
 *                     come back from that address and port
 *   forwarded         a datagram to a forwarded host port comes to the
 *                     guest's port from the host's address and a port of
 *                     the relay's (PEER_PORT_BASE + n) that stands for its
 *                     sender; the guest's answer to that port goes back
 *                     to the sender, from the forwarded port
 *
 * Flows and senders idle for a minute are forgotten. Datagrams larger than
 * fit in one frame (1472 bytes of payload) are dropped: the relay does not
 * fragment.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytes.h"
#include "relay.h"

#define IDLE_MS 60000
#define FLOWS 128
#define PEERS 256
#define PEER_PORT_BASE 61000
#define PAYLOAD_MAX (USERNET_MTU - 20 - 8)
#define READ_BURST 64

struct flow {
    struct relay_watch w; /* first: the watch is the record */
    uint16_t gport;
    uint32_t dst; /* as the guest sees it */
    uint16_t dport;
    uint32_t last; /* ms */
    struct flow *prev, *next;
};
static struct flow *flows;
static size_t nflows;

struct peer {
    bool used;
    const struct net_forward *f;
    int fd; /* the forwarded port's socket */
    uint32_t addr;
    uint16_t port;
    uint32_t last;
};
static struct peer peers[PEERS];

static uint8_t buf[65536];
static uint16_t ip_id;

/* A datagram to the guest. */
static void send_udp(uint32_t src, uint16_t sport, uint16_t dport,
                     const uint8_t *data, size_t len)
{
    uint8_t pkt[USERNET_MTU];
    uint32_t dst = relay_link.guest_ip;
    if (len > PAYLOAD_MAX || dst == 0)
        return;
    size_t total = 28 + len;
    uint8_t *ip = pkt, *u = pkt + 20;
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, (uint16_t)total);
    put16(ip + 4, ip_id++);
    put16(ip + 6, 0x4000); /* don't fragment */
    ip[8] = 64;
    ip[9] = 17;
    put16(ip + 10, 0);
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, link_checksum(ip, 20, 0));
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, (uint16_t)(8 + len));
    put16(u + 6, 0);
    memcpy(u + 8, data, len);
    uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) +
                      (dst & 0xffff) + 17 + (uint32_t)(8 + len);
    uint16_t sum = link_checksum(u, 8 + len, pseudo);
    put16(u + 6, sum == 0 ? 0xffff : sum);
    link_send_ip(pkt, total);
}

static void flow_close(struct flow *f)
{
    if (f->prev != NULL)
        f->prev->next = f->next;
    else
        flows = f->next;
    if (f->next != NULL)
        f->next->prev = f->prev;
    nflows--;
    relay_watch_close(&f->w);
}

static struct flow *flow_open(uint16_t gport, uint32_t dst, uint16_t dport)
{
    uint32_t real;
    uint16_t real_port;
    if (link_map_destination(dst, dport, &real, &real_port) != 0)
        return NULL;
    if (nflows == FLOWS) {
        struct flow *oldest = flows;
        for (struct flow *f = flows; f != NULL; f = f->next)
            if (oldest->last - f->last < (1u << 31))
                oldest = f;
        flow_close(oldest);
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return NULL;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons(real_port),
                             .sin_addr.s_addr = htonl(real)};
    struct flow *f = relay_arena_calloc(1, sizeof(*f));
    if (f == NULL || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        relay_arena_free(f);
        return NULL;
    }
    f->w.kind = WATCH_UDP_FLOW;
    f->w.fd = fd;
    f->gport = gport;
    f->dst = dst;
    f->dport = dport;
    f->next = flows;
    if (flows != NULL)
        flows->prev = f;
    flows = f;
    nflows++;
    relay_watch_add(&f->w, EPOLLIN);
    return f;
}

void udp_relay_from_guest(const uint8_t *packet, size_t len, size_t ihl)
{
    const uint8_t *u = packet + ihl;
    if (len < ihl + 8)
        return;
    uint16_t gport = get16(u), dport = get16(u + 2), ulen = get16(u + 4);
    if (ulen < 8 || ulen > len - ihl)
        return;
    uint32_t dst = get32(packet + 16);
    const uint8_t *data = u + 8;
    size_t n = ulen - 8u;
    uint32_t now = relay_now_ms();

    /* An answer to a sender of a forwarded port. */
    if (dst == relay_link.host_ip && dport >= PEER_PORT_BASE &&
        dport < PEER_PORT_BASE + PEERS) {
        struct peer *p = &peers[dport - PEER_PORT_BASE];
        if (p->used) {
            struct sockaddr_in sa = {.sin_family = AF_INET,
                                     .sin_port = htons(p->port),
                                     .sin_addr.s_addr = htonl(p->addr)};
            sendto(p->fd, data, n, 0, (struct sockaddr *)&sa, sizeof(sa));
            p->last = now;
        }
        return;
    }
    struct flow *f;
    for (f = flows; f != NULL; f = f->next)
        if (f->gport == gport && f->dst == dst && f->dport == dport)
            break;
    if (f == NULL && (f = flow_open(gport, dst, dport)) == NULL)
        return;
    f->last = now;
    if (write(f->w.fd, data, n) < 0) {
        /* Lost, as a datagram may be (e.g. ECONNREFUSED from an earlier
         * one, or no buffer space). */
    }
}

void udp_relay_flow_event(struct relay_watch *w)
{
    struct flow *f = (struct flow *)w;
    for (int i = 0; i < READ_BURST; i++) {
        ssize_t n = read(w->fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EAGAIN)
                return;
            continue; /* an error reported for an earlier datagram */
        }
        f->last = relay_now_ms();
        send_udp(f->dst, f->dport, f->gport, buf, (size_t)n);
    }
}

static struct peer *peer_of(const struct net_forward *fw, int fd, uint32_t addr,
                            uint16_t port, uint32_t now)
{
    struct peer *slot = NULL;
    for (size_t i = 0; i < PEERS; i++) {
        struct peer *p = &peers[i];
        if (p->used && p->f == fw && p->addr == addr && p->port == port)
            return p;
        if (slot == NULL ||
            (slot->used && (!p->used || p->last - slot->last > (1u << 31))))
            slot = p; /* a free one, else the least recently used */
    }
    slot->used = true;
    slot->f = fw;
    slot->fd = fd;
    slot->addr = addr;
    slot->port = port;
    slot->last = now;
    return slot;
}

void udp_relay_forward_event(struct relay_watch *w, const struct net_forward *f)
{
    for (int i = 0; i < READ_BURST; i++) {
        struct sockaddr_in sa;
        socklen_t len = sizeof(sa);
        ssize_t n =
            recvfrom(w->fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &len);
        if (n < 0) {
            if (errno == EAGAIN)
                return;
            continue;
        }
        if (len != sizeof(sa) || sa.sin_family != AF_INET)
            continue;
        uint32_t now = relay_now_ms();
        struct peer *p = peer_of(f, w->fd, ntohl(sa.sin_addr.s_addr),
                                 ntohs(sa.sin_port), now);
        p->last = now;
        send_udp(relay_link.host_ip,
                 (uint16_t)(PEER_PORT_BASE + (size_t)(p - peers)),
                 f->guest_port, buf, (size_t)n);
    }
}

void udp_relay_tick(void)
{
    uint32_t now = relay_now_ms();
    struct flow *next;
    for (struct flow *f = flows; f != NULL; f = next) {
        next = f->next;
        if (now - f->last > IDLE_MS)
            flow_close(f);
    }
    for (size_t i = 0; i < PEERS; i++)
        if (peers[i].used && now - peers[i].last > IDLE_MS)
            peers[i].used = false;
}
