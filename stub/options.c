/*
 * Options of a packed executable, spelled as solo5-spt's. The defaults baked
 * in by nabla-pack are parsed first, with the same code, then the command
 * line, whose values override them. The first argument that is not an option
 * (or everything after "--") is the guest's command line; a --solo5: option
 * belongs to the guest's bindings and starts it too. When the command line
 * gives only --solo5: options, the default guest arguments follow them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "mem_option.h"
#include "nabla/version.h"
#include "stub.h"

static const char *source_name(int is_default)
{
    return is_default ? " (default baked in by nabla-pack)" : "";
}

static uint64_t parse_mem(const char *value, int is_default)
{
    uint64_t mb;
    struct result_msg msg;
    if (mem_option_parse(value, source_name(is_default), &mb, &msg) !=
        RESULT_OK)
        stub_die("%s", msg.text);
    return mb;
}

/* A device option: its value, by kind and manifest index. */
static int parse_device(struct stub_config *cfg, const struct mft *mft,
                        const char *arg, int is_default)
{
    struct devopt opt;
    char err[256];

    int rc = devopt_split(arg, &opt, err, sizeof(err));
    if (rc == 0)
        return 0;
    if (rc < 0)
        stub_die("%s%s", err, source_name(is_default));
    int index = devopt_lookup(mft, &opt, err, sizeof(err));
    if (index < 0)
        stub_die("%s%s", err, source_name(is_default));
    const char *rel;
    if (opt.kind == DEVOPT_BLOCK &&
        devopt_state_path(opt.value, &rel, err, sizeof(err)) < 0)
        stub_die("%s%s", err, source_name(is_default));
    struct device_setting *s = &cfg->dev[index][opt.kind];
    /* The command line overrides a default; twice at one level is a typo. */
    if (s->value != NULL && s->from_default == (bool)is_default)
        stub_die("device '%s' given twice: %s%s=...%s", opt.name,
                 devopt_prefix(opt.kind), opt.name, source_name(is_default));
    s->value = opt.value;
    s->from_default = is_default;
    return 1;
}

/* One option; returns 0 if arg is not an option this stub knows. */
static int parse_one(struct stub_config *cfg, const struct mft *mft,
                     const char *arg, int is_default)
{
    if (parse_device(cfg, mft, arg, is_default))
        return 1;
    if (strncmp(arg, "--mem=", 6) == 0) {
        cfg->mem_mb = parse_mem(arg + 6, is_default);
        return 1;
    }
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        cfg->help = true;
        return 1;
    }
    if (strcmp(arg, "--version") == 0) {
        cfg->version = true;
        return 1;
    }
    if (strcmp(arg, "--verify") == 0 && !is_default)
        stub_die("--verify takes no other argument: %s --verify",
                 stub_progname);
    if (strcmp(arg, "--print-policy") == 0 && !is_default) {
        cfg->print_policy = true;
        return 1;
    }
    return 0;
}

static int is_guest_option(const char *arg)
{
    return strncmp(arg, "--solo5:", 8) == 0;
}

