/*
 * netecho2: the netecho example serving two net devices at once,
 * "service" and "service2" (see netecho2.json). Command line: "IPV4 IPV4".
 */
#define NETECHO_DEVICES 2
#include "../../examples/netecho/netecho.c"
