/*
 * TCP through the relay: each connection is an lwIP connection with the
 * guest on one side and a socket of the host's on the other, bytes copied
 * between them with the flow control of both (lwIP's window is only
 * opened again once the host socket took the bytes; the host socket is
 * only read when lwIP has room to send).
 *
 *   inbound    a connection to a forwarded port: lwIP connects to the
 *              guest's port from the host's address (link.c)
 *   outbound   the guest's own SYN to ADDR:PORT: the relay first connects
 *              a host socket to where ADDR:PORT really is
 *              (link_map_destination); if that fails the guest gets a
 *              reset, as from a closed port; if it works, the SYN goes to
 *              lwIP, which answers as ADDR (a netif of that address and a
 *              listener on PORT exist while such connections are made)
 *
 * lwIP's callbacks only record what is to be done with a connection
 * (closing, aborting); tcp_relay_after_events does it, outside lwIP.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lwip/ip4.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "bytes.h"
#include "relay.h"

/* A guest that never completes the handshake of its own connection. */
#define ACCEPT_TIMEOUT_MS 30000
/* Listeners for the guest's outbound connections, at most (one a port,
 * while connections to it are being made). */
#define LISTENERS 64

enum conn_state {
    CONNECT_HOST,  /* outbound: the host socket is connecting */
    ACCEPT_GUEST,  /* outbound: lwIP has the guest's SYN */
    CONNECT_GUEST, /* inbound: lwIP is connecting to the guest */
    OPEN,
};

struct conn {
    struct relay_watch w; /* first: the watch is the record */
    struct tcp_pcb *pcb;
    enum conn_state state;
    bool outbound;
    struct pbuf *syn;         /* CONNECT_HOST: the guest's SYN */
    uint32_t dst;             /* outbound: the address the guest called */
    uint16_t dport, gport;    /* ... its port, and the guest's */
    uint32_t since;           /* ms, when the state was entered */
    struct pbuf *to_host;     /* from the guest, not yet written */
    bool guest_eof, host_eof; /* FIN from either side */
    bool host_shut;           /* the host was told (SHUT_WR) */
    bool host_paused;         /* lwIP has no room to send: not read */
    bool holds_netif, holds_listener;
    bool finish, abort; /* what lwIP's callbacks asked for */
    struct conn *prev, *next;
};

static struct conn *conns;

struct listener {
    struct tcp_pcb *pcb;
    uint16_t port;
    unsigned uses;
};
static struct listener listeners[LISTENERS];

static void set_ip(ip_addr_t *a, uint32_t host_order)
{
    ip_addr_set_ip4_u32(a, lwip_htonl(host_order));
}

static void no_delay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* --- connection records --------------------------------------------------- */

static struct conn *new_conn(int fd)
{
    struct conn *c = relay_arena_calloc(1, sizeof(*c));
    if (c == NULL) {
        close(fd);
        return NULL;
    }
    c->w.kind = WATCH_TCP_CONN;
    c->w.fd = fd;
    c->since = relay_now_ms();
    c->next = conns;
    if (conns != NULL)
        conns->prev = c;
    conns = c;
    return c;
}

static void listener_put(uint16_t port);

/* Forgets c; its fd is closed (with a reset: with_reset) and its record
 * freed after this round of events. Its pcb must be gone or detached. */
static void release(struct conn *c, bool with_reset)
{
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    if (c->to_host != NULL)
        pbuf_free(c->to_host);
    if (c->syn != NULL)
        pbuf_free(c->syn);
    if (c->holds_netif)
        link_netif_put(c->dst);
    if (c->holds_listener)
        listener_put(c->dport);
    if (with_reset) {
        struct linger lg = {1, 0};
        setsockopt(c->w.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    }
    relay_watch_close(&c->w);
}

static void detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
}

/* Outside lwIP's callbacks only. */
static void conn_abort(struct conn *c)
{
    if (c->pcb != NULL) {
        detach(c->pcb);
        tcp_abort(c->pcb);
        c->pcb = NULL;
    }
    release(c, true);
}

static void conn_close(struct conn *c)
{
    if (c->pcb != NULL) {
        detach(c->pcb);
        if (tcp_close(c->pcb) != ERR_OK)
            tcp_abort(c->pcb);
        c->pcb = NULL;
    }
    release(c, false);
}

