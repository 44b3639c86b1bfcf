/*
 * What lwIP needs from its platform (lwip/arch/cc.h, lwip/arch/hooks.h):
 * time in milliseconds, diagnostics and assertions on the Solo5 console,
 * pseudo-random numbers and TCP initial sequence numbers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "solo5.h"

#include "httpd.h"
#include "lwip/sys.h"
#include "arch/hooks.h"

/* lwIP's clock: milliseconds of the monotonic clock (wraps after 49 days,
 * which lwIP's timer arithmetic allows for). */
u32_t sys_now(void)
{
    return (u32_t)(solo5_clock_monotonic() / 1000000u);
}

void httpd_lwip_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    httpd_vprint(fmt, ap);
    va_end(ap);
}

void httpd_lwip_assert(const char *msg, const char *file, int line)
{
    httpd_print("httpd: lwIP assertion failed: %s (%s:%d)\n", msg, file, line);
    solo5_abort();
}

/* splitmix64's output function: a good 64-bit mixer. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static uint64_t rand_state;
static uint64_t isn_key[2];

/* Solo5 has no entropy source: the wall clock, the monotonic clock (time
 * since the host booted, in ns) and the MAC are what a guest can draw on. */
void httpd_seed(const uint8_t mac[6])
{
    uint64_t m = 0;
    for (int i = 0; i < 6; i++)
        m = m << 8 | mac[i];
    uint64_t s = mix64(solo5_clock_wall() ^ mix64(solo5_clock_monotonic()) ^
                       mix64(m + 0x9e3779b97f4a7c15ull));
    rand_state = s | 1;
    isn_key[0] = mix64(s + 1);
    isn_key[1] = mix64(s + 2 + solo5_clock_monotonic());
}

/* xorshift64*. */
u32_t httpd_rand(void)
{
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return (u32_t)((rand_state * 0x2545f4914f6cdd1dull) >> 32);
}

u32_t httpd_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
                    const ip_addr_t *remote_ip, u16_t remote_port)
{
    uint64_t a = (uint64_t)ip4_addr_get_u32(ip_2_ip4(local_ip)) << 32 |
                 ip4_addr_get_u32(ip_2_ip4(remote_ip));
    uint64_t b = (uint64_t)local_port << 16 | remote_port;
    uint64_t h = mix64(mix64(a ^ isn_key[0]) ^ b ^ isn_key[1]);
    /* M: a clock ticking every 4 microseconds. */
    uint64_t m = solo5_clock_monotonic() / 4000u;
    return (u32_t)(h + m);
}
