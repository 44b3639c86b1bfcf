/*
 * rawframes: writes the Ethernet frames its command line gives to the net
 * device "service" exactly as given, and reports every frame that comes
 * back (tests/relay-hostile.bats: hostile frames against the user-mode
 * relay; tests/tools/frames.py makes the frames).
 *
 *   rawframes ARG...
 *     HEX          one frame (hex digits), written as it is; one longer
 *                  than the device's MTU allows (1514 bytes, which the
 *                  bindings refuse) is written with a raw write(2) on the
 *                  device's fd, as a guest that bypasses the bindings can
 *     N*HEX        the frame N times, its bytes 34 and 35 (the UDP or TCP
 *                  source port behind a 20-byte IPv4 header) counting up
 *                  from their value: N flows
 *     wait=MS      reports what comes back for MS milliseconds
 *     await=WORD   reports what comes back until a UDP datagram whose
 *                  payload is WORD arrives (10 s at most)
 *
 * Reports, one line per frame read:
 *     rawframes: arp reply A.B.C.D is-at MAC
 *     rawframes: udp A.B.C.D:PORT > A.B.C.D:PORT: PAYLOAD
 *     rawframes: tcp A.B.C.D:PORT > A.B.C.D:PORT FLAGS
 *     rawframes: icmp A.B.C.D > A.B.C.D type N, N bytes
 *     rawframes: frame type 0xTTTT, N bytes     (anything else)
 * and "rawframes: done" at the end, status 0. A bad argument: status 1; a
 * frame the device does not take: status 2; an await that timed out: 3;
 * the link closed (a read of 0 bytes: the relay is gone): 4.
 */
#include "arch.h"
#include "base.h"
#include "nabla/abi.h"
#include "say.h"

#define AWAIT_NS (10ull * 1000000000ull)

/* The largest frame written or read (the relay reads at most 1536). */
#define FRAME_BYTES 2048

static solo5_handle_t handle;
static struct solo5_net_info info;
static uint8_t frame[FRAME_BYTES];

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* --- one line of output, built in a buffer ----------------------------- */

static char line[256];
static size_t line_len;

static void put(const char *s)
{
    while (*s != '\0' && line_len < sizeof(line) - 1)
        line[line_len++] = *s++;
}

static void put_u(uint64_t v)
{
    char buf[24];
    size_t n = sizeof(buf);
    buf[--n] = '\0';
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    put(buf + n);
}

static void put_hex(unsigned v, int digits)
{
    char buf[9];
    for (int i = 0; i < digits; i++)
        buf[i] = "0123456789abcdef"[(v >> (4 * (digits - 1 - i))) & 15];
    buf[digits] = '\0';
    put(buf);
}

static void put_ip(const uint8_t *a)
{
    for (int i = 0; i < 4; i++) {
        if (i > 0)
            put(".");
        put_u(a[i]);
    }
}

static void put_endpoint(const uint8_t *addr, const uint8_t *port)
{
    put_ip(addr);
    put(":");
    put_u(get16(port));
}

static void end_line(void)
{
    line[line_len++] = '\n';
    solo5_console_write(line, line_len);
    line_len = 0;
}

/* --- what comes back ----------------------------------------------------- */

/* The UDP payload of the frame f (n bytes), if it is a datagram to the
 * guest; its length in *len. */
static const uint8_t *udp_payload(const uint8_t *f, size_t n, size_t *len)
{
    if (n < 14 + 20 || get16(f + 12) != 0x0800 || f[14 + 9] != 17)
        return NULL;
    size_t ihl = (size_t)(f[14] & 15) * 4;
    if (n < 14 + ihl + 8)
        return NULL;
    size_t ulen = get16(f + 14 + ihl + 4);
    if (ulen < 8 || 14 + ihl + ulen > n)
        return NULL;
    *len = ulen - 8;
    return f + 14 + ihl + 8;
}

static void report(const uint8_t *f, size_t n)
{
    put("rawframes: ");
    uint16_t type = n >= 14 ? get16(f + 12) : 0;
    const uint8_t *ip = f + 14;
    size_t ihl = n >= 15 ? (size_t)(ip[0] & 15) * 4 : 0;
    if (type == 0x0806 && n >= 14 + 28 && get16(ip + 6) == 2) {
        put("arp reply ");
        put_ip(ip + 14);
        put(" is-at ");
        for (int i = 0; i < 6; i++) {
            if (i > 0)
                put(":");
            put_hex(ip[8 + i], 2);
        }
    } else if (type == 0x0800 && ihl >= 20 && n >= 14 + ihl + 8 &&
               (ip[9] == 17 || ip[9] == 6 || ip[9] == 1)) {
        const uint8_t *t = ip + ihl;
        size_t len;
        const uint8_t *data;
        if (ip[9] == 1) {
            put("icmp ");
            put_ip(ip + 12);
            put(" > ");
            put_ip(ip + 16);
            put(" type ");
            put_u(t[0]);
            put(", ");
            put_u(n);
            put(" bytes");
        } else if (ip[9] == 17 && (data = udp_payload(f, n, &len)) != NULL) {
            put("udp ");
            put_endpoint(ip + 12, t);
            put(" > ");
            put_endpoint(ip + 16, t + 2);
            put(": ");
            for (size_t i = 0; i < len && i < 64; i++) {
                char c[2] = {
                    (char)(data[i] >= 32 && data[i] < 127 ? data[i] : '.'),
                    '\0'};
                put(c);
            }
        } else if (ip[9] == 6 && n >= 14 + ihl + 20) {
            static const char *const names[] = {"FIN", "SYN", "RST",
                                                "PSH", "ACK", "URG"};
            put("tcp ");
            put_endpoint(ip + 12, t);
            put(" > ");
            put_endpoint(ip + 16, t + 2);
            const char *sep = " ";
            for (int b = 0; b < 6; b++) {
                if (t[13] & (1 << b)) {
                    put(sep);
                    put(names[b]);
                    sep = ",";
                }
            }
        } else {
            put("short ip packet, ");
            put_u(n);
            put(" bytes");
        }
    } else {
        put("frame type 0x");
        put_hex(type, 4);
        put(", ");
        put_u(n);
        put(" bytes");
    }
    end_line();
}

