/*
 * Device types. Each is a module of its own, common/device_NAME.c, holding
 * what the stub and nabla-pack share about it: its manifest type and name,
 * its options and their syntax, its lines of a packed app's --help, and
 * the seccomp rules of a device in use. A module registers itself with
 * DEVICE_TYPE; nothing lists the types: the lookups below walk what the
 * linker collected in the section nabla_device_types. What the stub does
 * to open a device is the stub's own module of the type (stub/NAME.c).
 */
#ifndef NABLA_DEVICE_H
#define NABLA_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"
#include "policy.h"
#include "result.h"

/* One option of a device type, as in "--block:NAME=PATH". */
struct device_option {
    const char *prefix; /* "--block:" */
    const char *value;  /* what follows '=' in messages: "PATH" */
    bool is_path;       /* a file's path, by devopts.h's rules */
    /* The value's syntax, which nabla-pack checks before baking it in:
     * RESULT_ERROR with why. NULL: any value. */
    enum result (*check)(const char *value, struct result_msg *why);
};

#define DEVICE_OPTIONS 3

struct device_type {
    uint32_t mft_type; /* MFT_BLOCK_BASIC, ... */
    const char *name;  /* "BLOCK_BASIC": manifest.json, messages */
    /* options[0] names what a device uses (a disk image, a tap) and must
     * be given; the others are optional settings; unused ones are empty
     * (prefix NULL). */
    struct device_option options[DEVICE_OPTIONS];
    /* Its lines of a packed app's --help: "  OPTION  what it does\n"... */
    const char *usage;
    /* Appends the calls a device of this type in use may make (at most
     * POLICY_DEVICE_RULES rules). */
    enum result (*add_rules)(struct policy *p, const struct mft_entry *e,
                             uint32_t index, struct result_msg *msg);
};

/* Registers the device type `type` (a const struct device_type): a
 * pointer to it in the section nabla_device_types. */
#define DEVICE_TYPE(type)                                                      \
    static const struct device_type *const device_type_entry_##type            \
        __attribute__((used, section("nabla_device_types"))) = &type

/* The i-th device type linked in (in link order), NULL past the last. */
const struct device_type *device_type_at(size_t i);
/* The device type of a manifest type, or NULL (the reserved entry, or no
 * type at all). */
const struct device_type *device_type_of(uint32_t mft_type);
/* The device type called name ("BLOCK_BASIC"), or NULL. */
const struct device_type *device_type_named(const char *name);

/* The rules of the devices of a filled-in manifest that are in use (bit i
 * of in_use: entry i), as each device type has them. */
enum result policy_add_devices(struct policy *p, const struct mft *mft,
                               uint64_t in_use, struct result_msg *msg);

#endif
