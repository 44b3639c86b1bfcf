/*
 * lwIP configuration of the user-mode network relay (stub/relay/): no OS
 * (NO_SYS, raw API, one thread driven by the relay's event loop), IPv4 +
 * ICMP + TCP only. The relay does Ethernet, ARP and UDP itself (link.c,
 * udp.c): lwIP sees IPv4 packets and terminates the guest's TCP
 * connections, one netif per address the guest talks to (link.c).
 *
 * Memory: every lwIP allocation (heap and pools) comes from the relay's
 * arena (arena.c), mapped once before the relay's filter is loaded, so the
 * stub itself carries no lwIP buffers.
 */
#ifndef RELAY_LWIPOPTS_H
#define RELAY_LWIPOPTS_H

/* --- system ------------------------------------------------------------ */
#define NO_SYS 1
#define LWIP_TIMERS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_SINGLE_NETIF 0
#define LWIP_NETIF_API 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_HAVE_LOOPIF 0
#define LWIP_NUM_NETIF_CLIENT_DATA 0

/* --- memory: the arena, no static heap or pools ----------------------- */
#define MEM_LIBC_MALLOC 1
#define mem_clib_malloc relay_arena_alloc
#define mem_clib_calloc relay_arena_calloc
#define mem_clib_free relay_arena_free
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
/* Received frames are read into pool pbufs of this size (a whole frame). */
#define PBUF_POOL_BUFSIZE 1536

/* --- protocols ----------------------------------------------------------- */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 0
#define LWIP_ETHERNET 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
/* TCP's MSS keeps segments inside one frame; link.c drops fragments. */
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define IP_FORWARD 0
#define IP_DEFAULT_TTL 64

#define LWIP_TCP 1
#define TCP_MSS 1460
/* No window scaling: windows and send buffers just under 64 KiB. */
#define TCP_WND (44 * TCP_MSS)
#define TCP_SND_BUF (44 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
/* The link to the guest is a socket pair: nothing is reordered. */
#define TCP_QUEUE_OOSEQ 0
#define TCP_LISTEN_BACKLOG 0
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_TCP_SACK_OUT 0
#define LWIP_CALLBACK_API 1
/* Nothing is lost or delayed between the relay and the guest: TIME-WAIT
 * (2 MSL) of the relay's own closed connections need not last minutes,
 * and ports are not held up by it. */
#define TCP_MSL 1000UL

/* --- checksums: the guest's are checked, as a tap's kernel would -------- */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1

/* --- statistics and debugging ------------------------------------------ */
#define LWIP_STATS 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0

#endif
