/*
 * The link to the guest: Ethernet frames on the relay's end of the socket
 * pair, one per read or write.
 *
 * The relay is everything on the link but the guest: it answers ARP for
 * every address except the guest's own with its MAC, so the guest reaches
 * any address directly or through any gateway it was given. It learns the
 * guest's address from what the guest sends (an ARP announcement, as lwIP
 * makes when its interface comes up, or any IPv4 packet); until then
 * nothing is forwarded to the guest.
 *
 * Addresses, in the guest's /24 (docs/usernet.md):
 *   .2 (.1 when the guest is .2)   the host: its 127.0.0.1
 *   .3 (.4 when the guest is .3)   the name server of /etc/resolv.conf
 *   anything else                  itself, through the host's sockets
 *
 * UDP goes to udp.c; TCP and ICMP to lwIP, whose netifs all write here:
 * one with the host's address and netmask 0 (the route to the guest), and
 * one per other address the guest has connections to, made on demand, so
 * that lwIP takes packets for those addresses as its own.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lwip/ip4.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "bytes.h"
#include "relay.h"

#define ETH_HLEN 14
#define ETHTYPE_IPV4 0x0800
#define ETHTYPE_ARP 0x0806
#define FRAME_MAX (ETH_HLEN + USERNET_MTU)
/* Frames waiting for room in the socket pair, at most. */
#define OUT_QUEUE 1024
/* Netifs for addresses other than the host's, at most. */
#define DEST_NETIFS 64
/* Frames read per readiness event, at most (then others get a turn). */
#define READ_BURST 256

struct relay_link relay_link;

struct out_frame {
    size_t len;
    uint8_t data[];
};
static struct out_frame *out_queue[OUT_QUEUE];
static size_t out_head, out_count;

struct dest_netif {
    struct netif netif;
    uint32_t addr;
    unsigned uses;
    uint32_t last_used; /* ms */
    bool in_use;
};
static struct dest_netif dest_netif[DEST_NETIFS];

