/* NET_BASIC: the net device type (device_net.c). */
#ifndef NABLA_DEVICE_NET_H
#define NABLA_DEVICE_NET_H

#include <stdint.h>

#include "device.h"

extern const struct device_type device_net;

/* Its options, by slot (struct device_type's options[]). */
enum {
    NET_OPT_TAP,     /* --net:NAME=TAP|@FD|user */
    NET_OPT_MAC,     /* --net-mac:NAME=HWADDR */
    NET_OPT_FORWARD, /* --net-forward:NAME=LIST (netforward.h) */
};

/* MAC address "xx:xx:xx:xx:xx:xx", unicast. */
enum result net_parse_mac(const char *value, uint8_t mac[6],
                          struct result_msg *why);

/* "@FD": the fd in *fd, or -1 if value is not of that form; RESULT_ERROR
 * if it is but FD is not a number below 1000000. */
enum result net_parse_fd(const char *value, int *fd, struct result_msg *why);

#endif
