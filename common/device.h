/*
 * The device types of the manifest, one table entry each: everything that
 * differs between a block and a net device — its name, its options, the
 * seccomp rules of an attached device (with the words that describe them)
 * and the stub's function that attaches it. One module per type:
 * common/device_block.c and common/device_net.c; the attach functions are
 * the stub's (stub/block.c, stub/net.c).
 */
#ifndef NABLA_DEVICE_H
#define NABLA_DEVICE_H

#include <stdint.h>

#include "devopts.h"
#include "nabla/abi.h"
#include "policy.h"

struct stub_config;

/* Opens what the options name for entry e (manifest index `index`) and
 * fills in the entry, or exits with one line saying why not. */
typedef void device_attach_fn(struct mft_entry *e, uint32_t index,
                              const struct stub_config *cfg, int epollfd);

/* One option of a device type, as in "--block:NAME=PATH". */
struct device_option {
    enum devopt_kind kind;
    const char *prefix; /* "--block:" */
    const char *value;  /* what follows '=' in messages: "PATH" */
};

#define DEVICE_OPTIONS 3

struct device_type {
    uint32_t mft_type; /* MFT_BLOCK_BASIC, ... */
    const char *name;  /* "BLOCK_BASIC": manifest.json, messages */
    /* options[0] attaches a device; the others are optional settings. */
    struct device_option options[DEVICE_OPTIONS];
    /* Appends the calls an attached device of this type may make (at most
     * POLICY_DEVICE_RULES rules). */
    enum result (*add_rules)(struct policy *p, const struct mft_entry *e,
                             uint32_t index, struct result_msg *msg);
    /* The stub's; NULL in nabla-pack, which never attaches a device. */
    device_attach_fn *attach;
};

/*
 * The stub defines these (stub/block.c, stub/net.c); nabla-pack links the
 * same table without them. Weak references: there, they are NULL.
 */
device_attach_fn block_attach __attribute__((weak));
device_attach_fn net_attach __attribute__((weak));

extern const struct device_type device_block, device_net;

/* The device type of a manifest type, or NULL (the reserved entry, or no
 * type at all). */
const struct device_type *device_type_of(uint32_t mft_type);
/* The device type called name ("BLOCK_BASIC"), or NULL. */
const struct device_type *device_type_named(const char *name);
/* The option of kind `kind`, and (if type is not NULL) its device type. */
const struct device_option *device_option(enum devopt_kind kind,
                                          const struct device_type **type);

#endif