void options_parse(struct stub_config *cfg,
                   struct device_setting (*dev)[DEVOPT_KINDS],
                   const struct nabla_payload *p, int argc, char **argv)
{
    const struct mft *mft = payload_mft(p);

    memset(cfg, 0, sizeof(*cfg));
    memset(dev, 0, mft->entries * sizeof(dev[0]));
    cfg->dev = dev;
    cfg->app_name = payload_app_name(p);
    cfg->mem_mb = p->mem_mb ? p->mem_mb : NABLA_MEM_DEFAULT_MB;

    for (uint32_t i = 0; i < p->options_count; i++) {
        const char *opt =
            payload_string(p, p->options_offset, p->options_count, i);
        if (!parse_one(cfg, mft, opt, 1))
            stub_die("unknown default option '%s' baked in by nabla-pack", opt);
    }

    int i = 1;
    int explicit_args = 0;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            explicit_args = 1;
            i++;
            break;
        }
        if (arg[0] != '-' || is_guest_option(arg))
            break;
        if (!parse_one(cfg, mft, arg, 0))
            stub_die("unknown option '%s' (see %s --help)", arg, stub_progname);
    }

    /* The bindings' options (--solo5:quiet) do not replace the default
     * arguments: only other arguments, or "--", do. */
    int first_arg = i;
    while (first_arg < argc && is_guest_option(argv[first_arg]))
        first_arg++;
    if (first_arg < argc || explicit_args || p->args_count == 0) {
        cfg->guest_argc = argc - i;
        cfg->guest_argv = (const char *const *)argv + i;
        return;
    }
    /* No guest arguments on the command line: its --solo5: options, then
     * the packed defaults. Each takes at least two bytes of the command
     * line (a character and a space), so more than this could never fit. */
    static const char *defaults[SPT_CMDLINE_SIZE / 2] STUB_COLD_BSS;
    size_t nopts = (size_t)(argc - i);
    if (p->args_count > SPT_CMDLINE_SIZE / 2)
        stub_die("damaged executable: %u default arguments", p->args_count);
    if (nopts + p->args_count > SPT_CMDLINE_SIZE / 2)
        stub_die("guest command line longer than %d bytes",
                 SPT_CMDLINE_SIZE - 1);
    for (size_t k = 0; k < nopts; k++)
        defaults[k] = argv[i + (int)k];
    for (uint32_t k = 0; k < p->args_count; k++)
        defaults[nopts + k] =
            payload_string(p, p->args_offset, p->args_count, k);
    cfg->guest_argc = (int)(nopts + p->args_count);
    cfg->guest_argv = defaults;
}

/* $STATE_DIRECTORY/REL, its first entry; else /var/lib/APPNAME/REL. */
static const char *resolve_state_path(const struct stub_config *cfg,
                                      const char *rel, char *buf, size_t size)
{
    const char *dir = getenv("STATE_DIRECTORY");
    int n;

    if (dir != NULL && dir[0] != '\0' && dir[0] != ':')
        n = snprintf(buf, size, "%.*s/%s", (int)strcspn(dir, ":"), dir, rel);
    else
        n = snprintf(buf, size, "/var/lib/%s/%s", cfg->app_name, rel);
    if (n < 0 || (size_t)n >= size)
        stub_die("state path too long: %s%s", DEVOPT_STATE_PREFIX, rel);
    return buf;
}

const char *options_resolve_path(const struct stub_config *cfg,
                                 const struct device_setting *s, char *buf,
                                 size_t size)
{
    char exe[4096];
    const char *rel;

    if (devopt_state_path(s->value, &rel, exe, sizeof(exe)) > 0)
        return resolve_state_path(cfg, rel, buf, size);
    if (!s->from_default || s->value[0] == '/')
        return s->value;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0 || (size_t)n >= sizeof(exe) - 1) {
        /* No /proc: fall back to the path the kernel executed. */
        const char *fn = (const char *)getauxval(AT_EXECFN);
        if (fn == NULL || strlen(fn) >= sizeof(exe))
            stub_die("cannot find this executable's directory to resolve "
                     "'%s'",
                     s->value);
        n = (ssize_t)strlen(fn);
        memcpy(exe, fn, (size_t)n);
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return s->value;
    *slash = '\0';
    if ((size_t)snprintf(buf, size, "%s/%s", exe, s->value) >= size)
        stub_die("path too long: %s/%s", exe, s->value);
    return buf;
}

static void print_device_help(const struct mft *mft,
                              const struct stub_config *cfg)
{
    printf("\ndevices of this unikernel (and their defaults):\n");
    if (mft->entries <= 1)
        printf("  (none)\n");
    for (uint32_t i = 1; i < mft->entries; i++) {
        const struct mft_entry *e = &mft->e[i];
        const struct device_type *t = device_type_of(e->type);
        if (t == NULL)
            continue; /* payload_find refused it: cannot happen */
        const struct device_option *o = &t->options[0];
        const struct device_setting *s = &cfg->dev[i][o->kind];
        printf("  %-16s %-12s %s%s=%s%s\n", e->name, t->name, o->prefix,
               e->name, s->from_default ? s->value : o->value,
               s->from_default ? "" : " (no default: required)");
    }
}

