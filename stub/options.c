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

/* why, followed by where the option came from. */
static enum result with_source(struct result_msg *why, int is_default)
{
    size_t n = strlen(why->text);
    snprintf(why->text + n, sizeof(why->text) - n, "%s",
             source_name(is_default));
    return RESULT_ERROR;
}

/* A device option: its value, by manifest index and option slot. */
static enum result parse_device(struct stub_config *cfg, const struct mft *mft,
                                const struct devopt *opt, int is_default,
                                struct result_msg *why)
{
    uint32_t index;
    const char *rel;

    if (devopt_lookup(mft, opt, &index, why) != RESULT_OK)
        return with_source(why, is_default);
    if (opt->option->is_path &&
        devopt_state_path(opt->value, &rel, why) != RESULT_OK)
        return with_source(why, is_default);
    struct device_setting *s = &cfg->dev[index][opt->slot];
    /* The command line overrides a default; twice at one level is a typo. */
    if (s->value != NULL && s->from_default == (bool)is_default)
        return result_error(why, "device '%s' given twice: %s%s=...%s",
                            opt->name, opt->option->prefix, opt->name,
                            source_name(is_default));
    s->value = opt->value;
    s->from_default = is_default;
    return RESULT_OK;
}

/* One option; *known is false if arg is not an option this stub knows. */
static enum result parse_one(struct stub_config *cfg, const struct mft *mft,
                             const char *arg, int is_default, bool *known,
                             struct result_msg *why)
{
    struct devopt opt;

    *known = true;
    if (devopt_split(arg, &opt, why) != RESULT_OK)
        return with_source(why, is_default);
    if (opt.type != NULL)
        return parse_device(cfg, mft, &opt, is_default, why);
    if (strncmp(arg, "--mem=", 6) == 0)
        return mem_option_parse(arg + 6, source_name(is_default), &cfg->mem_mb,
                                why);
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        cfg->help = true;
        return RESULT_OK;
    }
    if (strcmp(arg, "--version") == 0) {
        cfg->version = true;
        return RESULT_OK;
    }
    if (strcmp(arg, "--verify") == 0 && !is_default)
        return result_error(why,
                            "--verify takes no other argument: %s --verify",
                            stub_progname);
    if (strcmp(arg, "--print-policy") == 0 && !is_default) {
        cfg->print_policy = true;
        return RESULT_OK;
    }
    if (strcmp(arg, "--no-aslr") == 0 && !is_default) {
        cfg->no_aslr = true;
        return RESULT_OK;
    }
    *known = false;
    return RESULT_OK;
}

static int is_guest_option(const char *arg)
{
    return strncmp(arg, "--solo5:", 8) == 0;
}

enum result options_parse(struct stub_config *cfg,
                          struct device_setting (*dev)[DEVICE_OPTIONS],
                          const struct nabla_payload *p, int argc, char **argv,
                          struct result_msg *why)
{
    const struct mft *mft = payload_mft(p);
    bool known;

    memset(cfg, 0, sizeof(*cfg));
    memset(dev, 0, mft->entries * sizeof(dev[0]));
    cfg->dev = dev;
    cfg->app_name = payload_app_name(p);
    cfg->mem_mb = p->mem_mb ? p->mem_mb : NABLA_MEM_DEFAULT_MB;

    for (uint32_t i = 0; i < p->options_count; i++) {
        const char *opt =
            payload_string(p, p->options_offset, p->options_count, i);
        if (parse_one(cfg, mft, opt, 1, &known, why) != RESULT_OK)
            return RESULT_ERROR;
        if (!known)
            return result_error(
                why, "unknown default option '%s' baked in by nabla-pack", opt);
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
        if (parse_one(cfg, mft, arg, 0, &known, why) != RESULT_OK)
            return RESULT_ERROR;
        if (!known)
            return result_error(why, "unknown option '%s' (see %s --help)", arg,
                                stub_progname);
    }

