/*
 * Where the link and the tender put what the bindings read. In a fixed
 * guest: at the addresses of docs/abi.md §3 and the link's absolute
 * symbols. In a position-independent one (compiled -fPIE, which defines
 * __PIE__, and linked with linker/guest-pie.ld), the loader moves the
 * guest's segments, boot pages and stack together by one slide (docs/abi.md
 * §3.7): what lies at a fixed address in a fixed guest is found relative to
 * the guest's own text instead, and no absolute symbol may be used, since
 * code reaches every symbol relative to itself. The fixed build compiles to
 * what it always did.
 */
#ifndef NABLA_BINDINGS_LAYOUT_H
#define NABLA_BINDINGS_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"

/* The first byte of the guest's text: SPT_GUEST_MIN_BASE plus the slide. */
extern char _stext[];

/* The stub's boot extension, right after the boot information. */
static inline const struct nabla_boot_ext *bindings_boot_ext(void)
{
#ifdef __PIE__
    return (const struct nabla_boot_ext *)((uintptr_t)_stext -
                                           SPT_GUEST_MIN_BASE +
                                           NABLA_BOOT_EXT_BASE);
#else
    return (const struct nabla_boot_ext *)NABLA_BOOT_EXT_BASE;
#endif
}

/* Where the guest's segments start. */
static inline uintptr_t bindings_image_start(void)
{
#ifdef __PIE__
    return (uintptr_t)_stext;
#else
    return SPT_GUEST_MIN_BASE;
#endif
}

/* The alignment of the guest's TLS block: in guest.ld an absolute symbol
 * whose address is the value; guest-pie.ld gives it as the distance from
 * the TLS image's start to a symbol placed that far after it. */
#ifdef __PIE__
extern char _stdata[], _tls_align_end[];
static inline size_t bindings_tls_align(void)
{
    return (size_t)(_tls_align_end - _stdata);
}
#else
extern char _tls_align[];
static inline size_t bindings_tls_align(void)
{
    return (size_t)(uintptr_t)_tls_align;
}
#endif

#endif