/* "  OPTION", and for a disk image path the rule it follows and where it
 * leads in this run. */
static void print_default(const struct stub_config *cfg, const char *opt)
{
    struct devopt d;
    char err[256], buf[4096];

    printf("  %s", opt);
    if (devopt_split(opt, &d, err, sizeof(err)) == 1 &&
        d.kind == DEVOPT_BLOCK) {
        struct device_setting s = {d.value, true};
        enum devopt_path_rule rule = devopt_path_rule(d.value);
        const char *rel;
        printf("\n      (%s", devopt_path_rule_name(rule));
        if (devopt_state_path(d.value, &rel, err, sizeof(err)) == 1)
            printf(": $STATE_DIRECTORY/%s, else /var/lib/%s/%s", rel,
                   cfg->app_name, rel);
        if (rule != DEVOPT_PATH_ABSOLUTE)
            printf("; here: %s",
                   options_resolve_path(cfg, &s, buf, sizeof(buf)));
        printf(")");
    }
    printf("\n");
}

static void print_defaults(const struct nabla_payload *p,
                           const struct stub_config *cfg)
{
    if (p->options_count > 0) {
        printf("\ndefaults baked in at pack time (a disk image path is "
               "next to this\nexecutable, in the state directory "
               "(state:) or absolute):\n");
        for (uint32_t i = 0; i < p->options_count; i++)
            print_default(
                cfg, payload_string(p, p->options_offset, p->options_count, i));
    }
    if (p->args_count > 0) {
        printf("\ndefault guest arguments:");
        for (uint32_t i = 0; i < p->args_count; i++)
            printf(" %s", payload_string(p, p->args_offset, p->args_count, i));
        printf("\n");
    }
}

void options_print_version(void)
{
    printf("nabla stub %s (Solo5 spt ABI version %d, manifest version %d)\n",
           NABLA_VERSION, ABI_SPT_VERSION, MFT_VERSION);
}

void options_print_help(const struct nabla_payload *p,
                        const struct stub_config *cfg)
{
    printf("usage: %s [OPTIONS] [--] [GUEST ARGUMENTS...]\n\n"
           "A unikernel packed by nabla-pack: it configures, sandboxes and\n"
           "runs itself. Options override the defaults baked in at pack "
           "time.\n\n"
           "options:\n"
           "  --mem=MB                        guest memory in MiB (default: "
           "%llu)\n"
           "  --block:NAME=PATH               disk image of block device NAME\n"
           "                                  (state:REL: in the state "
           "directory)\n"
           "  --block-sector-size:NAME=BYTES  its block size (power of two "
           ">= 512,\n"
           "                                  default 512)\n"
           "  --net:NAME=TAP|@FD              tap interface (or open fd) of "
           "net device NAME\n"
           "  --net:NAME=user                 or a user-mode network: no tap, "
           "no privilege\n"
           "  --net-forward:NAME=LIST         its forwarded host ports: "
           "tcp|udp:[ADDR:]PORT:GUESTPORT,...\n"
           "  --net-mac:NAME=HWADDR           its MAC (default: random)\n"
           "  --print-policy                  attach the devices, print the "
           "seccomp policy\n"
           "                                  in words and exit\n"
           "  --verify                        check this file against its "
           "checksums, print\n"
           "                                  OK or what is damaged, and "
           "exit (alone)\n"
           "  --help, --version\n"
           "  --                              end of options; the rest goes "
           "to the guest\n"
           "An argument that is not an option, or one starting with "
           "--solo5:\n"
           "(e.g. --solo5:quiet), starts the guest's arguments; given only "
           "--solo5:\n"
           "options, the guest gets them and its default arguments.\n"
           "Exit status 125: this executable refused to start the guest.\n",
           stub_progname,
           (unsigned long long)(p->mem_mb ? p->mem_mb : NABLA_MEM_DEFAULT_MB));
    print_device_help(payload_mft(p), cfg);
    print_defaults(p, cfg);
    printf("\nexample: %s --mem=64 -- hello world\n", stub_progname);
}
