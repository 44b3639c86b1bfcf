/*
 * BLOCK_BASIC: a disk image, --block:NAME=PATH and
 * --block-sector-size:NAME=BYTES. A block device in use may pread64 and
 * pwrite64 exactly one block, inside its capacity, on its own fd. The
 * stub's side: stub/block.c.
 */
#include "device_block.h"

#include "devopts.h"

enum result block_parse_sector_size(const char *value, uint16_t *out,
                                    struct result_msg *why)
{
    unsigned long v;

    if (!devopt_decimal(value, &v) || v < 512 || v > 32768 ||
        (v & (v - 1)) != 0)
        return result_error(why,
                            "block sector size '%s' is invalid: it must be "
                            "a power of two from 512 to 32768",
                            value);
    *out = (uint16_t)v;
    return RESULT_OK;
}

static enum result check_path(const char *value, struct result_msg *why)
{
    const char *rel;
    return devopt_state_path(value, &rel, why);
}

static enum result check_sector_size(const char *value, struct result_msg *why)
{
    uint16_t size;
    return block_parse_sector_size(value, &size, why);
}

static enum result add_rules(struct policy *p, const struct mft_entry *e,
                             uint32_t index, struct result_msg *msg)
{
    uint64_t bs = e->u.block_basic.block_size;
    uint64_t last = e->u.block_basic.capacity - bs;
    static const int nrs[] = {NABLA_NR_PREAD64, NABLA_NR_PWRITE64};
    static const char *const names[] = {"pread64", "pwrite64"};
    const struct policy_rule r = {
        .what = e->name,
        .device = index,
        .cond = {
            {0, POLICY_EQ, (uint64_t)e->b.hostfd, "fd", NULL, "the fd of",
             NULL},
            {2, POLICY_EQ, bs, "count", NULL, "the block size of", NULL},
            {3, POLICY_LE, last, "offset", NULL, "the capacity of",
             " - its block size"},
        }};
    _Static_assert(sizeof(nrs) / sizeof(nrs[0]) <= POLICY_DEVICE_RULES,
                   "a block device's rules must fit in POLICY_MAX_RULES");

    return policy_add_calls(p, r, nrs, names, sizeof(nrs) / sizeof(nrs[0]),
                            msg);
}

const struct device_type device_block = {
    .mft_type = MFT_BLOCK_BASIC,
    .name = "BLOCK_BASIC",
    .options =
        {
            [BLOCK_OPT_PATH] = {"--block:", "PATH", true, check_path},
            [BLOCK_OPT_SECTOR_SIZE] = {"--block-sector-size:", "BYTES", false,
                                       check_sector_size},
        },
    .usage = "  --block:NAME=PATH               disk image of block device "
             "NAME\n"
             "                                  (state:REL: in the state "
             "directory)\n"
             "  --block-sector-size:NAME=BYTES  its block size (power of two "
             ">= 512,\n"
             "                                  default 512)\n",
    .add_rules = add_rules,
};
DEVICE_TYPE(device_block);
