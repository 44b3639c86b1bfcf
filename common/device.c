/* Finding the device types that registered themselves (device.h). */
#include "device.h"

#include <string.h>

/* The linker's bounds of the section DEVICE_TYPE fills. */
extern const struct device_type *const __start_nabla_device_types[];
extern const struct device_type *const __stop_nabla_device_types[];

const struct device_type *device_type_at(size_t i)
{
    size_t n = (size_t)(__stop_nabla_device_types - __start_nabla_device_types);
    return i < n ? __start_nabla_device_types[i] : NULL;
}

const struct device_type *device_type_of(uint32_t mft_type)
{
    const struct device_type *t;
    for (size_t i = 0; (t = device_type_at(i)) != NULL; i++)
        if (t->mft_type == mft_type)
            return t;
    return NULL;
}

const struct device_type *device_type_named(const char *name)
{
    const struct device_type *t;
    for (size_t i = 0; (t = device_type_at(i)) != NULL; i++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

enum result policy_add_devices(struct policy *p, const struct mft *mft,
                               uint64_t in_use, struct result_msg *msg)
{
    _Static_assert(MFT_MAX_ENTRIES <= 64, "in_use has a bit per entry");
    for (uint32_t i = 1; i < mft->entries && i < MFT_MAX_ENTRIES; i++) {
        const struct mft_entry *e = &mft->e[i];
        const struct device_type *t = device_type_of(e->type);
        if ((in_use >> i & 1) && t != NULL &&
            t->add_rules(p, e, i, msg) != RESULT_OK)
            return RESULT_ERROR;
    }
    return RESULT_OK;
}
