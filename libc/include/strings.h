/* strings.h of nabla's guest libc: case-insensitive comparison (ASCII). */
#ifndef NABLA_LIBC_STRINGS_H
#define NABLA_LIBC_STRINGS_H

#include <stddef.h>

int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);

#endif
