/* Block devices: one block per call, with pread64/pwrite64 on the host fd. */
#include "bindings.h"
#include "sys.h"

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
                                   struct solo5_block_info *info)
{
    solo5_handle_t h;
    const struct mft_entry *e = bindings_mft_lookup(name, MFT_BLOCK_BASIC, &h);

    if (e == NULL || handle == NULL || info == NULL)
        return SOLO5_R_EINVAL;
    *handle = h;
    info->capacity = e->u.block_basic.capacity;
    info->block_size = e->u.block_basic.block_size;
    return SOLO5_R_OK;
}

static const struct mft_entry *block_check(solo5_handle_t handle,
                                           solo5_off_t offset, size_t size)
{
    const struct mft_entry *e = bindings_mft_get(handle, MFT_BLOCK_BASIC);
    if (e == NULL)
        return NULL;
    uint64_t bs = e->u.block_basic.block_size;
    uint64_t cap = e->u.block_basic.capacity;
    /* The block size is a power of two: a mask, not a division. */
    if (size != bs || (offset & (bs - 1)) != 0 || offset > cap - bs)
        return NULL;
    return e;
}

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
                                 const uint8_t *buf, size_t size)
{
    const struct mft_entry *e = block_check(handle, offset, size);
    if (e == NULL)
        return SOLO5_R_EINVAL;
    long n = sys_call4(NABLA_NR_PWRITE64, e->b.hostfd, (long)buf, (long)size,
                       (long)offset);
    return n == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
                                uint8_t *buf, size_t size)
{
    const struct mft_entry *e = block_check(handle, offset, size);
    if (e == NULL)
        return SOLO5_R_EINVAL;
    long n = sys_call4(NABLA_NR_PREAD64, e->b.hostfd, (long)buf, (long)size,
                       (long)offset);
    return n == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}
