/*
 * lwIP's architecture header for the httpd example: a freestanding x86_64 /
 * aarch64 guest (little-endian, C11, gcc), nabla's guest libc (libc/), no
 * stdio: diagnostics go to the Solo5 console, a failed assertion aborts.
 */
#ifndef HTTPD_ARCH_CC_H
#define HTTPD_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN

/* Byte swapping by the compiler's builtins instead of lwIP's C versions. */
#define lwip_htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define lwip_htonl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))

/* No <inttypes.h> in a freestanding C library: the printf formats of lwIP's
 * types, as nabla's vsnprintf understands them. */
#define LWIP_NO_INTTYPES_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

/* Our libc has ctype.h, limits.h comes from the compiler. */
#define LWIP_NO_CTYPE_H 0
#define LWIP_NO_LIMITS_H 0
#define LWIP_NO_UNISTD_H 1

/* Small fixed-size copies (addresses, headers) inline. */
#define SMEMCPY(dst, src, len) __builtin_memcpy(dst, src, len)

/* platform.c */
void httpd_lwip_diag(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
void httpd_lwip_assert(const char *msg, const char *file, int line)
    __attribute__((noreturn));
uint32_t httpd_rand(void);
/* netif.c */
uint16_t httpd_chksum(const void *data, int len);

#define LWIP_PLATFORM_DIAG(x)                                                  \
    do {                                                                       \
        httpd_lwip_diag x;                                                     \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) httpd_lwip_assert(x, __FILE__, __LINE__)

#define LWIP_RAND() httpd_rand()

#endif
