/*
 * Port forwards of a user-mode net device (--net-forward:NAME=LIST): their
 * syntax, shared by the stub (at run time) and nabla-pack (which checks
 * defaults at pack time). Pure functions: no I/O, no allocation.
 *
 * LIST is one or more forwards separated by commas, each
 *   PROTO:[HOSTADDR:]HOSTPORT:GUESTPORT
 * PROTO is tcp or udp; HOSTADDR an IPv4 address of the host to listen on
 * (default 0.0.0.0: all of them); ports 1 to 65535.
 */
#ifndef NABLA_NETFORWARD_H
#define NABLA_NETFORWARD_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"

/* At most this many forwards per device. */
#define NET_FORWARD_MAX 16

/* IP protocol numbers. */
#define NET_PROTO_TCP 6
#define NET_PROTO_UDP 17

struct net_forward {
    uint8_t proto;      /* NET_PROTO_TCP or NET_PROTO_UDP */
    uint32_t host_addr; /* host byte order; 0: every address */
    uint16_t host_port;
    uint16_t guest_port;
};

/*
 * Parses LIST into out[] (room for max) and their number into *count;
 * RESULT_ERROR with msg naming the bad forward. The same protocol, host
 * address and port twice is refused.
 */
enum result netforward_parse(const char *list, struct net_forward *out,
                             size_t max, size_t *count, struct result_msg *msg);

/* "tcp" or "udp". */
const char *netforward_proto_name(uint8_t proto);

#endif
