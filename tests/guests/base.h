/*
 * Where a test guest's boot pages are: every address of docs/abi.md §3 is
 * guest_base() plus that address. 0 in a fixed guest; in one built as a
 * static PIE (mk/aslr.mk compiles it -fPIE, which defines __PIE__), the
 * slide the stub moved all of guest memory by (docs/abi.md §3.7), found as
 * where its text is less where it was linked.
 */
#ifndef NABLA_TEST_BASE_H
#define NABLA_TEST_BASE_H

#include <stdint.h>

#include "nabla/abi.h"

extern char _stext[];

static inline uintptr_t guest_base(void)
{
#ifdef __PIE__
    return (uintptr_t)_stext - SPT_GUEST_MIN_BASE;
#else
    return 0;
#endif
}

/* The boot information the tender left for the guest. */
static inline const struct spt_boot_info *guest_boot_info(void)
{
    return (const struct spt_boot_info *)(guest_base() + SPT_BOOT_INFO_BASE);
}

#endif
