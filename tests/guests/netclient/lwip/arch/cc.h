/* lwIP's architecture header for the netclient test guest: freestanding,
 * nabla's guest libc, a failed assertion aborts. */
#ifndef NETCLIENT_ARCH_CC_H
#define NETCLIENT_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_NO_INTTYPES_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"
#define LWIP_NO_CTYPE_H 0
#define LWIP_NO_LIMITS_H 0
#define LWIP_NO_UNISTD_H 1

void netclient_assert(const char *msg) __attribute__((noreturn));
uint32_t netclient_rand(void);

#define LWIP_PLATFORM_DIAG(x)                                                  \
    do {                                                                       \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) netclient_assert(x)
#define LWIP_RAND() netclient_rand()

#endif
