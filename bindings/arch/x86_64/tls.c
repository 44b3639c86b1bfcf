/*
 * Thread-local storage for the guest, x86_64 variant II: the TLS block sits
 * just below the thread pointer, and the word at the thread pointer points
 * to itself. The linker script gives the image of the guest's PT_TLS.
 */
#include "bindings.h"
#include "layout.h"
#include <string.h>
#include "sys.h"

extern char _stdata[], _etdata[], _etbss[];

/* The TLS block below the thread pointer: the PT_TLS memory size rounded up
 * to its alignment, exactly as the linker computed the variables' offsets
 * from the thread pointer. */
static size_t tls_data_size(void)
{
    size_t align = bindings_tls_align();
    size_t size = (size_t)(_etbss - _stdata);
    if (align == 0)
        align = 1;
    return (size + align - 1) & ~(align - 1);
}

size_t solo5_tls_size(void)
{
    return tls_data_size() + sizeof(uintptr_t);
}

uintptr_t solo5_tls_tp_offset(uintptr_t tls)
{
    return tls + tls_data_size();
}

solo5_result_t solo5_tls_init(uintptr_t tls)
{
    if (tls == 0)
        return SOLO5_R_EINVAL;
    size_t tdata = (size_t)(_etdata - _stdata);
    uintptr_t tp = solo5_tls_tp_offset(tls);
    char *block = (char *)(tp - tls_data_size());

    memcpy(block, _stdata, tdata);
    memset(block + tdata, 0, tls_data_size() - tdata);
    *(uintptr_t *)tp = tp;
    return SOLO5_R_OK;
}

solo5_result_t solo5_set_tls_base(uintptr_t base)
{
    long rc = sys_call3(NABLA_NR_ARCH_PRCTL, ARCH_SET_FS, (long)base, 0);
    return rc == 0 ? SOLO5_R_OK : SOLO5_R_EINVAL;
}