/* Reads and reports frames until the deadline, or until a UDP datagram
 * whose payload is word (if not NULL) arrived: returns 1 then, 0 at the
 * deadline, -1 if the link closed (the other end is gone: a read of 0
 * bytes). */
static int read_until(solo5_time_t deadline, const char *word)
{
    for (;;) {
        size_t n;
        while (solo5_net_read(handle, frame, sizeof(frame), &n) == SOLO5_R_OK) {
            if (n == 0) {
                say("rawframes: the link is closed\n");
                return -1;
            }
            report(frame, n);
            size_t len, wlen = 0;
            const uint8_t *data;
            if (word == NULL || (data = udp_payload(frame, n, &len)) == NULL)
                continue;
            while (word[wlen] != '\0')
                wlen++;
            size_t i = 0;
            while (i < len && i < wlen && data[i] == (uint8_t)word[i])
                i++;
            if (i == len && i == wlen)
                return 1;
        }
        solo5_time_t now = solo5_clock_monotonic();
        if (now >= deadline)
            return 0;
        solo5_handle_set_t ready = 0;
        solo5_yield(deadline, &ready);
    }
}

/* --- the command line -------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The frame in hex at s (len characters) into out; its length, or 0 if it
 * is not an even number of hex digits that fit. */
static size_t parse_hex(const char *s, size_t len, uint8_t *out, size_t room)
{
    if (len == 0 || len % 2 != 0 || len / 2 > room)
        return 0;
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return len / 2;
}

/* A decimal number at s (len characters); -1 if it is none. */
static int64_t parse_number(const char *s, size_t len)
{
    int64_t v = 0;
    if (len == 0 || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int prefix(const char *s, size_t len, const char *p, size_t plen)
{
    if (len < plen)
        return 0;
    for (size_t i = 0; i < plen; i++)
        if (s[i] != p[i])
            return 0;
    return 1;
}

static int bad_argument(const char *s, size_t len)
{
    say("rawframes: bad argument '");
    solo5_console_write(s, len);
    say("'\n");
    return 1;
}

/* A frame the bindings refuse (longer than the MTU allows) goes out with
 * a raw write(2) on the device's host fd (the boot information's manifest
 * entry; the handle is its index). */
static int write_frame(const uint8_t *f, size_t n)
{
    int ok;
    if (n > (size_t)info.mtu + SOLO5_NET_HLEN) {
        const struct mft *mft = guest_boot_info()->mft;
        unsigned long fd = (unsigned long)mft->e[handle].b.hostfd;
        ok =
            raw_syscall6(NR_WRITE, fd, (unsigned long)f, n, 0, 0, 0) == (long)n;
    } else {
        ok = solo5_net_write(handle, f, n) == SOLO5_R_OK;
    }
    if (!ok) {
        say_u64("rawframes: the device did not take a frame of ", n);
        return 2;
    }
    return 0;
}

/* One argument (len characters at s); 0 when done, else the exit status. */
static int run_argument(const char *s, size_t len)
{
    static uint8_t out[FRAME_BYTES];
    static char word[128];
    if (prefix(s, len, "wait=", 5)) {
        int64_t ms = parse_number(s + 5, len - 5);
        if (ms < 0)
            return bad_argument(s, len);
        if (read_until(solo5_clock_monotonic() + (uint64_t)ms * 1000000u,
                       NULL) < 0)
            return 4;
        return 0;
    }
    if (prefix(s, len, "await=", 6)) {
        if (len - 6 == 0 || len - 6 >= sizeof(word))
            return bad_argument(s, len);
        for (size_t i = 6; i < len; i++)
            word[i - 6] = s[i];
        word[len - 6] = '\0';
        int got = read_until(solo5_clock_monotonic() + AWAIT_NS, word);
        if (got == 0) {
            say("rawframes: timeout waiting for '");
            say(word);
            say("'\n");
            return 3;
        }
        return got < 0 ? 4 : 0;
    }
    size_t star = 0;
    while (star < len && s[star] != '*')
        star++;
    int64_t count = 1;
    const char *hex = s;
    size_t hexlen = len;
    if (star < len) {
        count = parse_number(s, star);
        hex = s + star + 1;
        hexlen = len - star - 1;
        if (count < 1 || count > 65535)
            return bad_argument(s, len);
    }
    size_t n = parse_hex(hex, hexlen, out, sizeof(out));
    if (n == 0 || (count > 1 && n < 36))
        return bad_argument(s, len);
    uint16_t port = get16(out + 34);
    for (int64_t i = 0; i < count; i++) {
        uint16_t p = (uint16_t)(port + i);
        out[34] = (uint8_t)(p >> 8);
        out[35] = (uint8_t)p;
        int rc = write_frame(out, n);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    if (solo5_net_acquire("service", &handle, &info) != SOLO5_R_OK) {
        say("rawframes: cannot acquire the net device 'service'\n");
        return 1;
    }
    const char *p = si->cmdline;
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        size_t len = 0;
        while (p[len] != '\0' && p[len] != ' ')
            len++;
        int rc = run_argument(p, len);
        if (rc != 0)
            return rc;
        p += len;
    }
    say("rawframes: done\n");
    return 0;
}
