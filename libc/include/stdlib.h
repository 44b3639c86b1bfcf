/*
 * stdlib.h of nabla's guest libc: number conversion and abs. No allocator:
 * a guest manages its own heap (solo5_start_info.heap_start/heap_size).
 */
#ifndef NABLA_LIBC_STDLIB_H
#define NABLA_LIBC_STDLIB_H

#include <stddef.h>

#ifndef NULL
#define NULL ((void *)0)
#endif

int atoi(const char *s);
long atol(const char *s);
long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end,
                            int base);
int abs(int v);
long labs(long v);

#endif