static void update_events(struct conn *c)
{
    uint32_t ev = 0;
    if (c->state == OPEN && !c->host_eof && !c->host_paused)
        ev |= EPOLLIN;
    if (c->to_host != NULL)
        ev |= EPOLLOUT;
    relay_watch_set(&c->w, ev);
}

/* Both directions ended and everything was delivered: close both. */
static void maybe_done(struct conn *c)
{
    if (c->host_eof && c->guest_eof && c->host_shut && c->to_host == NULL)
        c->finish = true;
}

/* --- data ----------------------------------------------------------------- */

/* Writes what the guest sent to the host socket, as far as it takes it;
 * lwIP's window opens by as much. */
static void flush_to_host(struct conn *c)
{
    while (c->to_host != NULL) {
        struct pbuf *q = c->to_host;
        if (q->len == 0) {
            c->to_host = pbuf_dechain(q);
            pbuf_free(q);
            continue;
        }
        ssize_t n = write(c->w.fd, q->payload, q->len);
        if (n < 0) {
            if (errno != EAGAIN)
                c->abort = true;
            break;
        }
        c->to_host = pbuf_free_header(q, (u16_t)n);
        if (c->pcb != NULL)
            tcp_recved(c->pcb, (u16_t)n);
    }
    if (c->to_host == NULL && c->guest_eof && !c->host_shut) {
        shutdown(c->w.fd, SHUT_WR);
        c->host_shut = true;
        maybe_done(c);
    }
    if (!c->abort)
        update_events(c);
}

/* Reads from the host socket as much as lwIP can take now. */
static void from_host(struct conn *c)
{
    static uint8_t buf[TCP_SND_BUF];
    size_t room = tcp_sndbuf(c->pcb);
    size_t segments = TCP_SND_QUEUELEN > tcp_sndqueuelen(c->pcb) + 2
                          ? TCP_SND_QUEUELEN - tcp_sndqueuelen(c->pcb) - 2
                          : 0;
    if (room > segments * TCP_MSS)
        room = segments * TCP_MSS;
    if (room == 0) {
        c->host_paused = true;
        update_events(c);
        return;
    }
    ssize_t n = read(c->w.fd, buf, room);
    if (n > 0) {
        if (tcp_write(c->pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK) {
            c->abort = true;
            return;
        }
        tcp_output(c->pcb);
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN)
            c->abort = true;
        return;
    }
    /* The host's FIN: the guest gets one after the data queued. */
    c->host_eof = true;
    if (tcp_shutdown(c->pcb, 0, 1) != ERR_OK) {
        c->abort = true;
        return;
    }
    maybe_done(c);
    update_events(c);
}

/* --- lwIP's callbacks ----------------------------------------------------- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;
    (void)err;
    if (c == NULL || c->abort) {
        if (p != NULL) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL) {
        c->guest_eof = true;
    } else if (c->to_host == NULL) {
        c->to_host = p;
    } else {
        pbuf_cat(c->to_host, p);
    }
    flush_to_host(c);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct conn *c = arg;
    (void)pcb;
    (void)len;
    if (c != NULL && c->host_paused && !c->abort) {
        c->host_paused = false;
        update_events(c);
    }
    return ERR_OK;
}

/* lwIP freed the pcb: a reset from the guest, a timeout, or the end of an
 * orderly close. */
static void on_err(void *arg, err_t err)
{
    struct conn *c = arg;
    if (c == NULL)
        return;
    c->pcb = NULL;
    /* Closed in order (both FINs acknowledged): what the guest sent may
     * still wait for the host socket; finish once it is written. */
    if (err == ERR_CLSD && c->guest_eof)
        maybe_done(c);
    else
        c->abort = true;
}

static void set_callbacks(struct conn *c, struct tcp_pcb *pcb)
{
    c->pcb = pcb;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_nagle_disable(pcb);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct conn *c = arg;
    (void)pcb;
    if (c == NULL || err != ERR_OK)
        return ERR_OK;
    c->state = OPEN;
    update_events(c);
    return ERR_OK;
}

/* An outbound connection completed its handshake with lwIP. */
static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL)
        return ERR_VAL;
    uint32_t local = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip)));
    for (struct conn *c = conns; c != NULL; c = c->next) {
        if (c->state != ACCEPT_GUEST || c->dst != local ||
            c->dport != pcb->local_port || c->gport != pcb->remote_port)
            continue;
        set_callbacks(c, pcb);
        c->state = OPEN;
        update_events(c);
        return ERR_OK;
    }
    tcp_abort(pcb);
    return ERR_ABRT;
}

