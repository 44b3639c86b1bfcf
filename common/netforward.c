/* Syntax of --net-forward:NAME=LIST (netforward.h). */
#include "netforward.h"

#include <string.h>

const char *netforward_proto_name(uint8_t proto)
{
    return proto == NET_PROTO_UDP ? "udp" : "tcp";
}

/* A decimal number 1..max of at most 5 digits at s[0..len). */
static int parse_number(const char *s, size_t len, unsigned long max,
                        unsigned long *out)
{
    unsigned long v = 0;
    if (len == 0 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v == 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

/* A dotted quad at s[0..len): four numbers 0-255 of 1 to 3 digits. */
static int parse_addr(const char *s, size_t len, uint32_t *out)
{
    uint32_t a = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
            v = v * 10 + (unsigned)(s[i++] - '0');
            digits++;
        }
        if (digits == 0 || v > 255)
            return -1;
        a = a << 8 | v;
        if (part < 3) {
            if (i >= len || s[i] != '.')
                return -1;
            i++;
        }
    }
    if (i != len)
        return -1;
    *out = a;
    return 0;
}

/* One forward at s[0..len). */
static int parse_one(const char *s, size_t len, struct net_forward *f)
{
    const char *field[4];
    size_t flen[4], n = 0;
    const char *start = s, *end = s + len;

    for (const char *p = s; p <= end; p++) {
        if (p < end && *p != ':')
            continue;
        if (n == 4)
            return -1;
        field[n] = start;
        flen[n++] = (size_t)(p - start);
        start = p + 1;
    }
    if (n < 3)
        return -1;
    if (flen[0] == 3 && memcmp(field[0], "tcp", 3) == 0)
        f->proto = NET_PROTO_TCP;
    else if (flen[0] == 3 && memcmp(field[0], "udp", 3) == 0)
        f->proto = NET_PROTO_UDP;
    else
        return -1;
    f->host_addr = 0;
    if (n == 4 && parse_addr(field[1], flen[1], &f->host_addr) != 0)
        return -1;
    unsigned long hp, gp;
    if (parse_number(field[n - 2], flen[n - 2], 65535, &hp) != 0 ||
        parse_number(field[n - 1], flen[n - 1], 65535, &gp) != 0)
        return -1;
    f->host_port = (uint16_t)hp;
    f->guest_port = (uint16_t)gp;
    return 0;
}

enum result netforward_parse(const char *list, struct net_forward *out,
                             size_t max, size_t *count, struct result_msg *msg)
{
    size_t n = 0;
    const char *p = list;

    for (;;) {
        size_t len = strcspn(p, ",");
        int shown = (int)(len > 80 ? 80 : len);
        struct net_forward f;
        if (parse_one(p, len, &f) != 0)
            return result_error(msg,
                                "port forward '%.*s' is invalid: expected "
                                "tcp|udp:[HOSTADDR:]HOSTPORT:GUESTPORT, "
                                "ports 1 to 65535",
                                shown, p);
        for (size_t i = 0; i < n; i++) {
            if (out[i].proto == f.proto && out[i].host_port == f.host_port &&
                (out[i].host_addr == f.host_addr || out[i].host_addr == 0 ||
                 f.host_addr == 0))
                return result_error(msg,
                                    "port forward '%.*s': host port %s %u is "
                                    "forwarded twice",
                                    shown, p, netforward_proto_name(f.proto),
                                    f.host_port);
        }
        if (n == max)
            return result_error(msg, "more than %zu port forwards", max);
        out[n++] = f;
        if (p[len] == '\0') {
            *count = n;
            return RESULT_OK;
        }
        p += len + 1;
    }
}
