/* Syntax of device options, shared by the stub and nabla-pack. */
#include "devopts.h"

#include "device.h"

#include <stdio.h>
#include <string.h>

const char *devopt_prefix(enum devopt_kind kind)
{
    return device_option(kind, NULL)->prefix;
}

static const char *type_name(uint32_t type)
{
    const struct device_type *t = device_type_of(type);
    return t != NULL ? t->name : "reserved";
}

int devopt_split(const char *arg, struct devopt *out, char *err, size_t errsz)
{
    for (int k = 0; k < DEVOPT_KINDS; k++) {
        const struct device_type *t;
        const struct device_option *o = device_option((enum devopt_kind)k, &t);
        size_t plen = strlen(o->prefix);
        if (strncmp(arg, o->prefix, plen) != 0)
            continue;
        const char *name = arg + plen;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : 0;
        if (eq == NULL || nlen == 0 || eq[1] == '\0') {
            snprintf(err, errsz, "malformed option '%s': expected %sNAME=%s",
                     arg, o->prefix, o->value);
            return -1;
        }
        if (nlen > MFT_NAME_MAX) {
            snprintf(err, errsz,
                     "device name in '%.80s...' is longer than %d "
                     "characters",
                     arg, MFT_NAME_MAX);
            return -1;
        }
        out->kind = (enum devopt_kind)k;
        out->device_type = t->mft_type;
        memcpy(out->name, name, nlen);
        out->name[nlen] = '\0';
        out->value = eq + 1;
        return 1;
    }
    return 0;
}

int devopt_lookup(const struct mft *mft, const struct devopt *opt, char *err,
                  size_t errsz)
{
    for (uint32_t i = 1; i < mft->entries && i < MFT_MAX_ENTRIES; i++) {
        if (strcmp(mft->e[i].name, opt->name) != 0)
            continue;
        if (mft->e[i].type != opt->device_type) {
            snprintf(err, errsz,
                     "device '%s' is declared as %s, not %s: %s "
                     "does not apply to it",
                     opt->name, type_name(mft->e[i].type),
                     type_name(opt->device_type), devopt_prefix(opt->kind));
            return -1;
        }
        return (int)i;
    }
    snprintf(err, errsz, "not declared in manifest: '%s' (in %s%s=...)",
             opt->name, devopt_prefix(opt->kind), opt->name);
    return -1;
}

int devopt_parse_sector_size(const char *value, uint16_t *out, char *err,
                             size_t errsz)
{
    unsigned long v = 0;
    const char *p = value;

    for (; *p >= '0' && *p <= '9' && v <= 65536; p++)
        v = v * 10 + (unsigned long)(*p - '0');
    if (p == value || *p != '\0' || v < 512 || v > 32768 ||
        (v & (v - 1)) != 0) {
        snprintf(err, errsz,
                 "block sector size '%s' is invalid: it must be "
                 "a power of two from 512 to 32768",
                 value);
        return -1;
    }
    *out = (uint16_t)v;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int devopt_parse_mac(const char *value, uint8_t mac[6], char *err, size_t errsz)
{
    const char *p = value;
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);
        if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':') ||
            (i == 5 && p[2] != '\0'))
            goto bad;
        mac[i] = (uint8_t)(hi << 4 | lo);
        p += 3;
    }
    if (mac[0] & 1) {
        snprintf(err, errsz, "MAC address '%s' is a multicast address", value);
        return -1;
    }
    return 0;
bad:
    snprintf(err, errsz,
             "MAC address '%s' is invalid: expected "
             "xx:xx:xx:xx:xx:xx",
             value);
    return -1;
}

int devopt_parse_fd(const char *value, int *fd, char *err, size_t errsz)
{
    long v = 0;
    const char *p = value + 1;

    if (value[0] != '@')
        return 0;
    for (; *p >= '0' && *p <= '9' && v < 1000000; p++)
        v = v * 10 + (*p - '0');
    if (p == value + 1 || *p != '\0' || v >= 1000000) {
        snprintf(err, errsz,
                 "'%s' is not a file descriptor: expected @FD, "
                 "e.g. @3",
                 value);
        return -1;
    }
    *fd = (int)v;
    return 1;
}

int devopt_state_path(const char *value, const char **rel, char *err,
                      size_t errsz)
{
    size_t plen = strlen(DEVOPT_STATE_PREFIX);
    if (strncmp(value, DEVOPT_STATE_PREFIX, plen) != 0)
        return 0;
    const char *r = value + plen;
    if (r[0] == '\0' || r[0] == '/') {
        snprintf(err, errsz,
                 "invalid path '%s': expected %sREL, REL relative to the "
                 "state directory",
                 value, DEVOPT_STATE_PREFIX);
        return -1;
    }
    /* No ".." component: the path stays inside the state directory. */
    for (const char *c = r; *c != '\0';) {
        size_t len = strcspn(c, "/");
        if (len == 2 && c[0] == '.' && c[1] == '.') {
            snprintf(err, errsz,
                     "invalid path '%s': '..' would leave the state "
                     "directory",
                     value);
            return -1;
        }
        c += len;
        c += *c == '/';
    }
    *rel = r;
    return 1;
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