/* --- listeners for outbound connections ----------------------------------- */

static int listener_get(uint16_t port)
{
    struct listener *slot = NULL;
    for (size_t i = 0; i < LISTENERS; i++) {
        if (listeners[i].uses > 0 && listeners[i].port == port) {
            listeners[i].uses++;
            return 0;
        }
        if (listeners[i].uses == 0 && slot == NULL)
            slot = &listeners[i];
    }
    if (slot == NULL)
        return -1;
    struct tcp_pcb *pcb = tcp_new();
    if (pcb == NULL)
        return -1;
    /* Connections accepted earlier on this port may still be open: binding
     * again is allowed between pcbs that all have SOF_REUSEADDR (they
     * inherit it). */
    ip_set_option(pcb, SOF_REUSEADDR);
    if (tcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
        tcp_abort(pcb);
        return -1;
    }
    struct tcp_pcb *lpcb = tcp_listen(pcb);
    if (lpcb == NULL) {
        tcp_abort(pcb);
        return -1;
    }
    tcp_accept(lpcb, on_accept);
    slot->pcb = lpcb;
    slot->port = port;
    slot->uses = 1;
    return 0;
}

static void listener_put(uint16_t port)
{
    for (size_t i = 0; i < LISTENERS; i++) {
        struct listener *l = &listeners[i];
        if (l->uses == 0 || l->port != port)
            continue;
        if (--l->uses == 0) {
            tcp_close(l->pcb);
            l->pcb = NULL;
        }
        return;
    }
}

/* --- inbound -------------------------------------------------------------- */

/* Forwarded ports not read for a while: out of fds or memory. */
static struct relay_watch *paused[NET_FORWARD_MAX];

void tcp_relay_accept(struct relay_watch *w, const struct net_forward *f)
{
    for (int i = 0; i < 64; i++) {
        int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0 && errno != EAGAIN && errno != EINTR &&
            errno != ECONNABORTED) {
            /* The connections wait in the backlog until the next tick
             * rather than wake the relay at once again. */
            for (size_t k = 0; k < NET_FORWARD_MAX; k++) {
                if (paused[k] == NULL) {
                    paused[k] = w;
                    relay_watch_set(w, 0);
                    break;
                }
            }
            return;
        }
        if (fd < 0)
            return;
        no_delay(fd);
        struct conn *c = new_conn(fd);
        if (c == NULL)
            continue;
        relay_watch_add(&c->w, 0);
        struct tcp_pcb *pcb = tcp_new();
        ip_addr_t local, guest;
        set_ip(&local, relay_link.host_ip);
        set_ip(&guest, relay_link.guest_ip);
        if (pcb == NULL) {
            release(c, true);
            continue;
        }
        set_callbacks(c, pcb);
        c->state = CONNECT_GUEST;
        if (tcp_bind(pcb, &local, 0) != ERR_OK ||
            tcp_connect(pcb, &guest, f->guest_port, on_connected) != ERR_OK)
            conn_abort(c);
    }
}

/* --- outbound ------------------------------------------------------------- */

/* The answer of a closed port to the guest's SYN. */
static void refuse(uint32_t dst, uint16_t dport, uint16_t gport, uint32_t seq)
{
    ip_addr_t local, guest;
    set_ip(&local, dst);
    set_ip(&guest, relay_link.guest_ip);
    tcp_rst(NULL, 0, seq + 1, &local, &guest, dport, gport);
}

static bool same(const struct tcp_pcb *pcb, uint32_t dst, uint16_t dport,
                 uint16_t gport)
{
    return pcb->local_port == dport && pcb->remote_port == gport &&
           lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip))) == dst &&
           lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip))) ==
               relay_link.guest_ip;
}

