/*
 * Fuzz harness: the stub's option parser, options_parse() (stub/options.c),
 * with devopts.c and payload_mft() from payload_format.c.
 *
 * Input layout (text-friendly, so that seeds are readable):
 *   byte 0   manifest of the payload: MANIFESTS[b0 % 8]; bit 3 set: the
 *            payload's default --mem is 64 (else 0: the stub's default)
 *   byte 1   number of default options baked in the payload (b1 % 16)
 *   byte 2   number of default guest arguments in the payload (b2 % 16;
 *            0xff: all the strings after the default options, up to 8192 --
 *            more than the stub's limit of SPT_CMDLINE_SIZE / 2)
 *   rest     NUL-separated strings: the default options, then the default
 *            guest arguments, then argv[1..] (at most 64 arguments; argv[0]
 *            is "nabla"). '0' is 0x30, so "100" + strings is "manifest 1, no
 *            defaults".
 * The payload is built as nabla-pack builds it (and payload_find() checks
 * it): header, manifest at an 8-byte aligned offset, then the two string
 * lists and the app name, in one heap block of that size (8-byte aligned); each
 * argument is a heap block of its own, so AddressSanitizer sees any read past
 * one.
 *
 * options_parse returns RESULT_ERROR with one message, or RESULT_OK; it
 * never exits (stub/main.c decides that): options.c is linked without
 * stub_die(), which this harness does not define either.
 * After RESULT_OK, what the stub does next is checked and done: every
 * device value names a manifest entry of a type that has that option and
 * points into an argument or the payload, --mem is in range, the guest's
 * argv is readable; every value passes or fails its option's check (as
 * nabla-pack runs it), sector sizes, MACs, @FDs and port forwards are
 * parsed as block.c, net.c and relay/attach.c do, a default path is
 * resolved, --help prints (to /dev/null).
 */
#include <elf.h>
#include <limits.h>

#include "device_block.h"
#include "device_net.h"
#include "fuzz_util.h"
#include "netforward.h"
#include "stub.h"

#define MAX_ARGS 64
#define MAX_DEFAULT_ARGS 8192

const char *stub_progname = "nabla";

/* --- the manifests of the payload ----------------------------------------- */

struct device {
    const char *name;
    uint32_t type;
};

#define B MFT_BLOCK_BASIC
#define N MFT_NET_BASIC
/* 66 characters: with one more, the longest name a manifest allows. */
#define TAIL66                                                                 \
    "234567890123456789012345678901234567890123456789012345678901234567"
_Static_assert(sizeof("a" TAIL66) == MFT_NAME_SIZE, "longest name");
static const struct device m_none[] = {{NULL, 0}};
static const struct device m_block[] = {{"storage", B}, {NULL, 0}};
static const struct device m_net[] = {{"service", N}, {NULL, 0}};
static const struct device m_both[] = {
    {"storage", B}, {"service", N}, {NULL, 0}};
static const struct device m_prefixes[] = {
    {"a", B}, {"ab", N}, {"abc", B}, {"A", N}, {"storage1", N}, {NULL, 0}};
static const struct device m_long[] = {
    {"a" TAIL66, B}, {"b" TAIL66, N}, {NULL, 0}};
static const struct device m_several[] = {
    {"net0", N}, {"net1", N}, {"disk0", B}, {"disk1", B}, {NULL, 0}};
static const struct device m_max[] = {{"", 0}}; /* 63 devices d1..d63 */
#undef B
#undef N

static const struct device *const MANIFESTS[8] = {
    m_none, m_block, m_net, m_both, m_prefixes, m_long, m_several, m_max};

static uint32_t fill_manifest(struct mft *mft, const struct device *d)
{
    uint32_t n = 1;
    memset(mft, 0, MFT_SIZE(MFT_MAX_ENTRIES));
    mft->version = MFT_VERSION;
    mft->e[0].type = MFT_RESERVED_FIRST;
    if (d == m_max) {
        for (; n < MFT_MAX_ENTRIES; n++) {
            snprintf(mft->e[n].name, MFT_NAME_SIZE, "d%u", n);
            mft->e[n].type = n % 2 ? MFT_BLOCK_BASIC : MFT_NET_BASIC;
        }
    } else {
        for (; d->name != NULL; d++, n++) {
            snprintf(mft->e[n].name, MFT_NAME_SIZE, "%s", d->name);
            mft->e[n].type = d->type;
        }
    }
    mft->entries = n;
    return n;
}

