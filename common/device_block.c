/*
 * BLOCK_BASIC: a disk image, --block:NAME=PATH and
 * --block-sector-size:NAME=BYTES. An attached block device may pread64 and
 * pwrite64 exactly one block, inside its capacity, on its own fd.
 */
#include "device.h"

static enum result add_rules(struct policy *p, const struct mft_entry *e,
                             uint32_t index, struct result_msg *msg)
{
    uint64_t bs = e->u.block_basic.block_size;
    uint64_t last = e->u.block_basic.capacity - bs;
    static const int nrs[] = {NABLA_NR_PREAD64, NABLA_NR_PWRITE64};
    static const char *const names[] = {"pread64", "pwrite64"};
    struct policy_rule r = {
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

    for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
        r.nr = nrs[i];
        r.name = names[i];
        if (policy_add(p, &r, msg) != RESULT_OK)
            return RESULT_ERROR;
    }
    return RESULT_OK;
}

const struct device_type device_block = {
    .mft_type = MFT_BLOCK_BASIC,
    .name = "BLOCK_BASIC",
    .options = {{DEVOPT_BLOCK, "--block:", "PATH"},
                {DEVOPT_BLOCK_SECTOR_SIZE, "--block-sector-size:", "BYTES"}},
    .add_rules = add_rules,
    .attach = block_attach,
};
