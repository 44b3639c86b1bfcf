/*
 * netclient: a test guest that makes one connection of its own, over lwIP
 * on the net device "service" (tests/usernet.bats):
 *
 *   netclient --ipv4=ADDRESS/PREFIX [--ipv4-gateway=ADDRESS] tcp|udp HOST
 *             PORT TEXT
 *
 * (TEXT is one word.) tcp: connects to HOST:PORT, sends TEXT and an empty
 * line (CR LF CR LF: an HTTP server takes it as a request head), prints every
 * byte that comes back ("netclient: received: ...") and
 * "netclient: closed" when the other side closes; exit status 0. A refused
 * connection prints "netclient: refused", status 2. udp: sends TEXT from port
 * 5000 to HOST:PORT and prints the first datagram that comes back; status 0.
 * Nothing within 10 s: "netclient: timeout", status 3. Bad arguments: 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solo5.h"

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "netif/etharp.h"
#include "netif/ethernet.h"

#define TIMEOUT_NS (10ull * 1000000000ull)

static solo5_handle_t handle;
static struct solo5_net_info info;
static uint8_t frame[1536];
static int done = -1; /* the exit status, once known */
static char text[512];
static uint64_t rand_state;

static void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void print(const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n > 0)
        solo5_console_write(line, (size_t)n < sizeof(line) ? (size_t)n
                                                           : sizeof(line) - 1);
}

void netclient_assert(const char *msg)
{
    print("netclient: lwIP assertion failed: %s\n", msg);
    solo5_abort();
}

uint32_t netclient_rand(void)
{
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return (uint32_t)((rand_state * 0x2545f4914f6cdd1dull) >> 32);
}

u32_t sys_now(void)
{
    return (u32_t)(solo5_clock_monotonic() / 1000000u);
}

/* --- the netif ---------------------------------------------------------- */

static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
    (void)nif;
    if (p->tot_len > sizeof(frame))
        return ERR_BUF;
    pbuf_copy_partial(p, frame, p->tot_len, 0);
    return solo5_net_write(handle, frame, p->tot_len) == SOLO5_R_OK ? ERR_OK
                                                                    : ERR_IF;
}

