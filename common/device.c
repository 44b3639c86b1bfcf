/* The table of device types (device.h): lookups by type, name and option. */
#include "device.h"

#include <string.h>

static const struct device_type *const types[] = {&device_block, &device_net};

#define NTYPES (sizeof(types) / sizeof(types[0]))

const struct device_type *device_type_of(uint32_t mft_type)
{
    for (size_t i = 0; i < NTYPES; i++)
        if (types[i]->mft_type == mft_type)
            return types[i];
    return NULL;
}

const struct device_type *device_type_named(const char *name)
{
    for (size_t i = 0; i < NTYPES; i++)
        if (strcmp(types[i]->name, name) == 0)
            return types[i];
    return NULL;
}

const struct device_option *device_option(enum devopt_kind kind,
                                          const struct device_type **type)
{
    for (size_t i = 0; i < NTYPES; i++) {
        for (int k = 0; k < DEVICE_OPTIONS; k++) {
            /* A type with fewer options leaves the rest empty. */
            if (types[i]->options[k].prefix == NULL ||
                types[i]->options[k].kind != kind)
                continue;
            if (type != NULL)
                *type = types[i];
            return &types[i]->options[k];
        }
    }
    return NULL;
}