uint16_t link_checksum(const void *data, size_t len, uint32_t sum)
{
    const uint8_t *p = data;
    uint64_t s = sum;
    for (; len >= 2; p += 2, len -= 2)
        s += (uint32_t)(p[0] << 8 | p[1]);
    if (len)
        s += (uint32_t)p[0] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* --- frames out ----------------------------------------------------------- */

static void queue_frame(const uint8_t *frame, size_t len)
{
    if (out_count == OUT_QUEUE)
        return; /* dropped: TCP sends it again, UDP may lose it */
    struct out_frame *f = relay_arena_alloc(sizeof(*f) + len);
    if (f == NULL)
        return;
    f->len = len;
    memcpy(f->data, frame, len);
    out_queue[(out_head + out_count++) % OUT_QUEUE] = f;
    relay_watch_set(&relay_link.watch, EPOLLIN | EPOLLOUT);
}

static void send_frame(const uint8_t *frame, size_t len)
{
    if (relay_link.closed)
        return;
    if (out_count == 0) {
        ssize_t n = write(relay_link.watch.fd, frame, len);
        if (n >= 0 || errno != EAGAIN)
            return; /* sent, or the guest is gone (its pidfd says when) */
    }
    queue_frame(frame, len);
}

static void flush_queue(void)
{
    while (out_count > 0 && !relay_link.closed) {
        struct out_frame *f = out_queue[out_head];
        ssize_t n = write(relay_link.watch.fd, f->data, f->len);
        if (n < 0 && errno == EAGAIN)
            return;
        relay_arena_free(f);
        out_head = (out_head + 1) % OUT_QUEUE;
        out_count--;
    }
    if (!relay_link.closed)
        relay_watch_set(&relay_link.watch, EPOLLIN);
}

static void eth_header(uint8_t *frame, uint16_t type)
{
    memcpy(frame, relay_link.guest_mac, 6);
    memcpy(frame + 6, relay_link.relay_mac, 6);
    put16(frame + 12, type);
}

void link_send_ip(const uint8_t *packet, size_t len)
{
    uint8_t frame[FRAME_MAX];
    if (len > USERNET_MTU || relay_link.guest_ip == 0)
        return;
    eth_header(frame, ETHTYPE_IPV4);
    memcpy(frame + ETH_HLEN, packet, len);
    send_frame(frame, ETH_HLEN + len);
}

/* lwIP's netif output: every netif sends to the guest. */
static err_t netif_output(struct netif *nif, struct pbuf *p,
                          const ip4_addr_t *dst)
{
    uint8_t frame[FRAME_MAX];
    (void)nif;
    (void)dst;
    if (p->tot_len > USERNET_MTU)
        return ERR_BUF;
    eth_header(frame, ETHTYPE_IPV4);
    pbuf_copy_partial(p, frame + ETH_HLEN, p->tot_len, 0);
    send_frame(frame, ETH_HLEN + p->tot_len);
    return ERR_OK;
}

static err_t netif_setup(struct netif *nif)
{
    nif->name[0] = 'u';
    nif->name[1] = 'n';
    nif->output = netif_output;
    nif->mtu = USERNET_MTU;
    nif->flags = NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

static void add_netif(struct netif *nif, uint32_t addr, uint32_t mask)
{
    ip4_addr_t a, m, gw;
    ip4_addr_set_u32(&a, lwip_htonl(addr));
    ip4_addr_set_u32(&m, lwip_htonl(mask));
    ip4_addr_set_zero(&gw);
    if (netif_add(nif, &a, &m, &gw, NULL, netif_setup, ip4_input) == NULL)
        relay_fatal("cannot add an lwIP interface");
    netif_set_up(nif);
}

/* --- addresses ------------------------------------------------------------ */

static bool is_unicast(uint32_t a)
{
    uint32_t first = a >> 24;
    return first != 0 && first != 127 && first < 224;
}

static void learn_guest_ip(uint32_t ip)
{
    struct relay_link *l = &relay_link;
    if (ip == l->guest_ip || !is_unicast(ip))
        return;
    bool first = l->guest_ip == 0;
    uint32_t net = ip & 0xffffff00u, host = ip & 0xff;
    l->guest_ip = ip;
    l->host_ip = net | (host == 2 ? 1 : 2);
    l->dns_ip = net | (host == 3 ? 4 : 3);
    if (!l->have_netif) {
        add_netif(&l->netif, l->host_ip, 0);
        l->have_netif = true;
    } else {
        ip4_addr_t a;
        ip4_addr_set_u32(&a, lwip_htonl(l->host_ip));
        netif_set_ipaddr(&l->netif, &a);
    }
    if (first)
        relay_guest_known();
}

int link_map_destination(uint32_t dst, uint16_t port, uint32_t *real_addr,
                         uint16_t *real_port)
{
    const struct relay_link *l = &relay_link;
    if (!is_unicast(dst) || dst == l->guest_ip || port == 0)
        return -1;
    *real_port = port;
    if (dst == l->host_ip) {
        *real_addr = 0x7f000001; /* 127.0.0.1 */
        return 0;
    }
    if (dst == l->dns_ip) {
        if (port != 53 || usernet.nameserver == 0)
            return -1;
        *real_addr = usernet.nameserver;
        return 0;
    }
    *real_addr = dst;
    return 0;
}

struct netif *link_netif_get(uint32_t addr)
{
    struct dest_netif *free_slot = NULL, *oldest = NULL;
    if (addr == relay_link.host_ip)
        return &relay_link.netif;
    for (size_t i = 0; i < DEST_NETIFS; i++) {
        struct dest_netif *d = &dest_netif[i];
        if (d->in_use && d->addr == addr) {
            d->uses++;
            d->last_used = relay_now_ms();
            return &d->netif;
        }
        if (!d->in_use && free_slot == NULL)
            free_slot = d;
        if (d->in_use && d->uses == 0 &&
            (oldest == NULL || d->last_used - oldest->last_used > (1u << 31)))
            oldest = d;
    }
    if (free_slot == NULL && oldest != NULL) {
        /* Its connections have all ended (those left in TIME-WAIT go). */
        netif_remove(&oldest->netif);
        oldest->in_use = false;
        free_slot = oldest;
    }
    if (free_slot == NULL)
        return NULL;
    add_netif(&free_slot->netif, addr, 0xffffffffu);
    free_slot->addr = addr;
    free_slot->uses = 1;
    free_slot->last_used = relay_now_ms();
    free_slot->in_use = true;
    return &free_slot->netif;
}

void link_netif_put(uint32_t addr)
{
    for (size_t i = 0; i < DEST_NETIFS; i++) {
        struct dest_netif *d = &dest_netif[i];
        if (d->in_use && d->addr == addr && d->uses > 0) {
            d->uses--;
            d->last_used = relay_now_ms();
            return;
        }
    }
}

/* --- frames in ------------------------------------------------------------ */

static void arp_input(const uint8_t *frame, size_t len)
{
    const uint8_t *a = frame + ETH_HLEN;
    if (len < ETH_HLEN + 28 || get16(a) != 1 || get16(a + 2) != ETHTYPE_IPV4 ||
        a[4] != 6 || a[5] != 4)
        return;
    uint16_t op = get16(a + 6);
    uint32_t sender = get32(a + 14), target = get32(a + 24);
    if (sender != 0)
        learn_guest_ip(sender);
    /* A request for anyone but the guest itself (not an announcement). */
    if (op != 1 || sender == 0 || target == sender ||
        target == relay_link.guest_ip || !is_unicast(target))
        return;
    uint8_t reply[ETH_HLEN + 28];
    eth_header(reply, ETHTYPE_ARP);
    memcpy(reply, frame + 6, 6);
    uint8_t *r = reply + ETH_HLEN;
    put16(r, 1);
    put16(r + 2, ETHTYPE_IPV4);
    r[4] = 6;
    r[5] = 4;
    put16(r + 6, 2);
    memcpy(r + 8, relay_link.relay_mac, 6);
    put32(r + 14, target);
    memcpy(r + 18, a + 8, 6);
    put32(r + 24, sender);
    send_frame(reply, sizeof(reply));
}

/* An IPv4 packet from the guest, in frame p (len bytes, Ethernet header
 * included). Takes p. */
static void ip_input(struct pbuf *p, size_t len)
{
    const uint8_t *ip = (const uint8_t *)p->payload + ETH_HLEN;
    size_t n = len - ETH_HLEN;
    if (n < 20 || ip[0] >> 4 != 4)
        goto drop;
    size_t ihl = (size_t)(ip[0] & 15) * 4, total = get16(ip + 2);
    if (ihl < 20 || total < ihl || total > n)
        goto drop;
    uint32_t src = get32(ip + 12), dst = get32(ip + 16);
    if (relay_link.guest_ip == 0)
        learn_guest_ip(src);
    if (src != relay_link.guest_ip || !is_unicast(dst) ||
        (get16(ip + 6) & 0x3fff) != 0 /* a fragment */)
        goto drop;
    switch (ip[9]) {
    case 17: /* UDP */
        if (link_checksum(ip, ihl, 0) == 0)
            udp_relay_from_guest(ip, total, ihl);
        goto drop;
    case 6: /* TCP */
        if (total < ihl + 20)
            goto drop;
        pbuf_realloc(p, (u16_t)len);
        pbuf_remove_header(p, ETH_HLEN);
        /* SYN without ACK, RST or FIN: a new connection of the guest's. */
        if ((ip[ihl + 13] & 0x17) == 0x02)
            tcp_relay_syn(p, ihl);
        else
            ip4_input(p, &relay_link.netif);
        return;
    case 1: /* ICMP: lwIP answers echo requests to its addresses */
        pbuf_realloc(p, (u16_t)len);
        pbuf_remove_header(p, ETH_HLEN);
        ip4_input(p, &relay_link.netif);
        return;
    }
drop:
    pbuf_free(p);
}

static void frame_input(struct pbuf *p, size_t len)
{
    const uint8_t *f = p->payload;
    static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (len < ETH_HLEN || (memcmp(f, relay_link.relay_mac, 6) != 0 &&
                           memcmp(f, broadcast, 6) != 0)) {
        pbuf_free(p);
        return;
    }
    if ((f[6] & 1) == 0)
        memcpy(relay_link.guest_mac, f + 6, 6); /* the guest's own, as sent */
    switch (get16(f + 12)) {
    case ETHTYPE_ARP:
        arp_input(f, len);
        pbuf_free(p);
        return;
    case ETHTYPE_IPV4:
        ip_input(p, len);
        return;
    }
    pbuf_free(p);
}

/* The guest's end is closed: the guest is ending (its pidfd says how).
 * Nothing more to read or write; epoll would report the hang-up forever. */
static void link_closed(void)
{
    if (relay_link.closed)
        return;
    relay_link.closed = true;
    relay_watch_del(&relay_link.watch);
}

void link_event(uint32_t events)
{
    if (relay_link.closed)
        return;
    if (events & EPOLLOUT)
        flush_queue();
    if (events & EPOLLIN) {
        for (int i = 0; i < READ_BURST; i++) {
            struct pbuf *p = pbuf_alloc(PBUF_RAW, PBUF_POOL_BUFSIZE, PBUF_POOL);
            if (p == NULL)
                relay_fatal("out of memory for frames");
            if (p->next != NULL || p->len < FRAME_MAX)
                relay_fatal("frame buffers too small");
            ssize_t n = read(relay_link.watch.fd, p->payload, p->len);
            if (n <= 0) {
                pbuf_free(p);
                if (n == 0)
                    link_closed();
                return;
            }
            frame_input(p, (size_t)n);
        }
    } else if (events & (EPOLLHUP | EPOLLERR)) {
        link_closed();
    }
}

void link_init(const struct usernet_device *dev)
{
    static const uint8_t relay_mac[6] = USERNET_RELAY_MAC;
    struct relay_link *l = &relay_link;
    l->dev = dev;
    memcpy(l->guest_mac, dev->guest_mac, 6);
    memcpy(l->relay_mac, relay_mac, 6);
    if (memcmp(l->relay_mac, l->guest_mac, 6) == 0)
        l->relay_mac[5] ^= 1;
    l->watch.kind = WATCH_LINK;
    l->watch.fd = dev->relay_fd;
    relay_watch_add(&l->watch, EPOLLIN);
}
