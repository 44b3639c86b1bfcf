/*
 * lwIP configuration of the httpd example: no OS (NO_SYS, raw API, one
 * thread driven by the main loop in main.c), IPv4 + ARP + ICMP + TCP over
 * one Ethernet netif (netif.c), static memory only: lwIP's own heap
 * (mem.c, MEM_SIZE bytes) and pools (memp.c), both static arrays.
 *
 * Sized for HTTPD_MAX_CONNS (128) concurrent connections: one tcp_pcb each,
 * the send queue of a connection fits a 64 KiB response in flight, and the
 * shared pools cover well over 32 connections sending at full window.
 */
#ifndef HTTPD_LWIPOPTS_H
#define HTTPD_LWIPOPTS_H

/* --- system ------------------------------------------------------------ */
#define NO_SYS 1
#define LWIP_TIMERS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_SINGLE_NETIF 1
#define LWIP_NETIF_API 0

/* --- memory: static heap and pools, no malloc -------------------------- */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_USE_POOLS 0
#define MEM_ALIGNMENT 8
/* PBUF_RAM pbufs: headers of outgoing segments, copied response headers
 * and generated pages. */
#define MEM_SIZE (2 * 1024 * 1024)

/* The most connections the server holds at once (http.c has as many
 * connection slots as there are pcbs: lwIP never accepts one it could not
 * serve). Connections the server closed wait in TIME-WAIT in the same pool;
 * lwIP reuses the oldest of them when it is empty. */
#define HTTPD_MAX_CONNS 128
#define MEMP_NUM_TCP_PCB HTTPD_MAX_CONNS
#define MEMP_NUM_TCP_PCB_LISTEN 2
#define MEMP_NUM_TCP_SEG 4096
/* PBUF_ROM/PBUF_REF pbufs: the static pages are sent without copying. */
#define MEMP_NUM_PBUF 4096
#define MEMP_NUM_ARP_QUEUE 64
#define MEMP_NUM_RAW_PCB 0
#define MEMP_NUM_UDP_PCB 0
#define MEMP_NUM_REASSDATA 0
#define MEMP_NUM_FRAG_PBUF 0
/* Received frames: one pool pbuf each (netif.c reads straight into it). */
#define PBUF_POOL_SIZE 512
#define PBUF_POOL_BUFSIZE 1536

/* --- protocols ----------------------------------------------------------- */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ETH_PAD_SIZE 0
#define ARP_TABLE_SIZE 32
#define ARP_QUEUEING 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
/* TCP's MSS keeps segments inside one frame: no fragments either way. */
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define IP_DEFAULT_TTL 64

#define LWIP_TCP 1
#define TCP_MSS 1460
/* No window scaling: windows and send buffers are at most 64 KiB. */
#define TCP_WND (16 * TCP_MSS)
#define TCP_SND_BUF (44 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 255
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_CALLBACK_API 1

/* --- checksums: computed in software both ways (a tap has no offload) --- */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1
/* Ours (netif.c): 8 bytes at a time. */
#define LWIP_CHKSUM httpd_chksum

/* --- hooks: TCP initial sequence numbers (RFC 6528), in platform.c ------ */
#define LWIP_HOOK_FILENAME "arch/hooks.h"

/* --- statistics and debugging: our own counters, no lwIP stats --------- */
#define LWIP_STATS 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0

#endif
