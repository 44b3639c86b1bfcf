/*
 * The user-mode network relay (--net:NAME=user): internal declarations.
 *
 * A net device in user mode is one end of a SOCK_SEQPACKET socket pair: the
 * guest reads and writes Ethernet frames on it as on a tap, one per call.
 * The other end belongs to the relay, the app's own process once the guest
 * runs (in its child): it answers ARP for every address but the guest's,
 * carries UDP itself (udp.c) and gives TCP to lwIP (link.c, tcp.c), which
 * terminates the guest's connections; the other side of each is a socket of
 * the host's. See docs/usernet.md.
 *
 *   attach.c   before the guest runs: the socket pair, the forwarded ports'
 *              sockets, the name server; the fork (usernet_start)
 *   relay.c    the relay process: set-up, its filter, the event loop, the
 *              guest's life and end
 *   link.c     Ethernet, ARP, IPv4 to and from the guest; lwIP's netifs
 *   tcp.c      TCP connections: forwarded (inbound) and the guest's own
 *   udp.c      UDP datagrams: forwarded and the guest's own
 *   arena.c    the memory lwIP and the relay allocate from
 *
 * The relay's code and data are linked apart from the stub's (section
 * .usernet.text, .lbss): a start without a user-mode device never touches
 * their pages.
 */
#ifndef NABLA_RELAY_H
#define NABLA_RELAY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netforward.h"

/* At most this many user-mode devices per app (see docs/usernet.md). */
#define USERNET_MAX_DEVICES 1
/* The MTU of a user-mode device. */
#define USERNET_MTU 1500
/* The relay's own MAC address on the link (locally administered). */
#define USERNET_RELAY_MAC                                                      \
    {                                                                          \
        0x02, 0x52, 0x45, 0x4c, 0x41, 0x59                                     \
    }

/* What the stub prepared for the relay, before the fork (attach.c). */
struct usernet_device {
    const char *name;
    int guest_fd; /* the guest's end of the socket pair */
    int relay_fd; /* the relay's end */
    uint8_t guest_mac[6];
    size_t nforwards;
    struct net_forward forwards[NET_FORWARD_MAX];
    int listen_fd[NET_FORWARD_MAX]; /* bound (TCP: listening) */
};

struct usernet {
    size_t ndevices;
    struct usernet_device dev[USERNET_MAX_DEVICES];
    uint32_t nameserver; /* host order; 0: none in /etc/resolv.conf */
};

extern struct usernet usernet;

/* --- relay.c -------------------------------------------------------------- */

/* What an fd in the relay's epoll set is (its event data points to one). */
enum relay_watch_kind {
    WATCH_LINK,       /* the relay's end of the socket pair */
    WATCH_TCP_LISTEN, /* a forwarded TCP port */
    WATCH_UDP_FORWARD,
    WATCH_TCP_CONN, /* a host socket of a TCP connection */
    WATCH_UDP_FLOW, /* a host socket of the guest's own UDP datagrams */
    WATCH_SIGNALS,
    WATCH_GUEST, /* the guest's pidfd */
};

struct relay_watch {
    enum relay_watch_kind kind;
    int fd;
    uint32_t events; /* as registered */
    bool dead;       /* closed: its events in this round are stale */
    struct relay_watch *next_dead;
};

/* The relay's process: never returns (attach.c calls it in the parent,
 * with the signals it passes on to the guest blocked). Guest memory, which
 * it unmaps, is [mem_start, mem_end). */
void relay_main(uint64_t mem_start, uint64_t mem_end, pid_t guest_pid,
                const sigset_t *forwarded) __attribute__((noreturn));

/* Adds, changes or removes w in the epoll set (events 0: registered but
 * not waiting for anything). */
void relay_watch_add(struct relay_watch *w, uint32_t events);
void relay_watch_set(struct relay_watch *w, uint32_t events);
void relay_watch_del(struct relay_watch *w);
/* Removes w from the set and closes its fd; the record w is the start of
 * (arena memory) is freed after this round of events, when no stale event
 * can point to it any more. */
void relay_watch_close(struct relay_watch *w);

/* The guest's address is known (link.c): forwarded ports are served. */
void relay_guest_known(void);

/* lwIP's clock (sys_now) in milliseconds. */
uint32_t relay_now_ms(void);

/* One line on stderr, the guest killed, the relay ended with SIGABRT. */
void relay_fatal(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/* --- arena.c -------------------------------------------------------------- */

/* Maps the arena; before the filter (it makes no system call later). */
void relay_arena_init(void);

/* --- link.c --------------------------------------------------------------- */

struct relay_link {
    struct relay_watch watch; /* the relay's end of the socket pair */
    const struct usernet_device *dev;
    uint8_t guest_mac[6], relay_mac[6];
    /* Learned from what the guest sends (ARP or IPv4); 0 until then. Host
     * byte order, as the other addresses. */
    uint32_t guest_ip;
    uint32_t host_ip; /* the host, as the guest sees it (its loopback) */
    uint32_t dns_ip;  /* the name server, as the guest sees it */
    bool have_netif;
    bool closed;        /* the guest's end is closed */
    struct netif netif; /* host_ip, netmask 0: every route to the guest */
};

extern struct relay_link relay_link;

void link_init(const struct usernet_device *dev);
/* The link fd is readable or writable. */
void link_event(uint32_t events);
/* Sends an IPv4 packet (header and all, len bytes) to the guest. */
void link_send_ip(const uint8_t *packet, size_t len);
/* Where a destination the guest sends to really is: host byte order
 * address and port to connect to; -1 if it has none (the guest's own
 * address, broadcast, the name server without one). */
int link_map_destination(uint32_t dst, uint16_t port, uint32_t *real_addr,
                         uint16_t *real_port);
/* The netif with address addr, made if needed (for connections to it);
 * NULL if there is no room. link_netif_put gives one use back. */
struct netif *link_netif_get(uint32_t addr);
void link_netif_put(uint32_t addr);
/* The Internet checksum of len bytes, folded, starting from sum. */
uint16_t link_checksum(const void *data, size_t len, uint32_t sum);

/* --- tcp.c ---------------------------------------------------------------- */

/* A connection on the forwarded port of listen watch w. */
void tcp_relay_accept(struct relay_watch *w, const struct net_forward *f);
/* Events on a connection's host socket. */
void tcp_relay_event(struct relay_watch *w, uint32_t events);
/* A pure SYN from the guest (IPv4 packet in p, header length ihl): a new
 * connection of its own, or one lwIP knows. Takes p. */
void tcp_relay_syn(struct pbuf *p, size_t ihl);
void tcp_relay_tick(void);
/* What lwIP's callbacks asked for (closing, aborting), done outside them. */
void tcp_relay_after_events(void);

/* --- udp.c ---------------------------------------------------------------- */

/* A datagram from the guest: the IPv4 packet, header length ihl. */
void udp_relay_from_guest(const uint8_t *packet, size_t len, size_t ihl);
/* Datagrams waiting on a forwarded port (forward f) or on a flow. */
void udp_relay_forward_event(struct relay_watch *w,
                             const struct net_forward *f);
void udp_relay_flow_event(struct relay_watch *w);
void udp_relay_tick(void);

#endif
