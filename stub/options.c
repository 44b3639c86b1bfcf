/*
 * Options of a packed executable, spelled as solo5-spt's. The defaults baked
 * in by nabla-pack are parsed first, with the same code, then the command
 * line, whose values override them. The first argument that is not an option
 * (or everything after "--") is the guest's command line; a --solo5: option
 * belongs to the guest's bindings and starts it too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/version.h"
#include "stub.h"

static const char *source_name(int is_default)
{
    return is_default ? " (default baked in by nabla-pack)" : "";
}

static uint64_t parse_mem(const char *value, int is_default)
{
    char *end;
    errno = 0;
    unsigned long long mb = strtoull(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 ||
        mb == 0 || mb > NABLA_MEM_MAX_MB)
        stub_die("invalid --mem=%s%s: expected a size in MiB, 1 to %llu",
                 value, source_name(is_default), NABLA_MEM_MAX_MB);
    return mb;
}

/* One option; returns 0 if arg is not an option this stub knows. */
static int parse_one(struct stub_config *cfg, const char *arg, int is_default)
{
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
    return 0;
}

static int is_guest_option(const char *arg)
{
    return strncmp(arg, "--solo5:", 8) == 0;
}

void options_parse(struct stub_config *cfg, const struct nabla_payload *p,
                   int argc, char **argv)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->mem_mb = p->mem_mb ? p->mem_mb : NABLA_MEM_DEFAULT_MB;

    for (uint32_t i = 0; i < p->options_count; i++) {
        const char *opt = payload_string(p, p->options_offset,
                                         p->options_size, p->options_count, i);
        if (!parse_one(cfg, opt, 1))
            stub_die("unknown default option '%s' baked in by nabla-pack",
                     opt);
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
        if (!parse_one(cfg, arg, 0))
            stub_die("unknown option '%s' (see %s --help)", arg,
                     stub_progname);
    }

    if (i < argc || explicit_args) {
        cfg->guest_argc = argc - i;
        cfg->guest_argv = (const char *const *)argv + i;
        return;
    }
    /* No guest arguments on the command line: use the packed defaults. */
    static const char *defaults[SPT_CMDLINE_SIZE / 2];
    for (uint32_t k = 0; k < p->args_count && k < SPT_CMDLINE_SIZE / 2; k++)
        defaults[k] = payload_string(p, p->args_offset, p->args_size,
                                     p->args_count, k);
    cfg->guest_argc = (int)p->args_count;
    cfg->guest_argv = defaults;
}

void options_print_version(void)
{
    printf("nabla stub %s (Solo5 spt ABI version %d, manifest version %d)\n",
           NABLA_VERSION, ABI_SPT_VERSION, MFT_VERSION);
}

void options_print_help(const struct nabla_payload *p)
{
    printf("usage: %s [OPTIONS] [--] [GUEST ARGUMENTS...]\n\n"
           "A unikernel packed by nabla-pack: it configures, sandboxes and\n"
           "runs itself. Options override the defaults baked in at pack "
           "time.\n\n"
           "options:\n"
           "  --mem=MB        guest memory in MiB (default: %llu)\n"
           "  --help          this text\n"
           "  --version       stub version and ABI\n"
           "  --              end of options; the rest goes to the guest\n\n"
           "The first argument that is not an option, or one starting with\n"
           "--solo5: (e.g. --solo5:quiet), starts the guest's arguments.\n",
           stub_progname,
           (unsigned long long)(p->mem_mb ? p->mem_mb : NABLA_MEM_DEFAULT_MB));
    if (p->args_count > 0) {
        printf("\ndefault guest arguments:");
        for (uint32_t i = 0; i < p->args_count; i++)
            printf(" %s", payload_string(p, p->args_offset, p->args_size,
                                         p->args_count, i));
        printf("\n");
    }
}