void tcp_relay_syn(struct pbuf *p, size_t ihl)
{
    const uint8_t *ip = p->payload, *tcp = ip + ihl;
    uint32_t dst = get32(ip + 16), seq = get32(tcp + 4);
    uint16_t gport = get16(tcp), dport = get16(tcp + 2);

    /* A SYN lwIP already answered (sent again): lwIP's. */
    for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next) {
        if (same(pcb, dst, dport, gport)) {
            ip4_input(p, &relay_link.netif);
            return;
        }
    }
    /* A new connection on the addresses of one in TIME-WAIT ends it. */
    for (struct tcp_pcb *pcb = tcp_tw_pcbs; pcb != NULL; pcb = pcb->next) {
        if (same(pcb, dst, dport, gport)) {
            tcp_abort(pcb);
            break;
        }
    }
    /* Sent again while the host socket connects: one is enough. */
    for (struct conn *c = conns; c != NULL; c = c->next) {
        if (c->outbound && c->state == CONNECT_HOST && c->dst == dst &&
            c->dport == dport && c->gport == gport) {
            pbuf_free(p);
            return;
        }
    }
    uint32_t real;
    uint16_t real_port;
    int fd = -1;
    if (link_map_destination(dst, dport, &real, &real_port) == 0)
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons(real_port),
                                 .sin_addr.s_addr = htonl(real)};
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 &&
            errno != EINPROGRESS) {
            close(fd);
            fd = -1;
        }
    }
    struct conn *c = fd >= 0 ? new_conn(fd) : NULL;
    if (c == NULL) {
        refuse(dst, dport, gport, seq);
        pbuf_free(p);
        return;
    }
    c->outbound = true;
    c->state = CONNECT_HOST;
    c->syn = p;
    c->dst = dst;
    c->dport = dport;
    c->gport = gport;
    relay_watch_add(&c->w, EPOLLOUT);
}

/* The host socket of an outbound connection connected, or failed to. */
static void host_connected(struct conn *c)
{
    int err = 0;
    socklen_t len = sizeof(err);
    const uint8_t *tcp =
        (const uint8_t *)c->syn->payload +
        (size_t)(((const uint8_t *)c->syn->payload)[0] & 15) * 4;
    uint32_t seq = get32(tcp + 4);
    if (getsockopt(c->w.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
        err != 0 || link_netif_get(c->dst) == NULL) {
        refuse(c->dst, c->dport, c->gport, seq);
        release(c, false);
        return;
    }
    c->holds_netif = c->dst != relay_link.host_ip;
    if (listener_get(c->dport) != 0) {
        refuse(c->dst, c->dport, c->gport, seq);
        release(c, false);
        return;
    }
    c->holds_listener = true;
    no_delay(c->w.fd);
    c->state = ACCEPT_GUEST;
    c->since = relay_now_ms();
    relay_watch_set(&c->w, 0);
    struct pbuf *syn = c->syn;
    c->syn = NULL;
    ip4_input(syn, &relay_link.netif);
}

/* --- events --------------------------------------------------------------- */

void tcp_relay_event(struct relay_watch *w, uint32_t events)
{
    struct conn *c = (struct conn *)w;
    if (c->abort || c->finish)
        return;
    switch (c->state) {
    case CONNECT_HOST:
        host_connected(c);
        return;
    case ACCEPT_GUEST:
    case CONNECT_GUEST:
        if (events & (EPOLLHUP | EPOLLERR))
            c->abort = true; /* the host's side is gone already */
        return;
    case OPEN:
        break;
    }
    if (events & EPOLLOUT)
        flush_to_host(c);
    if ((events & EPOLLIN) && !c->abort && c->pcb != NULL && !c->host_eof)
        from_host(c);
    else if ((events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN) &&
             !c->finish)
        c->abort = true;
}

void tcp_relay_after_events(void)
{
    struct conn *next;
    for (struct conn *c = conns; c != NULL; c = next) {
        next = c->next;
        if (c->abort)
            conn_abort(c);
        else if (c->finish)
            conn_close(c);
        else if (c->state == OPEN && c->holds_listener) {
            listener_put(c->dport);
            c->holds_listener = false;
        }
    }
}

void tcp_relay_tick(void)
{
    uint32_t now = relay_now_ms();
    for (size_t k = 0; k < NET_FORWARD_MAX; k++) {
        if (paused[k] != NULL) {
            relay_watch_set(paused[k], EPOLLIN);
            paused[k] = NULL;
        }
    }
    for (struct conn *c = conns; c != NULL; c = c->next)
        if (c->state == ACCEPT_GUEST && now - c->since > ACCEPT_TIMEOUT_MS)
            c->abort = true;
}
