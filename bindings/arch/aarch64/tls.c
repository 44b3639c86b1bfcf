/*
 * Thread-local storage for the guest, aarch64 variant I: the thread pointer
 * (tpidr_el0) points to a 16-byte thread control block, and the TLS block
 * follows it at 16 rounded up to the block's alignment, the offset from the
 * thread pointer at which the linker placed the variables. As on x86_64,
 * the word at the thread pointer points to itself. The linker script gives
 * the image of the guest's PT_TLS.
 */
#include "bindings.h"
#include "layout.h"
#include <string.h>

extern char _stdata[], _etdata[], _etbss[];

#define TLS_TCB_SIZE 16

/* Where the TLS block starts, counted from the thread pointer. */
static size_t tls_data_offset(void)
{
    size_t align = bindings_tls_align();
    if (align == 0)
        align = 1;
    return (TLS_TCB_SIZE + align - 1) & ~(align - 1);
}

size_t solo5_tls_size(void)
{
    return tls_data_offset() + (size_t)(_etbss - _stdata);
}

uintptr_t solo5_tls_tp_offset(uintptr_t tls)
{
    return tls;
}

solo5_result_t solo5_tls_init(uintptr_t tls)
{
    if (tls == 0)
        return SOLO5_R_EINVAL;
    size_t tdata = (size_t)(_etdata - _stdata);
    size_t tsize = (size_t)(_etbss - _stdata);
    uintptr_t tp = solo5_tls_tp_offset(tls);
    char *block = (char *)(tp + tls_data_offset());

    memset((void *)tp, 0, tls_data_offset());
    *(uintptr_t *)tp = tp;
    memcpy(block, _stdata, tdata);
    memset(block + tdata, 0, tsize - tdata);
    return SOLO5_R_OK;
}

/* No system call: the thread pointer is a register the guest may write. */
solo5_result_t solo5_set_tls_base(uintptr_t base)
{
    __asm__ volatile("msr tpidr_el0, %0" : : "r"(base) : "memory");
    return SOLO5_R_OK;
}