static err_t netif_setup(struct netif *nif)
{
    nif->name[0] = 'n';
    nif->name[1] = 'c';
    nif->output = etharp_output;
    nif->linkoutput = linkoutput;
    nif->mtu = (u16_t)info.mtu;
    nif->hwaddr_len = 6;
    memcpy(nif->hwaddr, info.mac_address, 6);
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

static void drain(struct netif *nif)
{
    size_t n;
    while (solo5_net_read(handle, frame, sizeof(frame), &n) == SOLO5_R_OK) {
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
        if (p == NULL)
            continue;
        pbuf_take(p, frame, (u16_t)n);
        if (nif->input(p, nif) != ERR_OK)
            pbuf_free(p);
    }
}

/* --- TCP ------------------------------------------------------------------ */

static err_t tcp_received(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
                          err_t err)
{
    (void)arg;
    (void)err;
    if (p == NULL) {
        print("netclient: closed\n");
        tcp_close(pcb);
        done = 0;
        return ERR_OK;
    }
    char buf[1024];
    u16_t n = pbuf_copy_partial(p, buf, sizeof(buf) - 1, 0);
    buf[n] = '\0';
    print("netclient: received: %s%s", buf,
          n > 0 && buf[n - 1] == '\n' ? "" : "\n");
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static void tcp_failed(void *arg, err_t err)
{
    (void)arg;
    print("netclient: %s\n", err == ERR_RST ? "refused" : "failed");
    done = err == ERR_RST ? 2 : 4;
}

static err_t tcp_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    (void)err;
    print("netclient: connected\n");
    tcp_write(pcb, text, (u16_t)strlen(text), TCP_WRITE_FLAG_COPY);
    tcp_write(pcb, "\r\n\r\n", 4, TCP_WRITE_FLAG_COPY);
    tcp_output(pcb);
    return ERR_OK;
}

/* --- UDP ------------------------------------------------------------------ */

static void udp_received(void *arg, struct udp_pcb *pcb, struct pbuf *p,
                         const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    (void)pcb;
    (void)addr;
    (void)port;
    char buf[1024];
    u16_t n = pbuf_copy_partial(p, buf, sizeof(buf) - 1, 0);
    buf[n] = '\0';
    print("netclient: received: %s\n", buf);
    pbuf_free(p);
    done = 0;
}

/* --- arguments
 * ---------------------------------------------------------------- */

static int parse_addr(const char *s, ip4_addr_t *a)
{
    return ip4addr_aton(s, a) ? 0 : -1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    static char args[8192];
    char *argv[8];
    int argc = 0;
    ip4_addr_t addr, mask, gw, host;

    snprintf(args, sizeof(args), "%s", si->cmdline);
    for (char *p = args; *p != '\0' && argc < 8;) {
        while (*p == ' ')
            *p++ = '\0';
        if (*p == '\0')
            break;
        argv[argc++] = p;
        p += strcspn(p, " ");
    }
    ip4_addr_set_zero(&gw);
    int i = 0;
    char *slash;
    if (argc < 5 || strncmp(argv[0], "--ipv4=", 7) != 0 ||
        (slash = strchr(argv[0], '/')) == NULL)
        goto usage;
    *slash = '\0';
    int prefix = atoi(slash + 1);
    if (parse_addr(argv[0] + 7, &addr) != 0 || prefix < 1 || prefix > 32)
        goto usage;
    ip4_addr_set_u32(&mask, lwip_htonl(0xffffffffu << (32 - prefix)));
    i = 1;
    if (strncmp(argv[1], "--ipv4-gateway=", 15) == 0) {
        if (parse_addr(argv[1] + 15, &gw) != 0)
            goto usage;
        i = 2;
    }
    if (argc != i + 4 || parse_addr(argv[i + 1], &host) != 0)
        goto usage;
    int udp = strcmp(argv[i], "udp") == 0;
    if (!udp && strcmp(argv[i], "tcp") != 0)
        goto usage;
    int port = atoi(argv[i + 2]);
    if (port < 1 || port > 65535)
        goto usage;
    snprintf(text, sizeof(text), "%s", argv[i + 3]);

    if (solo5_net_acquire("service", &handle, &info) != SOLO5_R_OK) {
        print("netclient: cannot acquire the net device 'service'\n");
        return 1;
    }
    rand_state = solo5_clock_monotonic() | 1;
    lwip_init();
    static struct netif nif;
    if (netif_add(&nif, &addr, &mask, &gw, NULL, netif_setup, ethernet_input) ==
        NULL)
        return 1;
    netif_set_default(&nif);
    netif_set_up(&nif);

    ip_addr_t to;
    ip_addr_copy_from_ip4(to, host);
    if (udp) {
        struct udp_pcb *pcb = udp_new();
        udp_bind(pcb, IP_ADDR_ANY, 5000);
        udp_recv(pcb, udp_received, NULL);
        struct pbuf *p =
            pbuf_alloc(PBUF_TRANSPORT, (u16_t)strlen(text), PBUF_RAM);
        pbuf_take(p, text, (u16_t)strlen(text));
        udp_sendto(pcb, p, &to, (u16_t)port);
        pbuf_free(p);
    } else {
        struct tcp_pcb *pcb = tcp_new();
        tcp_recv(pcb, tcp_received);
        tcp_err(pcb, tcp_failed);
        tcp_connect(pcb, &to, (u16_t)port, tcp_connected);
    }

    solo5_time_t deadline = solo5_clock_monotonic() + TIMEOUT_NS;
    solo5_handle_set_t dev = 1ull << handle;
    while (done < 0) {
        sys_check_timeouts();
        solo5_time_t now = solo5_clock_monotonic();
        if (now >= deadline) {
            print("netclient: timeout\n");
            return 3;
        }
        solo5_handle_set_t ready = 0;
        solo5_yield(now + 10000000u, &ready);
        if (ready & dev)
            drain(&nif);
    }
    /* Let the last segments (our ACK of the FIN) go out. */
    for (int k = 0; k < 10; k++) {
        solo5_handle_set_t ready = 0;
        solo5_yield(solo5_clock_monotonic() + 10000000u, &ready);
        if (ready & dev)
            drain(&nif);
        sys_check_timeouts();
    }
    return done;
usage:
    print("netclient: usage: netclient --ipv4=ADDRESS/PREFIX "
          "[--ipv4-gateway=ADDRESS] tcp|udp HOST PORT TEXT\n");
    return 1;
}
