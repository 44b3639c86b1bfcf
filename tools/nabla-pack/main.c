/*
 * nabla-pack: merge the nabla stub, a Solo5 spt unikernel and its manifest
 * into one static, self-running, self-sandboxing executable.
 *
 * This file is the command line: the table of subcommands and packing's
 * options. The rest lives in one folder per stage of the pipeline, each
 * using only those below it (docs/architecture.md):
 *
 *   inspect/  a packed file read back: inspect, verify, extract, query-*
 *   oci/      a packed file as an OCI image layout
 *   pack/     the output: the steps (pack.c), the stub and trampoline
 *             (stub.c), the payload, the ELF laid out (merge.c) and
 *             written (elfwrite.c, also extract's writer)
 *   read/     the inputs, trusting nothing: ELF files, the guest, its
 *             manifest (manifest.json, MFT1 note), packed executables
 *   util/     errors, buffer, files, JSON, command-line conventions
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "devopts.h"
#include "inspect/inspect.h"
#include "mem_option.h"
#include "nabla/version.h"
#include "oci/oci.h"
#include "pack/pack.h"
#include "packed_layout.h"
#include "read/manifest.h"
#include "util/cli.h"
#include "util/util.h"

#define MAX_DEFAULT_OPTIONS 256

static int cmd_gen_manifest(int argc, char **argv);
static int cmd_help(int argc, char **argv);

/* A subcommand: its name, what runs it, and its --help text. */
struct command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the name */
    const char *synopsis;              /* after "nabla-pack NAME " */
    const char *help;                  /* the rest of its --help */
};