/* --- the input ------------------------------------------------------------ */

struct input {
    const struct device *manifest;
    uint64_t mem_mb;
    uint32_t nopts, nargs;
    size_t nstrings;
    /* Into a NUL-terminated copy of the input. */
    const char *strings[16 + MAX_DEFAULT_ARGS + MAX_ARGS];
};

static int split(const uint8_t *data, size_t size, struct input *in,
                 char **copy)
{
    if (size < 3)
        return -1;
    in->manifest = MANIFESTS[data[0] % 8];
    in->mem_mb = data[0] & 8 ? 64 : 0;
    in->nopts = data[1] % 16;
    in->nargs = data[2] == 0xff ? MAX_DEFAULT_ARGS : data[2] % 16u;
    data += 3;
    size -= 3;
    *copy = malloc(size + 1);
    if (*copy == NULL)
        FUZZ_SETUP_FAIL("malloc");
    memcpy(*copy, data, size);
    (*copy)[size] = '\0';
    const size_t max = sizeof(in->strings) / sizeof(in->strings[0]);
    in->nstrings = 0;
    /* NUL-terminated strings; the last NUL may be left out. */
    for (size_t off = 0; off < size && in->nstrings < max;) {
        const char *s = *copy + off;
        in->strings[in->nstrings++] = s;
        off += strlen(s) + 1;
    }
    if (in->nopts > in->nstrings)
        in->nopts = (uint32_t)in->nstrings;
    if (in->nargs > in->nstrings - in->nopts)
        in->nargs = (uint32_t)(in->nstrings - in->nopts);
    return 0;
}

static size_t list_size(const char *const *s, uint32_t n)
{
    size_t size = 0;
    for (uint32_t i = 0; i < n; i++)
        size += strlen(s[i]) + 1;
    return size;
}

static uint32_t put_list(char *base, uint32_t off, const char *const *s,
                         uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(s[i]) + 1;
        memcpy(base + off, s[i], len);
        off += (uint32_t)len;
    }
    return off;
}

/* The payload, as nabla-pack lays it out, in a block of exactly its size. */
static struct nabla_payload *build_payload(const struct input *in)
{
    static union {
        struct mft mft;
        unsigned char bytes[MFT_SIZE(MFT_MAX_ENTRIES)];
    } m;
    uint32_t entries = fill_manifest(&m.mft, in->manifest);
    const char *const *opts = in->strings;
    const char *const *args = in->strings + in->nopts;

    struct nabla_payload h;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, NABLA_PAYLOAD_MAGIC, sizeof(h.magic));
    h.version = NABLA_PAYLOAD_VERSION;
    h.abi_target = ABI_TARGET_SPT;
    h.abi_version = ABI_SPT_VERSION;
    h.guest_entry = SPT_GUEST_MIN_BASE;
    h.kernel_end = SPT_GUEST_MIN_BASE + SPT_PAGE_SIZE;
    h.mem_mb = in->mem_mb;
    h.mft_offset = (uint32_t)((sizeof(h) + 7) & ~(size_t)7);
    h.mft_size = (uint32_t)MFT_SIZE(entries);
    h.options_offset = h.mft_offset + h.mft_size;
    h.options_size = (uint32_t)list_size(opts, in->nopts);
    h.options_count = in->nopts;
    h.args_offset = h.options_offset + h.options_size;
    h.args_size = (uint32_t)list_size(args, in->nargs);
    h.args_count = in->nargs;
    static const char name[] = "fuzzapp";
    h.name_offset = h.args_offset + h.args_size;
    h.name_size = sizeof(name);
    /* No segment sums: the stub reads none. */
    h.sums_offset = (h.name_offset + h.name_size + 7) & ~7u;

    char *p = malloc(h.sums_offset);
    if (p == NULL)
        FUZZ_SETUP_FAIL("malloc");
    memset(p, 0, h.sums_offset);
    memcpy(p, &h, sizeof(h));
    memcpy(p + h.mft_offset, &m.mft, h.mft_size);
    put_list(p, h.options_offset, opts, in->nopts);
    put_list(p, h.args_offset, args, in->nargs);
    memcpy(p + h.name_offset, name, sizeof(name));
    return (struct nabla_payload *)p;
}

