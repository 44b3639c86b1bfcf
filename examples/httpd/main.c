/*
 * httpd: a static HTTP server unikernel on lwIP (examples/httpd).
 *
 *   httpd [--ipv4=ADDRESS/PREFIX] [--ipv4-gateway=ADDRESS]
 *
 * Serves the embedded site (http.c) on TCP port 80 of ADDRESS (default
 * 10.0.0.2/24) over the net device "service". A bad argument: one line on
 * the console and exit status 1.
 *
 * Parts: main.c (arguments, set-up, main loop), netif.c (the Solo5 net
 * device as an lwIP netif), http.c (the server), platform.c (what lwIP
 * needs from its platform), site.S (the files), lwip/ (lwIP's
 * configuration: lwipopts.h, arch/cc.h, arch/hooks.h).
 *
 * The main loop: lwIP's timers, then solo5_yield until lwIP's next timeout
 * or until the device is readable, then every frame waiting is read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "solo5.h"

#include "httpd.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

#define DEFAULT_IPV4 "10.0.0.2/24"

void httpd_vprint(const char *fmt, va_list ap)
{
    char line[512];
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    if (n < 0)
        return;
    solo5_console_write(line, (size_t)n < sizeof(line) ? (size_t)n
                                                       : sizeof(line) - 1);
}

void httpd_print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    httpd_vprint(fmt, ap);
    va_end(ap);
}

/* Parses a dotted quad: exactly four decimal numbers 0-255 of 1 to 3
 * digits. Returns the address in host order, or -1. */
static int64_t parse_quad(const char *s, size_t len)
{
    uint32_t addr = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
            v = v * 10 + (unsigned)(s[i++] - '0');
            digits++;
        }
        if (digits == 0 || v > 255)
            return -1;
        addr = addr << 8 | v;
        if (part < 3) {
            if (i >= len || s[i] != '.')
                return -1;
            i++;
        }
    }
    return i == len ? (int64_t)addr : -1;
}

/* A unicast address a host can have: not 0/8, 127/8, multicast or above. */
static int is_host_address(uint32_t a)
{
    uint32_t first = a >> 24;
    return first != 0 && first != 127 && first < 224;
}

struct config {
    uint32_t addr, mask, gw; /* host order; gw 0: none */
    int have_addr;
};

/* Arguments are quoted in messages up to this length (one line, always). */
#define QUOTE_MAX 100

static const char *ellipsis(const char *s)
{
    return strnlen(s, QUOTE_MAX + 1) > QUOTE_MAX ? "..." : "";
}

static int bad(const char *what, const char *value, const char *why)
{
    httpd_print("httpd: bad %s value '%.*s%s': %s\n", what, QUOTE_MAX, value,
                ellipsis(value), why);
    return -1;
}

/* --ipv4=ADDRESS/PREFIX */
static int parse_ipv4(struct config *cfg, const char *v)
{
    const char *why = "expected ADDRESS/PREFIX, e.g. " DEFAULT_IPV4;
    const char *slash = strchr(v, '/');
    if (slash == NULL)
        return bad("--ipv4", v, why);
    int64_t addr = parse_quad(v, (size_t)(slash - v));
    const char *p = slash + 1;
    unsigned prefix = 0, digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 2) {
        prefix = prefix * 10 + (unsigned)(*p++ - '0');
        digits++;
    }
    if (addr < 0 || digits == 0 || *p != '\0')
        return bad("--ipv4", v, why);
    if (prefix < 1 || prefix > 32)
        return bad("--ipv4", v, "the prefix length must be 1 to 32");
    uint32_t a = (uint32_t)addr;
    uint32_t mask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
    if (!is_host_address(a))
        return bad("--ipv4", v, "not a unicast host address");
    if (prefix <= 30 && ((a & ~mask) == 0 || (a & ~mask) == ~mask))
        return bad("--ipv4", v,
                   "that is the network's own or its broadcast address");
    cfg->addr = a;
    cfg->mask = mask;
    cfg->have_addr = 1;
    return 0;
}

/* --ipv4-gateway=ADDRESS (checked against --ipv4 once both are known) */
static int parse_gateway(struct config *cfg, const char *v)
{
    int64_t gw = parse_quad(v, strlen(v));
    if (gw < 0)
        return bad("--ipv4-gateway", v, "expected an address, e.g. 10.0.0.1");
    if (!is_host_address((uint32_t)gw))
        return bad("--ipv4-gateway", v, "not a unicast host address");
    cfg->gw = (uint32_t)gw;
    return 0;
}

