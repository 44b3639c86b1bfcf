/*
 * netecho: answers ARP requests and ICMP echo requests (ping) for its IPv4
 * address and echoes UDP datagrams sent to port 7, on every net device it
 * serves; at start it announces its address on each (a gratuitous ARP).
 * Command line: "IPV4 [IPV4 ...]", one address per device, default
 * 10.0.0.2. Devices: "service" (and "service2" when built with
 * NETECHO_DEVICES 2, for tests).
 */
#include "solo5.h"

#ifndef NETECHO_DEVICES
#define NETECHO_DEVICES 1
#endif
#define ECHO_PORT 7
#define FRAME_MAX 65550

static const char *const device_names[2] = {"service", "service2"};

struct netif {
    solo5_handle_t handle;
    struct solo5_net_info info;
    uint8_t ip[4];
};

static struct netif ifs[NETECHO_DEVICES];
static uint8_t frame[FRAME_MAX];

static void print(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    solo5_console_write(s, n);
}

static void print_num(uint64_t v, unsigned base, int width)
{
    char buf[24];
    int i = sizeof(buf) - 1;
    buf[i] = '\0';
    do {
        unsigned d = (unsigned)(v % base);
        buf[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
        width--;
    } while (v > 0 || width > 0);
    print(&buf[i]);
}

/* Parses "a.b.c.d" at *p, advancing past it; returns 0 or -1. */
static int parse_ipv4(const char **p, uint8_t ip[4])
{
    const char *s = *p;
    for (int i = 0; i < 4; i++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (digits == 0 || v > 255 || (i < 3 && *s++ != '.'))
            return -1;
        ip[i] = (uint8_t)v;
    }
    if (*s != '\0' && *s != ' ')
        return -1;
    *p = s;
    return 0;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static int same(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return 0;
    }
    return 1;
}

static void copy(uint8_t *d, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

/* Turns the Ethernet frame around: reply to whoever sent it. */
static void swap_ethernet(struct netif *nif)
{
    copy(frame, frame + 6, 6);
    copy(frame + 6, nif->info.mac_address, 6);
}

static void handle_arp(struct netif *nif, size_t len)
{
    uint8_t *arp = frame + 14;
    /* Ethernet/IPv4 request for our address. */
    if (len < 14 + 28 || get16(arp) != 1 || get16(arp + 2) != 0x0800 ||
        arp[4] != 6 || arp[5] != 4 || get16(arp + 6) != 1 ||
        !same(arp + 24, nif->ip, 4))
        return;
    uint8_t sender_mac[6], sender_ip[4];
    copy(sender_mac, arp + 8, 6);
    copy(sender_ip, arp + 14, 4);
    put16(arp + 6, 2); /* reply */
    copy(arp + 8, nif->info.mac_address, 6);
    copy(arp + 14, nif->ip, 4);
    copy(arp + 18, sender_mac, 6);
    copy(arp + 24, sender_ip, 4);
    swap_ethernet(nif);
    solo5_net_write(nif->handle, frame, 14 + 28);
}

static void handle_ipv4(struct netif *nif, size_t len)
{
    uint8_t *ip = frame + 14;
    if (len < 14 + 20 || (ip[0] >> 4) != 4)
        return;
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    size_t total = get16(ip + 2);
    if (ihl < 20 || total < ihl || 14 + total > len ||
        !same(ip + 16, nif->ip, 4) || checksum(ip, ihl) != 0 ||
        (get16(ip + 6) & 0x3fff) != 0) /* fragments are not handled */
        return;
    uint8_t *l4 = ip + ihl;
    size_t l4len = total - ihl;

    if (ip[9] == 1) { /* ICMP echo request -> echo reply */
        if (l4len < 8 || l4[0] != 8 || checksum(l4, l4len) != 0)
            return;
        l4[0] = 0;
        put16(l4 + 2, 0);
        put16(l4 + 2, checksum(l4, l4len));
    } else if (ip[9] == 17) { /* UDP to the echo port */
        if (l4len < 8 || get16(l4 + 2) != ECHO_PORT)
            return;
        /* Swapping ports (and addresses below) keeps checksums valid. */
        uint16_t sport = get16(l4);
        put16(l4, get16(l4 + 2));
        put16(l4 + 2, sport);
    } else {
        return;
    }
    uint8_t src[4];
    copy(src, ip + 12, 4);
    copy(ip + 12, ip + 16, 4);
    copy(ip + 16, src, 4);
    ip[8] = 64; /* fresh TTL: recompute the header checksum */
    put16(ip + 10, 0);
    put16(ip + 10, checksum(ip, ihl));
    swap_ethernet(nif);
    solo5_net_write(nif->handle, frame, 14 + total);
}

static void serve(struct netif *nif)
{
    size_t len;
    while (solo5_net_read(nif->handle, frame, sizeof(frame), &len) ==
           SOLO5_R_OK) {
        if (len < 14)
            continue;
        uint16_t type = get16(frame + 12);
        if (type == 0x0806)
            handle_arp(nif, len);
        else if (type == 0x0800)
            handle_ipv4(nif, len);
    }
}

/* An ARP announcement of our address (RFC 5227): a broadcast request with
 * our address as both sender and target. Neighbours learn where we are
 * before they ask; a user-mode network's relay learns our address from it
 * (it forwards nothing to us before). */
static void announce_arp(const struct netif *nif)
{
    uint8_t *arp = frame + 14;
    for (int i = 0; i < 6; i++)
        frame[i] = 0xff;
    copy(frame + 6, nif->info.mac_address, 6);
    put16(frame + 12, 0x0806);
    put16(arp, 1);
    put16(arp + 2, 0x0800);
    arp[4] = 6;
    arp[5] = 4;
    put16(arp + 6, 1);
    copy(arp + 8, nif->info.mac_address, 6);
    copy(arp + 14, nif->ip, 4);
    for (int i = 0; i < 6; i++)
        arp[18 + i] = 0;
    copy(arp + 24, nif->ip, 4);
    solo5_net_write(nif->handle, frame, 14 + 28);
}

static void announce(const char *name, const struct netif *nif)
{
    print("netecho: ");
    print(name);
    print(" mac ");
    for (int i = 0; i < 6; i++) {
        print_num(nif->info.mac_address[i], 16, 2);
        if (i < 5)
            print(":");
    }
    print(" mtu ");
    print_num(nif->info.mtu, 10, 1);
    print(" ip ");
    for (int i = 0; i < 4; i++) {
        print_num(nif->ip[i], 10, 1);
        if (i < 3)
            print(".");
    }
    print("\n");
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;

    for (int i = 0; i < NETECHO_DEVICES; i++) {
        struct netif *nif = &ifs[i];
        while (*p == ' ')
            p++;
        if (*p == '\0') {
            uint8_t def[4] = {10, 0, (uint8_t)i, 2};
            copy(nif->ip, def, 4);
        } else if (parse_ipv4(&p, nif->ip) != 0) {
            print("netecho: bad IPv4 address on the command line\n");
            return SOLO5_EXIT_FAILURE;
        }
        if (solo5_net_acquire(device_names[i], &nif->handle, &nif->info) !=
            SOLO5_R_OK) {
            print("netecho: cannot acquire net device\n");
            return SOLO5_EXIT_FAILURE;
        }
        announce(device_names[i], nif);
        announce_arp(nif);
    }
    for (;;) {
        solo5_handle_set_t ready = 0;
        solo5_yield(solo5_clock_monotonic() + 1000000000ull, &ready);
        for (int i = 0; i < NETECHO_DEVICES; i++) {
            if (ready & (1ull << ifs[i].handle))
                serve(&ifs[i]);
        }
    }
}