/* --- after options_parse -------------------------------------------------- */

static int inside(const char *s, const char *base, size_t size)
{
    return s >= base && s < base + size;
}

static void check_value(const char *v, const struct nabla_payload *p, int argc,
                        char **argv, bool is_default)
{
    size_t len = strlen(v); /* ASan: terminated inside its block */
    if (is_default) {
        FUZZ_ASSERT(
            inside(v, (const char *)p + p->options_offset, p->options_size),
            "default value '%s' not in the payload's options", v);
        return;
    }
    for (int i = 1; i < argc; i++) {
        size_t alen = strlen(argv[i]);
        if (v >= argv[i] && v + len == argv[i] + alen)
            return;
    }
    FUZZ_ASSERT(0, "value '%s' not the tail of an argument", v);
}

/* A message of common/ (result.h): non-empty and NUL-terminated inside its
 * buffer. It may quote the input's bytes as they are, so any byte but NUL
 * may be in it. */
static bool fuzz_is_message(const struct result_msg *msg)
{
    return msg->text[0] != '\0' &&
           memchr(msg->text, '\0', sizeof(msg->text)) != NULL;
}

/* Port forwards, parsed as stub/relay/attach.c does: what comes back is
 * well-formed and free of duplicates. */
static void check_forwards(const char *value)
{
    struct net_forward f[NET_FORWARD_MAX];
    struct result_msg msg;
    size_t n = 0;
    enum result r = netforward_parse(value, f, NET_FORWARD_MAX, &n, &msg);
    FUZZ_ASSERT(r == RESULT_OK ? n >= 1 && n <= NET_FORWARD_MAX
                               : r == RESULT_ERROR && fuzz_is_message(&msg),
                "result %d, %zu forwards from '%s'", r, n, value);
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(
            (f[i].proto == NET_PROTO_TCP || f[i].proto == NET_PROTO_UDP) &&
                f[i].host_port != 0 && f[i].guest_port != 0,
            "forward %zu from '%s'", i, value);
        for (size_t k = 0; k < i; k++)
            FUZZ_ASSERT(f[k].proto != f[i].proto ||
                            f[k].host_port != f[i].host_port ||
                            (f[k].host_addr != f[i].host_addr &&
                             f[k].host_addr != 0 && f[i].host_addr != 0),
                        "forwards %zu and %zu clash in '%s'", k, i, value);
    }
}

/* A value of option `slot` of type t, as the stub parses it: what the
 * parser accepts is in range, and agrees with the option's check. */
static void check_setting(const struct device_type *t, int slot,
                          const char *value)
{
    struct result_msg why;
    uint16_t sector;
    uint8_t mac[6];
    int fd;
    enum result parsed = RESULT_OK;

    if (t == &device_block && slot == BLOCK_OPT_SECTOR_SIZE) {
        parsed = block_parse_sector_size(value, &sector, &why);
        if (parsed == RESULT_OK)
            FUZZ_ASSERT(sector >= 512 && sector <= 32768 &&
                            (sector & (sector - 1)) == 0,
                        "sector size %u from '%s'", sector, value);
    } else if (t == &device_net && slot == NET_OPT_TAP) {
        parsed = net_parse_fd(value, &fd, &why);
        if (parsed == RESULT_OK)
            FUZZ_ASSERT(fd >= -1 && (fd == -1) == (value[0] != '@'),
                        "fd %d from '%s'", fd, value);
    } else if (t == &device_net && slot == NET_OPT_MAC) {
        parsed = net_parse_mac(value, mac, &why);
        if (parsed == RESULT_OK)
            FUZZ_ASSERT((mac[0] & 1) == 0, "multicast MAC from '%s'", value);
    } else if (t == &device_net && slot == NET_OPT_FORWARD) {
        check_forwards(value);
    }
    FUZZ_ASSERT(parsed == RESULT_OK || fuzz_is_message(&why),
                "no message for '%s'", value);
    const struct device_option *o = &t->options[slot];
    if (o->check != NULL) {
        enum result checked = o->check(value, &why);
        FUZZ_ASSERT(checked == RESULT_OK || fuzz_is_message(&why),
                    "%s check: no message for '%s'", o->prefix, value);
        FUZZ_ASSERT(parsed == RESULT_OK || checked != RESULT_OK,
                    "%s check passes '%s', which its parser refuses", o->prefix,
                    value);
    }
}

