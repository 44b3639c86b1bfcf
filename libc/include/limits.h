/*
 * limits.h of nabla's guest libc: the compiler's own (CHAR_BIT, INT_MAX,
 * LLONG_MAX, ...). gcc's limits.h would chain to the system's C library
 * unless a C library's limits.h says it is there: this is ours.
 */
#ifndef NABLA_LIBC_LIMITS_H
#define NABLA_LIBC_LIMITS_H

#define _LIBC_LIMITS_H_ 1
#include_next <limits.h>

#endif