    /* The bindings' options (--solo5:quiet) do not replace the default
     * arguments: only other arguments, or "--", do. */
    int first_arg = i;
    while (first_arg < argc && is_guest_option(argv[first_arg]))
        first_arg++;
    if (first_arg < argc || explicit_args || p->args_count == 0) {
        cfg->guest_argc = argc - i;
        cfg->guest_argv = (const char *const *)argv + i;
        return RESULT_OK;
    }
    /* No guest arguments on the command line: its --solo5: options, then
     * the packed defaults. Each takes at least two bytes of the command
     * line (a character and a space), so more than this could never fit. */
    static const char *defaults[SPT_CMDLINE_SIZE / 2] STUB_COLD_BSS;
    size_t nopts = (size_t)(argc - i);
    if (p->args_count > SPT_CMDLINE_SIZE / 2)
        return result_error(why, "damaged executable: %u default arguments",
                            p->args_count);
    if (nopts + p->args_count > SPT_CMDLINE_SIZE / 2)
        return result_error(why, "guest command line longer than %d bytes",
                            SPT_CMDLINE_SIZE - 1);
    for (size_t k = 0; k < nopts; k++)
        defaults[k] = argv[i + (int)k];
    for (uint32_t k = 0; k < p->args_count; k++)
        defaults[nopts + k] =
            payload_string(p, p->args_offset, p->args_count, k);
    cfg->guest_argc = (int)(nopts + p->args_count);
    cfg->guest_argv = defaults;
    return RESULT_OK;
}

/* $STATE_DIRECTORY/REL, its first entry; else /var/lib/APPNAME/REL. */
static enum result resolve_state_path(const struct stub_config *cfg,
                                      const char *rel, char *buf, size_t size,
                                      struct result_msg *why)
{
    const char *dir = getenv("STATE_DIRECTORY");
    int n;

    if (dir != NULL && dir[0] != '\0' && dir[0] != ':')
        n = snprintf(buf, size, "%.*s/%s", (int)strcspn(dir, ":"), dir, rel);
    else
        n = snprintf(buf, size, "/var/lib/%s/%s", cfg->app_name, rel);
    if (n < 0 || (size_t)n >= size)
        return result_error(why, "state path too long: %s%s",
                            DEVOPT_STATE_PREFIX, rel);
    return RESULT_OK;
}

enum result options_resolve_path(const struct stub_config *cfg,
                                 const struct device_setting *s, char *buf,
                                 size_t size, const char **path,
                                 struct result_msg *why)
{
    char exe[4096];
    const char *rel;

    *path = s->value;
    /* options_parse has checked a state: path: no error here. */
    if (devopt_state_path(s->value, &rel, why) == RESULT_OK && rel != NULL) {
        *path = buf;
        return resolve_state_path(cfg, rel, buf, size, why);
    }
    if (!s->from_default || s->value[0] == '/')
        return RESULT_OK;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0 || (size_t)n >= sizeof(exe) - 1) {
        /* No /proc: fall back to the path the kernel executed. */
        const char *fn = (const char *)getauxval(AT_EXECFN);
        if (fn == NULL || strlen(fn) >= sizeof(exe))
            return result_error(why,
                                "cannot find this executable's directory to "
                                "resolve '%s'",
                                s->value);
        n = (ssize_t)strlen(fn);
        memcpy(exe, fn, (size_t)n);
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return RESULT_OK;
    *slash = '\0';
    if ((size_t)snprintf(buf, size, "%s/%s", exe, s->value) >= size)
        return result_error(why, "path too long: %s/%s", exe, s->value);
    *path = buf;
    return RESULT_OK;
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
        const struct device_setting *s = &cfg->dev[i][0];
        printf("  %-16s %-12s %s%s=%s%s\n", e->name, t->name, o->prefix,
               e->name, s->from_default ? s->value : o->value,
               s->from_default ? "" : " (no default: required)");
    }
}

/* "  OPTION", and for a disk image path the rule it follows and where it
 * leads in this run. */
