/*
 * The Solo5 net device as an lwIP Ethernet netif: one frame per
 * solo5_net_read / solo5_net_write, MAC and MTU from solo5_net_info.
 *
 * Received frames are read straight into a pool pbuf when one can hold a
 * whole frame (MTU up to 1500 + 14), else into a buffer and copied. Frames
 * to send are written from the pbuf when it is one piece, else gathered.
 */
#include <string.h>

#include "solo5.h"

#include "httpd.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

/* The largest frame: the largest MTU a tap can have (65535) + header. */
#define FRAME_MAX (65535 + SOLO5_NET_HLEN)

static solo5_handle_t handle;
static struct solo5_net_info info;
static size_t frame_len;   /* mtu + Ethernet header */
static int direct;         /* frames fit in one pool pbuf */
static struct pbuf *spare; /* a pool pbuf left over from the last read */
static uint8_t rx_frame[FRAME_MAX];
static uint8_t tx_frame[FRAME_MAX];

int httpd_netif_acquire(const char *name, uint8_t mac[6], size_t *mtu)
{
    if (solo5_net_acquire(name, &handle, &info) != SOLO5_R_OK)
        return -1;
    memcpy(mac, info.mac_address, SOLO5_NET_ALEN);
    *mtu = info.mtu;
    return 0;
}

uint64_t httpd_netif_handle(void)
{
    return handle;
}

static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
    const uint8_t *frame = p->payload;
    size_t len = p->tot_len;

    (void)nif;
    if (p->next != NULL) {
        if (len > sizeof(tx_frame))
            return ERR_BUF;
        pbuf_copy_partial(p, tx_frame, p->tot_len, 0);
        frame = tx_frame;
    }
    if (solo5_net_write(handle, frame, len) != SOLO5_R_OK) {
        httpd_stats.tx_errors++;
        return ERR_IF;
    }
    httpd_stats.frames_out++;
    httpd_stats.bytes_out += len;
    return ERR_OK;
}

err_t httpd_netif_init(struct netif *nif)
{
    nif->name[0] = 's';
    nif->name[1] = 'v';
    nif->output = etharp_output;
    nif->linkoutput = linkoutput;
    nif->mtu = (u16_t)(info.mtu > 0xffff ? 0xffff : info.mtu);
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, info.mac_address, ETH_HWADDR_LEN);
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    frame_len = info.mtu + SOLO5_NET_HLEN;
    direct = frame_len <= PBUF_POOL_BUFSIZE;
    return ERR_OK;
}

/* Reads one frame into a pbuf: 1 and *out on success, 0 when nothing is
 * waiting (or the device failed), -1 when a frame had to be dropped. */
static int read_frame(struct pbuf **out)
{
    size_t n;
    struct pbuf *p;

    if (direct) {
        p = spare != NULL ? spare
                          : pbuf_alloc(PBUF_RAW, (u16_t)frame_len, PBUF_POOL);
        spare = NULL;
        if (p != NULL) {
            if (solo5_net_read(handle, p->payload, frame_len, &n) !=
                SOLO5_R_OK) {
                spare = p;
                return 0;
            }
            pbuf_realloc(p, (u16_t)n);
            *out = p;
            return 1;
        }
    }
    /* Into the buffer: larger frames, or no pool pbuf to read into. */
    if (solo5_net_read(handle, rx_frame, frame_len, &n) != SOLO5_R_OK)
        return 0;
    p = n <= 0xffff ? pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL) : NULL;
    if (p == NULL) {
        httpd_stats.frames_in++;
        httpd_stats.bytes_in += n;
        httpd_stats.frames_dropped++;
        return -1;
    }
    pbuf_take(p, rx_frame, (u16_t)n);
    *out = p;
    return 1;
}

void httpd_netif_drain(struct netif *nif)
{
    for (;;) {
        struct pbuf *p = NULL;
        int rc = read_frame(&p);
        if (rc == 0)
            return;
        if (rc < 0)
            continue;
        httpd_stats.frames_in++;
        httpd_stats.bytes_in += p->tot_len;
        httpd_timewait_reuse(p->payload, p->len);
        if (nif->input(p, nif) != ERR_OK)
            pbuf_free(p);
    }
}

/*
 * The Internet checksum for lwIP (LWIP_CHKSUM): the ones' complement sum of
 * the data as 16-bit words, byte order as lwIP's own version returns it
 * (words loaded in host order, a last odd byte as the low byte). 32-bit
 * words summed in 64 bits give the same sum once folded.
 */
uint16_t httpd_chksum(const void *data, int len)
{
    const uint8_t *p = data;
    size_t n = len > 0 ? (size_t)len : 0;
    uint64_t sum = 0;

    while (n >= 16) {
        uint64_t a, b;
        __builtin_memcpy(&a, p, 8);
        __builtin_memcpy(&b, p + 8, 8);
        sum += (a & 0xffffffffu) + (a >> 32) + (b & 0xffffffffu) + (b >> 32);
        p += 16;
        n -= 16;
    }
    while (n >= 4) {
        uint32_t w;
        __builtin_memcpy(&w, p, 4);
        sum += w;
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        uint16_t w;
        __builtin_memcpy(&w, p, 2);
        sum += w;
        p += 2;
        n -= 2;
    }
    if (n)
        sum += *p;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}
