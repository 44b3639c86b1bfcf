/*
 * Populating anonymous pages that start-up is certain to write: one system
 * call maps a whole range where writing it would take a page fault per page.
 * On the paravirtualised VMs this was measured on, such a fault costs about
 * 16 us, a populate call a few us plus under 1 us a page (see the README's
 * performance section). Failure changes nothing but speed: the pages then
 * fault in as before (kernels before 5.14 lack MADV_POPULATE_WRITE).
 */
#include <sys/mman.h>

#include "stub.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void populate_for_write(uintptr_t start, uintptr_t end)
{
    start &= ~(uintptr_t)(SPT_PAGE_SIZE - 1);
    end = (end + SPT_PAGE_SIZE - 1) & ~(uintptr_t)(SPT_PAGE_SIZE - 1);
    if (start < end)
        madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}
