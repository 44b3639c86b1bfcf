/* Device lookup in the manifest the stub filled in. A handle is an index. */
#include "bindings.h"
#include <string.h>

const struct mft_entry *bindings_mft_lookup(const char *name, uint32_t type,
                                            solo5_handle_t *handle)
{
    const struct mft *mft = bindings_boot_info->mft;

    if (name == NULL)
        return NULL;
    for (uint32_t i = 1; i < mft->entries && i < MFT_MAX_ENTRIES; i++) {
        const struct mft_entry *e = &mft->e[i];
        if (e->type == type && e->attached && strcmp(e->name, name) == 0) {
            *handle = i;
            return e;
        }
    }
    return NULL;
}

const struct mft_entry *bindings_mft_get(solo5_handle_t handle, uint32_t type)
{
    const struct mft *mft = bindings_boot_info->mft;

    if (handle == 0 || handle >= mft->entries)
        return NULL;
    const struct mft_entry *e = &mft->e[handle];
    if (e->type != type || !e->attached)
        return NULL;
    return e;
}