static const struct command commands[] = {
    {"inspect", cmd_inspect, "[--json] APP",
     "Prints what the packed executable APP holds, read from the file alone\n"
     "(nothing runs): its name and build ID, stub and ABI versions, the\n"
     "guest's entry point and segments, memory, devices, the defaults baked\n"
     "in (and where each default path leads: next to the executable, as\n"
     "is, or in the state directory), and the seccomp policy in words.\n"
     "\n"
     "options:\n"
     "  --json          the same as one JSON object\n"},
    {"verify", cmd_verify, "APP",
     "Checks APP against the SHA-256 sums that nabla-pack wrote of its\n"
     "payload and segments, as APP --verify does on a host without\n"
     "nabla-pack: prints \"APP: OK (sha256 HEX)\", or one line saying what\n"
     "is incomplete or damaged and exits 1. Stripping changes nothing.\n"},
    {"extract", cmd_extract, "APP -o DIR",
     "Writes the guest ELF of the packed executable APP (DIR/APP.spt) and its\n"
     "manifest (DIR/manifest.json), and prints their names. Packed again\n"
     "with the same defaults, the guest gives the same executable.\n"
     "\n"
     "options:\n"
     "  -o DIR, --output=DIR  the directory (made if it does not exist)\n"},
    {"oci", cmd_oci, "APP [APP] -o DIR [-t TAG]",
     "Writes a reproducible OCI image layout into DIR: one layer with APP as\n"
     "/NAME and the disk images its relative --block: defaults name, and\n"
     "/NAME as the entrypoint, for APP's architecture (amd64 or arm64).\n"
     "Given two APPs, one for each architecture, a multi-architecture\n"
     "image: an image index of the two, under one tag; a container runtime\n"
     "picks its machine's. Adds to an image layout already in DIR.\n"
     "\n"
     "options:\n"
     "  -o DIR, --output=DIR  the image layout directory\n"
     "  -t TAG                the image's tag (default latest)\n"
     "\n"
     "environment:\n"
     "  SOURCE_DATE_EPOCH     the creation time written into the image\n"},
    {"gen-manifest", cmd_gen_manifest, "MANIFEST.json [-o] OUT.c",
     "Writes the C source of the MFT1 note that declares MANIFEST.json's\n"
     "devices, as Solo5's solo5-elftool gen-manifest does; compile it and\n"
     "link it into the unikernel (nabla-cc --manifest does both).\n"
     "\n"
     "options:\n"
     "  -o OUT.c, --output=OUT.c  the C file (or OUT.c alone, as\n"
     "                        solo5-elftool takes it)\n"},
    {"query-manifest", cmd_query_manifest, "BINARY",
     "Prints the devices BINARY declares, as JSON, in the same text as\n"
     "solo5-elftool query-manifest: BINARY is a Solo5 unikernel (its MFT1\n"
     "note) or a packed executable (its payload).\n"},
    {"query-abi", cmd_query_abi, "BINARY",
     "Prints the Solo5 ABI target and version of BINARY, as JSON, in the\n"
     "same text as solo5-elftool query-abi; also for a packed executable.\n"},
    {"help", cmd_help, "[COMMAND]",
     "Prints nabla-pack's usage, or COMMAND's (the same as nabla-pack\n"
     "COMMAND --help).\n"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    fprintf(f, "usage: nabla-pack [OPTIONS] UNIKERNEL [MANIFEST.json] "
               "[-- DEFAULT-ARGS...]\n");
    for (size_t k = 0; k < NCOMMANDS; k++)
        fprintf(f, "       nabla-pack %s %s\n", commands[k].name,
                commands[k].synopsis);
    fprintf(
        f,
        "\n"
        "Packs a Solo5 spt unikernel into one static executable that\n"
        "configures, sandboxes and runs itself. nabla-pack COMMAND --help\n"
        "(or nabla-pack help COMMAND) describes each command.\n"
        "\n"
        "options:\n"
        "  -o OUT, --output=OUT  output file (default: UNIKERNEL's name\n"
        "                  without extension + .nabla); never an input\n"
        "  --name=NAME     the app's name (default: OUT's file name): a "
        "default\n"
        "                  path state:REL is /var/lib/NAME/REL when\n"
        "                  $STATE_DIRECTORY is not set\n"
        "  --mem=MB        default guest memory in MiB (default %llu, at most\n"
        "                  %llu)\n"
        "  --block:NAME=PATH, --block-sector-size:NAME=BYTES,\n"
        "  --net:NAME=TAP|@FD, --net-mac:NAME=HWADDR\n"
        "                  device defaults of the packed executable; a\n"
        "                  relative PATH is resolved against the\n"
        "                  executable's own directory when it runs,\n"
        "                  state:REL against $STATE_DIRECTORY (else\n"
        "                  /var/lib/NAME)\n"
        "  -q, --quiet     no summary line\n"
        "  --stub=PATH     use this stub instead of the built-in one\n"
        "  -h, --help      this text\n"
        "  --version       version\n"
        "\n"
        "The manifest comes from the unikernel's MFT1 note; a\n"
        "MANIFEST.json given as well must declare the same devices.\n"
        "Arguments after -- become the guest's default command line.\n"
        "A file packed already is not a UNIKERNEL: nabla-pack extract gives\n"
        "its guest back.\n"
        "\n"
        "example:\n"
        "  nabla-pack --mem=64 -o hello hello.spt -- world\n"
        "  ./hello            # runs the unikernel with argument 'world'\n"
        "  nabla-pack -o app app.spt --block:storage=disk.img\n"
        "  ./app              # opens disk.img next to ./app\n",
        NABLA_MEM_DEFAULT_MB, (unsigned long long)NABLA_MEM_MAX_MB);
}

static void command_usage(const struct command *c)
{
    printf("usage: nabla-pack %s %s\n\n%s", c->name, c->synopsis, c->help);
}

static const struct command *find_command(const char *name)
{
    for (size_t k = 0; k < NCOMMANDS; k++) {
        if (strcmp(commands[k].name, name) == 0)
            return &commands[k];
    }
    return NULL;
}

/*
 * "unknown command 'inspcet' (did you mean 'inspect'?)"; status 1. Also
 * says that no file of that name exists when it could have been one.
 */
static int unknown_command(const char *name, int could_be_file)
{
    const char *names[NCOMMANDS];

    for (size_t k = 0; k < NCOMMANDS; k++)
        names[k] = commands[k].name;
    const char *near = cli_nearest(name, names, NCOMMANDS);
    if (near != NULL)
        return die("unknown command '%s' (did you mean '%s'?)", name, near);
    return die("unknown command '%s'%s (see nabla-pack help)", name,
               could_be_file ? ", and no file of that name to pack" : "");
}

static int cmd_help(int argc, char **argv)
{
    if (argc == 1) {
        usage(stdout);
        return 0;
    }
    if (argc > 2)
        return die("help: one COMMAND at most (usage: nabla-pack help "
                   "[COMMAND])");
    const struct command *c = find_command(argv[1]);
    if (c == NULL)
        return unknown_command(argv[1], 0);
    command_usage(c);
    return 0;
}

/*
 * A first argument that is neither a command nor a file, and looks like a
 * word rather than a path, was meant as a command: say so, rather than
 * "cannot open".
 */
static int looks_like_command(const char *a)
{
    struct stat st;

    return a[0] != '-' && a[0] != '\0' && strpbrk(a, "/.") == NULL &&
           stat(a, &st) != 0;
}

/* Returns 0, or 1 after one line on stderr that names the limits. */
static int parse_mem(const char *value, uint64_t *mb)
{
    struct result_msg msg;
    if (mem_option_parse(value, "", mb, &msg) != RESULT_OK)
        return die("%s", msg.text);
    return 0;
}

static int is_device_option(const char *a)
{
    struct devopt d;
    struct result_msg why;
    /* Malformed, it is one still: pack.c says what is wrong with it. */
    return devopt_split(a, &d, &why) != RESULT_OK || d.type != NULL;
}

/* "foo/bar.spt" -> "bar.nabla" in the current directory. */
static char *default_output(const char *guest)
{
    const char *base = strrchr(guest, '/');
    base = base ? base + 1 : guest;
    size_t len = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        len = (size_t)(dot - base);
    char *out = malloc(len + 7);
    if (out)
        snprintf(out, len + 7, "%.*s.nabla", (int)len, base);
    return out;
}

static int cmd_gen_manifest(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    char err[512];

    /* "IN -o OUT", or "IN OUT" as solo5-elftool takes them. */
    for (int i = 1; i < argc; i++) {
        int rc = cli_output_option("gen-manifest", argc, argv, &i, &out);
        if (rc < 0)
            return 1;
        if (rc > 0)
            continue;
        if (argv[i][0] == '-')
            return die("gen-manifest: unknown option '%s'", argv[i]);
        else if (in == NULL)
            in = argv[i];
        else if (out == NULL)
            out = argv[i];
        else
            return die("gen-manifest: unexpected argument '%s'", argv[i]);
    }
    if (in == NULL || out == NULL)
        return die("usage: nabla-pack gen-manifest MANIFEST.json [-o] OUT.c");
    if (cli_refuse_overwrite(out, in, "manifest") != 0)
        return 1;
    struct mft *mft = calloc(1, MFT_SIZE(MFT_MAX_ENTRIES));
    if (mft == NULL)
        return die("out of memory");
    int rc = manifest_read_json(in, mft, err, sizeof(err)) != 0 ||
             manifest_write_c(mft, out, err, sizeof(err)) != 0;
    free(mft);
    if (rc)
        return die("%s", err);
    return 0;
}

/* nabla-pack [OPTIONS] UNIKERNEL [MANIFEST.json] [-- DEFAULT-ARGS...] */
static int cmd_pack(int argc, char **argv)
{
    struct pack_request req = {0};
    const char *options[MAX_DEFAULT_OPTIONS];
    char *out_alloc = NULL;
    char err[1024];
    int i;

    req.options = options;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("nabla-pack %s (Solo5 spt ABI version %d)\n", NABLA_VERSION,
                   2);
            return 0;
        }
        int out_rc = cli_output_option("", argc, argv, &i, &req.out_path);
        if (out_rc < 0)
            return 1;
        if (out_rc > 0)
            continue;
        if (strncmp(a, "--mem=", 6) == 0) {
            if (parse_mem(a + 6, &req.mem_mb) != 0)
                return 1;
        } else if (is_device_option(a)) {
            if (req.noptions == MAX_DEFAULT_OPTIONS)
                return die("too many device options");
            options[req.noptions++] = a;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            req.quiet = 1;
        } else if (strncmp(a, "--name=", 7) == 0) {
            req.name = a + 7;
        } else if (strncmp(a, "--stub=", 7) == 0) {
            req.stub_path = a + 7;
        } else if (a[0] == '-' && a[1] != '\0') {
            return die("unknown option '%s' (see nabla-pack --help)", a);
        } else if (req.guest_path == NULL) {
            req.guest_path = a;
        } else if (req.manifest_path == NULL) {
            req.manifest_path = a;
        } else {
            return die("unexpected argument '%s' (default guest arguments go "
                       "after --)",
                       a);
        }
    }
    req.args = (const char *const *)argv + i;
    req.nargs = (size_t)(argc - i);
    if (req.guest_path == NULL) {
        usage(stderr);
        return 1;
    }
    if (req.out_path == NULL) {
        out_alloc = default_output(req.guest_path);
        if (out_alloc == NULL)
            return die("out of memory");
        req.out_path = out_alloc;
    }
    /* Before anything is written: the output replaces its file. */
    int rc =
        cli_refuse_overwrite(req.out_path, req.guest_path, "unikernel") ||
        cli_refuse_overwrite(req.out_path, req.manifest_path, "manifest") ||
        cli_refuse_overwrite(req.out_path, req.stub_path, "stub");
    if (rc == 0 && pack(&req, err, sizeof(err)) != 0)
        rc = die("%s", err);
    free(out_alloc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        const struct command *c = find_command(argv[1]);
        if (c != NULL && cli_wants_help(argc - 1, argv + 1)) {
            command_usage(c);
            return 0;
        }
        if (c != NULL)
            return c->run(argc - 1, argv + 1);
        if (looks_like_command(argv[1]))
            return unknown_command(argv[1], 1);
    }
    return cmd_pack(argc, argv);
}
