/* Syntax of device options, shared by the stub and nabla-pack. */
#include "devopts.h"

#include <string.h>

/* The option whose prefix arg starts with, and its type and slot. */
static const struct device_option *
find_option(const char *arg, const struct device_type **type, unsigned *slot)
{
    const struct device_type *t;
    for (size_t i = 0; (t = device_type_at(i)) != NULL; i++) {
        for (unsigned k = 0; k < DEVICE_OPTIONS; k++) {
            const char *prefix = t->options[k].prefix;
            /* A type with fewer options leaves the rest empty. */
            if (prefix == NULL || strncmp(arg, prefix, strlen(prefix)) != 0)
                continue;
            *type = t;
            *slot = k;
            return &t->options[k];
        }
    }
    return NULL;
}

static const char *type_name(uint32_t type)
{
    const struct device_type *t = device_type_of(type);
    return t != NULL ? t->name : "reserved";
}

/* The longest device name a message shows whole. */
#define DEVOPT_NAME_SHOWN 96

enum result devopt_split(const char *arg, struct devopt *out,
                         struct result_msg *why)
{
    const struct device_option *o = find_option(arg, &out->type, &out->slot);
    if (o == NULL) {
        out->type = NULL;
        return RESULT_OK;
    }
    const char *name = arg + strlen(o->prefix);
    const char *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : 0;
    if (eq == NULL || nlen == 0 || eq[1] == '\0')
        return result_error(why, "malformed option '%s': expected %sNAME=%s",
                            arg, o->prefix, o->value);
    if (nlen > MFT_NAME_MAX) {
        /* The name itself, whole up to a length that fits in one line. */
        int shown = nlen > DEVOPT_NAME_SHOWN ? DEVOPT_NAME_SHOWN : (int)nlen;
        return result_error(why,
                            "device name in %s is %zu characters long, more "
                            "than %d: '%.*s'%s",
                            o->prefix, nlen, MFT_NAME_MAX, shown, name,
                            nlen > (size_t)shown ? " (its start)" : "");
    }
    out->option = o;
    memcpy(out->name, name, nlen);
    out->name[nlen] = '\0';
    out->value = eq + 1;
    return RESULT_OK;
}

enum result devopt_lookup(const struct mft *mft, const struct devopt *opt,
                          uint32_t *index, struct result_msg *why)
{
    for (uint32_t i = 1; i < mft->entries && i < MFT_MAX_ENTRIES; i++) {
        if (strcmp(mft->e[i].name, opt->name) != 0)
            continue;
        if (mft->e[i].type != opt->type->mft_type)
            return result_error(why,
                                "device '%s' is declared as %s, not %s: %s "
                                "does not apply to it",
                                opt->name, type_name(mft->e[i].type),
                                opt->type->name, opt->option->prefix);
        *index = i;
        return RESULT_OK;
    }
    return result_error(why, "not declared in manifest: '%s' (in %s%s=...)",
                        opt->name, opt->option->prefix, opt->name);
}

bool devopt_decimal(const char *value, unsigned long *out)
{
    unsigned long v = 0;
    const char *p = value;

    for (; *p >= '0' && *p <= '9' && v < DEVOPT_DECIMAL_LIMIT; p++)
        v = v * 10 + (unsigned long)(*p - '0');
    if (p == value || *p != '\0' || v >= DEVOPT_DECIMAL_LIMIT)
        return false;
    *out = v;
    return true;
}

enum result devopt_state_path(const char *value, const char **rel,
                              struct result_msg *why)
{
    size_t plen = strlen(DEVOPT_STATE_PREFIX);
    *rel = NULL;
    if (strncmp(value, DEVOPT_STATE_PREFIX, plen) != 0)
        return RESULT_OK;
    const char *r = value + plen;
    if (r[0] == '\0' || r[0] == '/')
        return result_error(why,
                            "invalid path '%s': expected %sREL, REL relative "
                            "to the state directory",
                            value, DEVOPT_STATE_PREFIX);
    /* No ".." component: the path stays inside the state directory. */
    for (const char *c = r; *c != '\0';) {
        size_t len = strcspn(c, "/");
        if (len == 2 && c[0] == '.' && c[1] == '.')
            return result_error(why,
                                "invalid path '%s': '..' would leave the "
                                "state directory",
                                value);
        c += len;
        c += *c == '/';
    }
    *rel = r;
    return RESULT_OK;
}

enum devopt_path_rule devopt_path_rule(const char *value)
{
    if (strncmp(value, DEVOPT_STATE_PREFIX, strlen(DEVOPT_STATE_PREFIX)) == 0)
        return DEVOPT_PATH_STATE;
    return value[0] == '/' ? DEVOPT_PATH_ABSOLUTE : DEVOPT_PATH_NEXT_TO_EXE;
}

const char *devopt_path_rule_name(enum devopt_path_rule rule)
{
    switch (rule) {
    case DEVOPT_PATH_STATE:
        return "state directory";
    case DEVOPT_PATH_ABSOLUTE:
        return "absolute";
    default:
        return "next to the executable";
    }
}
