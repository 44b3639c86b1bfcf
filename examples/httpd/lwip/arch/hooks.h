/* lwIP hooks of the httpd example (LWIP_HOOK_FILENAME), in platform.c. */
#ifndef HTTPD_ARCH_HOOKS_H
#define HTTPD_ARCH_HOOKS_H

#include "lwip/ip_addr.h"

/* Initial sequence numbers after RFC 6528: a keyed hash of the connection's
 * addresses and ports plus a 4-microsecond clock. */
u32_t httpd_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
                    const ip_addr_t *remote_ip, u16_t remote_port);
#define LWIP_HOOK_TCP_ISN httpd_tcp_isn

#endif
