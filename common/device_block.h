/* BLOCK_BASIC: the block device type (device_block.c). */
#ifndef NABLA_DEVICE_BLOCK_H
#define NABLA_DEVICE_BLOCK_H

#include <stdint.h>

#include "device.h"

extern const struct device_type device_block;

/* Its options, by slot (struct device_type's options[]). */
enum {
    BLOCK_OPT_PATH,        /* --block:NAME=PATH */
    BLOCK_OPT_SECTOR_SIZE, /* --block-sector-size:NAME=BYTES */
};

/* Block size: a power of two, 512 to 32768 (it is a uint16_t in the ABI). */
enum result block_parse_sector_size(const char *value, uint16_t *out,
                                    struct result_msg *why);

#endif
