/*
 * lwIP's architecture header for the user-mode network relay: the stub's
 * musl, x86_64 or aarch64 (both little-endian), gcc. A failed assertion
 * ends the relay with a message (relay.c); lwIP's diagnostics are not
 * compiled in.
 */
#ifndef RELAY_ARCH_CC_H
#define RELAY_ARCH_CC_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_NO_UNISTD_H 1

#define lwip_htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define lwip_htonl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))

#define SMEMCPY(dst, src, len) __builtin_memcpy(dst, src, len)

/* relay.c */
void relay_lwip_assert(const char *msg, const char *file, int line)
    __attribute__((noreturn));
uint32_t relay_rand(void);
/* arena.c */
void *relay_arena_alloc(size_t size);
void *relay_arena_calloc(size_t n, size_t size);
void relay_arena_free(void *p);

#define LWIP_PLATFORM_DIAG(x)                                                  \
    do {                                                                       \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) relay_lwip_assert(x, __FILE__, __LINE__)

#define LWIP_RAND() relay_rand()

#endif