static void use_config(const struct stub_config *cfg,
                       const struct nabla_payload *p, int argc, char **argv)
{
    const struct mft *mft = payload_mft(p);
    struct result_msg why;

    FUZZ_ASSERT(cfg->mem_mb >= 1 && cfg->mem_mb <= NABLA_MEM_MAX_MB,
                "mem_mb %llu", (unsigned long long)cfg->mem_mb);
    FUZZ_ASSERT(cfg->guest_argc >= 0 &&
                    (cfg->guest_argc == 0 || cfg->guest_argv != NULL),
                "guest_argc %d", cfg->guest_argc);
    for (int i = 0; i < cfg->guest_argc; i++) {
        FUZZ_ASSERT(cfg->guest_argv[i] != NULL, "guest_argv[%d] NULL", i);
        (void)strlen(cfg->guest_argv[i]);
    }
    for (uint32_t i = 0; i < MFT_MAX_ENTRIES; i++) {
        for (int k = 0; k < DEVICE_OPTIONS; k++) {
            const struct device_setting *s = &cfg->dev[i][k];
            if (s->value == NULL)
                continue;
            const struct device_type *t = i >= 1 && i < mft->entries
                                              ? device_type_of(mft->e[i].type)
                                              : NULL;
            FUZZ_ASSERT(t != NULL && t->options[k].prefix != NULL,
                        "option %d of entry %u (type %#x) has a value", k, i,
                        i < mft->entries ? mft->e[i].type : 0);
            check_value(s->value, p, argc, argv, s->from_default);
            check_setting(t, k, s->value);
            if (t->options[k].is_path) {
                char buf[PATH_MAX];
                const char *path;
                if (options_resolve_path(cfg, s, buf, sizeof(buf), &path,
                                         &why) == RESULT_OK)
                    (void)strlen(path);
                else
                    FUZZ_ASSERT(fuzz_is_message(&why),
                                "no message resolving '%s'", s->value);
            }
        }
    }
    if (cfg->help)
        FUZZ_ASSERT(options_print_help(p, cfg, &why) == RESULT_OK ||
                        fuzz_is_message(&why),
                    "--help failed without a message");
    if (cfg->version)
        options_print_version();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int stdout_closed;
    static struct input in; /* large */
    char *copy;

    if (!stdout_closed) {
        /* --help prints; nobody needs to read it. */
        if (freopen("/dev/null", "w", stdout) == NULL)
            FUZZ_SETUP_FAIL("freopen");
        stdout_closed = 1;
    }
    if (split(data, size, &in, &copy) != 0)
        return 0;

    struct nabla_payload *p = build_payload(&in);

    int argc = 1;
    char *argv[1 + MAX_ARGS + 1];
    argv[0] = strdup("nabla");
    for (size_t i = in.nopts + in.nargs; i < in.nstrings && argc <= MAX_ARGS;
         i++)
        argv[argc++] = strdup(in.strings[i]);
    argv[argc] = NULL;
    for (int i = 0; i < argc; i++) {
        if (argv[i] == NULL)
            FUZZ_SETUP_FAIL("strdup");
    }

    /* dev has room for any manifest, all of it cleared: a value
     * options_parse stored beyond the manifest's entries shows. */
    static struct stub_config cfg;
    static struct device_setting dev[MFT_MAX_ENTRIES][DEVICE_OPTIONS];
    struct result_msg why;
    memset(dev, 0, sizeof(dev));
    enum result rc = options_parse(&cfg, dev, p, argc, argv, &why);
    if (rc == RESULT_OK) {
        FUZZ_SAY("options_parse: ok, mem %llu, %d guest arguments",
                 (unsigned long long)cfg.mem_mb, cfg.guest_argc);
        use_config(&cfg, p, argc, argv);
    } else {
        FUZZ_ASSERT(rc == RESULT_ERROR && fuzz_is_message(&why),
                    "options_parse: result %d without a message", rc);
        FUZZ_SAY("options_parse: %s", why.text);
    }

    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(p);
    free(copy);
    return 0;
}
