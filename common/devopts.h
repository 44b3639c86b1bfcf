/*
 * Device options, "PREFIX" NAME "=" VALUE, as the device types declare
 * them (device.h: --block:NAME=PATH, --net:NAME=TAP|@FD|user, ...): their
 * syntax, shared by the stub (at run time) and nabla-pack (which checks
 * defaults at pack time), and the rules of a path value. Pure functions:
 * no I/O, no allocation.
 */
#ifndef NABLA_DEVOPTS_H
#define NABLA_DEVOPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "nabla/abi.h"
#include "result.h"

struct devopt {
    const struct device_type *type; /* NULL: not a device option */
    unsigned slot;                  /* its option: type->options[slot] */
    const struct device_option *option;
    char name[MFT_NAME_SIZE];
    const char *value; /* points into the argument */
};

/*
 * Splits arg into *out if it starts with a device type's option prefix;
 * out->type is NULL if it does not (RESULT_OK: it is another option).
 * RESULT_ERROR with why if it does but is malformed.
 */
enum result devopt_split(const char *arg, struct devopt *out,
                         struct result_msg *why);

/*
 * The manifest entry index of opt's device in *index; RESULT_ERROR with
 * why if no entry has its name ("not declared in manifest") or the entry
 * has another type.
 */
enum result devopt_lookup(const struct mft *mft, const struct devopt *opt,
                          uint32_t *index, struct result_msg *why);

/* A value that is a decimal number below DEVOPT_DECIMAL_LIMIT, digits
 * only, in *out; false if it is not. */
#define DEVOPT_DECIMAL_LIMIT 1000000
bool devopt_decimal(const char *value, unsigned long *out);

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
 * "state:REL": REL in *rel; *rel is NULL if value is not of that form.
 * RESULT_ERROR with why if REL is empty, absolute or has a ".." component.
 */
enum result devopt_state_path(const char *value, const char **rel,
                              struct result_msg *why);

#endif
