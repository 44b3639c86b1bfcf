/*
 * A new connection on the 4-tuple of one in TIME-WAIT (RFC 6191's rule,
 * without timestamps, as Linux servers apply it).
 *
 * The server closes first (HTTP/1.0, errors, idle connections), so its end
 * of each such connection waits in TIME-WAIT for 2 MSL, 120 s in lwIP. The
 * client knows nothing of that and may pick the same source port again well
 * within those 120 s: Linux spreads connections over its ~28,000 ephemeral
 * ports and comes back to one in seconds under load. lwIP 2.1.3 answers a
 * SYN that meets a TIME-WAIT pcb with an ACK, the client answers that with a
 * reset that TIME-WAIT ignores (RFC 1337), and the client's connect() hangs
 * until the pcb expires or is recycled: seen as ab and wrk stalled for 30 s.
 *
 * A SYN whose sequence number lies beyond everything the old connection
 * received cannot be one of its old duplicates, so the old pcb goes and the
 * SYN reaches the listener like any other. Linux's initial sequence numbers
 * (RFC 6528: a keyed hash plus a clock ticking every 64 ns) always lie
 * beyond for a port reused after more than a few microseconds. A SYN that
 * does not is left to lwIP, as before.
 */
#include <stdint.h>
#include <string.h>

#include "httpd.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/tcp.h"

/* The headers are read byte by byte: after the 14-byte Ethernet header the
 * IPv4 addresses are not 4-byte aligned for lwIP's structs. */

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* The TCP checksum of the segment after the IPv4 header at ip, over the
 * pseudo header and the segment. Both sums start at even offsets, so they
 * add up. */
static int tcp_checksum_ok(const uint8_t *ip, size_t ip_hlen, size_t ip_len)
{
    size_t tcp_len = ip_len - ip_hlen;
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = IP_PROTO_TCP;
    pseudo[10] = (uint8_t)(tcp_len >> 8);
    pseudo[11] = (uint8_t)tcp_len;
    uint32_t sum = (uint32_t)httpd_chksum(pseudo, sizeof(pseudo)) +
                   httpd_chksum(ip + ip_hlen, (int)tcp_len);
    sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

void httpd_timewait_reuse(const uint8_t *frame, size_t len)
{
    if (len < SIZEOF_ETH_HDR + IP_HLEN || be16(frame + 12) != ETHTYPE_IP)
        return;
    const uint8_t *ip = frame + SIZEOF_ETH_HDR;
    size_t ip_hlen = (size_t)(ip[0] & 0x0f) * 4;
    size_t ip_len = be16(ip + 2);
    if ((ip[0] >> 4) != 4 || ip_hlen < IP_HLEN || ip[9] != IP_PROTO_TCP ||
        ip_len < ip_hlen + TCP_HLEN || len < SIZEOF_ETH_HDR + ip_len)
        return;
    /* A first fragment carries the header too, but is not worth it. */
    if ((be16(ip + 6) & (IP_MF | IP_OFFMASK)) != 0)
        return;
    const uint8_t *tcp = ip + ip_hlen;
    uint8_t flags = tcp[13];
    if ((flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) != TCP_SYN)
        return;

    ip4_addr_t src, dst;
    memcpy(&src.addr, ip + 12, 4); /* both in network order, as lwIP's */
    memcpy(&dst.addr, ip + 16, 4);
    uint16_t sport = be16(tcp), dport = be16(tcp + 2);
    uint32_t seqno = be32(tcp + 4);

    struct tcp_pcb *pcb = tcp_tw_pcbs;
    while (pcb != NULL &&
           (pcb->remote_port != sport || pcb->local_port != dport ||
            !ip4_addr_cmp(ip_2_ip4(&pcb->remote_ip), &src) ||
            !ip4_addr_cmp(ip_2_ip4(&pcb->local_ip), &dst)))
        pcb = pcb->next;
    /* Only a SYN lwIP will take (a damaged one it drops) that is newer
     * than everything the old connection received. */
    if (pcb == NULL || !tcp_checksum_ok(ip, ip_hlen, ip_len) ||
        !TCP_SEQ_GT(seqno, pcb->rcv_nxt))
        return;
    tcp_abort(pcb); /* frees a TIME-WAIT pcb, sends nothing */
    httpd_stats.time_wait_reused++;
}