static enum result print_default(const struct stub_config *cfg, const char *opt,
                                 struct result_msg *why)
{
    struct devopt d;
    char buf[4096];

    printf("  %s", opt);
    /* A default was checked by options_parse: no error here. */
    if (devopt_split(opt, &d, why) == RESULT_OK && d.type != NULL &&
        d.option->is_path) {
        struct device_setting s = {d.value, true};
        enum devopt_path_rule rule = devopt_path_rule(d.value);
        const char *rel, *path;
        printf("\n      (%s", devopt_path_rule_name(rule));
        if (devopt_state_path(d.value, &rel, why) == RESULT_OK && rel != NULL)
            printf(": $STATE_DIRECTORY/%s, else /var/lib/%s/%s", rel,
                   cfg->app_name, rel);
        if (rule != DEVOPT_PATH_ABSOLUTE) {
            if (options_resolve_path(cfg, &s, buf, sizeof(buf), &path, why) !=
                RESULT_OK)
                return RESULT_ERROR;
            printf("; here: %s", path);
        }
        printf(")");
    }
    printf("\n");
    return RESULT_OK;
}

static enum result print_defaults(const struct nabla_payload *p,
                                  const struct stub_config *cfg,
                                  struct result_msg *why)
{
    if (p->options_count > 0) {
        printf("\ndefaults baked in at pack time (a disk image path is "
               "next to this\nexecutable, in the state directory "
               "(state:) or absolute):\n");
        for (uint32_t i = 0; i < p->options_count; i++) {
            const char *opt =
                payload_string(p, p->options_offset, p->options_count, i);
            if (print_default(cfg, opt, why) != RESULT_OK)
                return RESULT_ERROR;
        }
    }
    if (p->args_count > 0) {
        printf("\ndefault guest arguments:");
        for (uint32_t i = 0; i < p->args_count; i++)
            printf(" %s", payload_string(p, p->args_offset, p->args_count, i));
        printf("\n");
    }
    return RESULT_OK;
}

void options_print_version(void)
{
    printf("nabla stub %s (Solo5 spt ABI version %d, manifest version %d)\n",
           NABLA_VERSION, ABI_SPT_VERSION, MFT_VERSION);
}

enum result options_print_help(const struct nabla_payload *p,
                               const struct stub_config *cfg,
                               struct result_msg *why)
{
    const struct device_type *t;

    printf("usage: %s [OPTIONS] [--] [GUEST ARGUMENTS...]\n\n"
           "A unikernel packed by nabla-pack: it configures, sandboxes and\n"
           "runs itself. Options override the defaults baked in at pack "
           "time.\n\n"
           "options:\n"
           "  --mem=MB                        guest memory in MiB (default: "
           "%llu)\n",
           stub_progname,
           (unsigned long long)(p->mem_mb ? p->mem_mb : NABLA_MEM_DEFAULT_MB));
    for (size_t i = 0; (t = device_type_at(i)) != NULL; i++)
        fputs(t->usage, stdout);
    printf("  --print-policy                  attach the devices, print the "
           "seccomp policy\n"
           "                                  in words and exit\n"
           "  --verify                        check this file against its "
           "checksums, print\n"
           "                                  OK or what is damaged, and "
           "exit (alone)\n"
           "  --no-aslr                       a position-independent guest "
           "at its link\n"
           "                                  addresses, not at a random "
           "one (for debugging)\n"
           "  --help, --version\n"
           "  --                              end of options; the rest goes "
           "to the guest\n"
           "An argument that is not an option, or one starting with "
           "--solo5:\n"
           "(e.g. --solo5:quiet), starts the guest's arguments; given only "
           "--solo5:\n"
           "options, the guest gets them and its default arguments.\n"
           "Exit status 125: this executable refused to start the guest.\n");
    print_device_help(payload_mft(p), cfg);
    if (print_defaults(p, cfg, why) != RESULT_OK)
        return RESULT_ERROR;
    printf("\nexample: %s --mem=64 -- hello world\n", stub_progname);
    return RESULT_OK;
}
