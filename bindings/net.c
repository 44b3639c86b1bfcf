/* Net devices: one Ethernet frame per read or write on the tap fd. */
#include "bindings.h"
#include <string.h>
#include "sys.h"

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
                                 struct solo5_net_info *info)
{
    solo5_handle_t h;
    const struct mft_entry *e = bindings_mft_lookup(name, MFT_NET_BASIC, &h);

    if (e == NULL || handle == NULL || info == NULL)
        return SOLO5_R_EINVAL;
    *handle = h;
    memcpy(info->mac_address, e->u.net_basic.mac, SOLO5_NET_ALEN);
    info->mtu = e->u.net_basic.mtu;
    return SOLO5_R_OK;
}

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf,
                               size_t size)
{
    const struct mft_entry *e = bindings_mft_get(handle, MFT_NET_BASIC);
    if (e == NULL || size > (size_t)e->u.net_basic.mtu + SOLO5_NET_HLEN)
        return SOLO5_R_EINVAL;
    long n = sys_call3(NABLA_NR_WRITE, e->b.hostfd, (long)buf, (long)size);
    return n == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
                              size_t *read_size)
{
    const struct mft_entry *e = bindings_mft_get(handle, MFT_NET_BASIC);
    if (e == NULL || read_size == NULL ||
        size < (size_t)e->u.net_basic.mtu + SOLO5_NET_HLEN)
        return SOLO5_R_EINVAL;
    long n = sys_call3(NABLA_NR_READ, e->b.hostfd, (long)buf, (long)size);
    if (n == -EAGAIN || n == -EINTR)
        return SOLO5_R_AGAIN;
    if (n < 0)
        return SOLO5_R_EUNSPEC;
    *read_size = (size_t)n;
    return SOLO5_R_OK;
}
