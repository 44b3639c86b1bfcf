/*
 * Device options (--block:NAME=PATH, --block-sector-size:NAME=BYTES,
 * --net:NAME=TAP|@FD|user, --net-mac:NAME=HWADDR, --net-forward:NAME=LIST):
 * their syntax, shared by the
 * stub (at run time) and nabla-pack (which checks defaults at pack time).
 * Pure functions: no I/O, no allocation.
 */
#ifndef NABLA_DEVOPTS_H
#define NABLA_DEVOPTS_H

#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"

enum devopt_kind {
    DEVOPT_BLOCK,             /* --block:NAME=PATH */
    DEVOPT_BLOCK_SECTOR_SIZE, /* --block-sector-size:NAME=BYTES */
    DEVOPT_NET,               /* --net:NAME=TAP|@FD|user */
    DEVOPT_NET_MAC,           /* --net-mac:NAME=HWADDR */
    DEVOPT_NET_FORWARD,       /* --net-forward:NAME=LIST (netforward.h) */
    DEVOPT_KINDS
};

struct devopt {
    enum devopt_kind kind;
    uint32_t device_type; /* MFT_BLOCK_BASIC or MFT_NET_BASIC */
    char name[MFT_NAME_SIZE];
    const char *value; /* points into the argument */
};

/* "--block:" etc. for messages. */
const char *devopt_prefix(enum devopt_kind kind);

/*
 * Splits a device option. Returns 1 and fills *out if arg is one, 0 if arg is
 * not a device option at all, -1 with a message in err if it is malformed.
 */
int devopt_split(const char *arg, struct devopt *out, char *err, size_t errsz);

/*
 * The manifest entry index of device name with type type, or -1 with a
 * message in err ("not declared in manifest", or declared with another type).
 */
int devopt_lookup(const struct mft *mft, const struct devopt *opt, char *err,
                  size_t errsz);

/* Block size: a power of two, 512 to 32768 (it is a uint16_t in the ABI). */
int devopt_parse_sector_size(const char *value, uint16_t *out, char *err,
                             size_t errsz);

/* MAC address "xx:xx:xx:xx:xx:xx", unicast. */
int devopt_parse_mac(const char *value, uint8_t mac[6], char *err,
                     size_t errsz);

/* "@FD": returns 1 and the fd, 0 if value is not of that form, -1 if bad. */
int devopt_parse_fd(const char *value, int *fd, char *err, size_t errsz);

/*
 * Paths (--block:NAME=PATH) follow one of three rules:
 *   state:REL  the service's state directory: $STATE_DIRECTORY/REL (its
 *              first entry when systemd gives a colon-separated list), else
 *              /var/lib/APPNAME/REL, APPNAME baked in at pack time;
 *   /PATH      absolute: as it is;
 *   PATH       relative: next to the executable when baked in at pack time
 *              (so that an app and its disk move together), the current
 *              directory when given on the command line.
 */
#define DEVOPT_STATE_PREFIX "state:"

enum devopt_path_rule {
    DEVOPT_PATH_NEXT_TO_EXE,
    DEVOPT_PATH_STATE,
    DEVOPT_PATH_ABSOLUTE,
};

enum devopt_path_rule devopt_path_rule(const char *value);
/* "next to the executable", "state directory", "absolute". */
const char *devopt_path_rule_name(enum devopt_path_rule rule);

/*
 * "state:REL": returns 1 and REL in *rel; 0 if value is not of that form;
 * -1 with a message in err if REL is empty, absolute or has a ".."
 * component.
 */
int devopt_state_path(const char *value, const char **rel, char *err,
                      size_t errsz);

#endif
