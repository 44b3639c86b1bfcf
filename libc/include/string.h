/*
 * string.h of nabla's tiny freestanding C library for guests (libc/).
 *
 * memcpy, memmove, memset, memcmp, strlen and strcmp are in libc/mem.c,
 * the rest in libc/string.c; both in build/libc/libc.a.
 */
#ifndef NABLA_LIBC_STRING_H
#define NABLA_LIBC_STRING_H

#include <stddef.h>

/* libc/mem.c */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* In libc/string.c. */
void *memchr(const void *s, int c, size_t n);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strnlen(const char *s, size_t maxlen);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);

#endif