static int parse_args(struct config *cfg, const char *cmdline)
{
    static char arg[8192];
    static char gw_text[64];
    int have_gw = 0;
    const char *p = cmdline;

    memset(cfg, 0, sizeof(*cfg));
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        size_t n = strcspn(p, " ");
        if (n >= sizeof(arg))
            n = sizeof(arg) - 1;
        memcpy(arg, p, n);
        arg[n] = '\0';
        p += strcspn(p, " ");

        if (strncmp(arg, "--ipv4=", 7) == 0) {
            if (cfg->have_addr) {
                httpd_print("httpd: --ipv4 given twice\n");
                return -1;
            }
            if (parse_ipv4(cfg, arg + 7) != 0)
                return -1;
        } else if (strncmp(arg, "--ipv4-gateway=", 15) == 0) {
            if (have_gw) {
                httpd_print("httpd: --ipv4-gateway given twice\n");
                return -1;
            }
            if (parse_gateway(cfg, arg + 15) != 0)
                return -1;
            have_gw = 1;
            snprintf(gw_text, sizeof(gw_text), "%s", arg + 15);
        } else {
            httpd_print("httpd: unknown argument '%.*s%s' (usage: httpd "
                        "[--ipv4=ADDRESS/PREFIX] [--ipv4-gateway=ADDRESS])\n",
                        QUOTE_MAX, arg, ellipsis(arg));
            return -1;
        }
    }
    if (!cfg->have_addr && parse_ipv4(cfg, DEFAULT_IPV4) != 0)
        return -1;
    if (have_gw) {
        if ((cfg->gw & cfg->mask) != (cfg->addr & cfg->mask))
            return bad("--ipv4-gateway", gw_text,
                       "not in the network of --ipv4");
        if (cfg->gw == cfg->addr)
            return bad("--ipv4-gateway", gw_text,
                       "that is the server's own address");
    }
    return 0;
}

static void set_ip4(ip4_addr_t *a, uint32_t host_order)
{
    ip4_addr_set_u32(a, lwip_htonl(host_order));
}

static int prefix_len(uint32_t mask)
{
    int n = 0;
    while (mask & 0x80000000u) {
        n++;
        mask <<= 1;
    }
    return n;
}

static void quad(char *buf, size_t size, uint32_t a)
{
    snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
             (a >> 8) & 0xff, a & 0xff);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    struct config cfg;
    if (parse_args(&cfg, si->cmdline) != 0)
        return SOLO5_EXIT_FAILURE;

    uint8_t mac[6];
    size_t mtu;
    if (httpd_netif_acquire("service", mac, &mtu) != 0) {
        httpd_print("httpd: cannot acquire the net device 'service'\n");
        return SOLO5_EXIT_FAILURE;
    }
    if (mtu < 576) {
        httpd_print("httpd: the MTU of 'service' (%zu) is below 576\n", mtu);
        return SOLO5_EXIT_FAILURE;
    }
    httpd_seed(mac);

    lwip_init();
    static struct netif nif;
    ip4_addr_t addr, mask, gw;
    set_ip4(&addr, cfg.addr);
    set_ip4(&mask, cfg.mask);
    set_ip4(&gw, cfg.gw);
    if (netif_add(&nif, &addr, &mask, &gw, NULL, httpd_netif_init,
                  netif_input) == NULL) {
        httpd_print("httpd: cannot set up the network interface\n");
        return SOLO5_EXIT_FAILURE;
    }
    netif_set_default(&nif);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    if (httpd_http_start() != 0) {
        httpd_print("httpd: cannot listen on TCP port 80\n");
        return SOLO5_EXIT_FAILURE;
    }

    char a[16], g[16];
    quad(a, sizeof(a), cfg.addr);
    quad(g, sizeof(g), cfg.gw);
    httpd_print("httpd: serving http://%s/ on service (mac "
                "%02x:%02x:%02x:%02x:%02x:%02x, mtu %zu, %s/%d, gateway %s)\n",
                a, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], mtu, a,
                prefix_len(cfg.mask), cfg.gw ? g : "none");

    solo5_handle_set_t dev = 1ull << httpd_netif_handle();
    for (;;) {
        sys_check_timeouts();
        /* Wake up no later than lwIP's next timeout: it is due when
         * sys_now() (whole milliseconds) reaches it. */
        uint64_t now_ms = solo5_clock_monotonic() / 1000000u;
        u32_t sleep_ms = sys_timeouts_sleeptime();
        if (sleep_ms > 1000)
            sleep_ms = 1000; /* none pending: look again in a second */
        solo5_handle_set_t ready = 0;
        solo5_yield((now_ms + sleep_ms) * 1000000u, &ready);
        if (ready & dev)
            httpd_netif_drain(&nif);
    }
}
