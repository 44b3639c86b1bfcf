/*
 * Populating pages that start-up is certain to touch: one system call maps
 * a whole range where touching it would take a page fault per page. On the
 * paravirtualised VMs this was measured on, a fault costs about 16 us and a
 * populate call a few us plus under 1 us a page (bench/start-hello and
 * bench/start-64m measure the start). Failure changes nothing but speed:
 * the pages then fault in as before (kernels before 5.14 lack
 * MADV_POPULATE_READ/WRITE).
 * The result says whether the range is all mapped, for the stack's check.
 */
#include <sys/mman.h>

#include "stub.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static int populate(uintptr_t start, uintptr_t end, int advice)
{
    start &= ~(uintptr_t)(SPT_PAGE_SIZE - 1);
    end = (end + SPT_PAGE_SIZE - 1) & ~(uintptr_t)(SPT_PAGE_SIZE - 1);
    if (start >= end)
        return 0;
    return madvise((void *)start, end - start, advice);
}

int populate_for_write(uintptr_t start, uintptr_t end)
{
    return populate(start, end, MADV_POPULATE_WRITE);
}

int populate_for_read(uintptr_t start, uintptr_t end)
{
    return populate(start, end, MADV_POPULATE_READ);
}
