/*
 * nabla-pack: merge the nabla stub, a Solo5 spt unikernel and its manifest
 * into one static, self-running, self-sandboxing executable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devopts.h"
#include "inspect.h"
#include "manifest.h"
#include "nabla/packed.h"
#include "nabla/version.h"
#include "pack.h"
#include "util.h"

#define MAX_DEFAULT_OPTIONS 256

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: nabla-pack [OPTIONS] UNIKERNEL [MANIFEST.json] "
        "[-- DEFAULT-ARGS...]\n"
        "       nabla-pack inspect [--json] APP    what APP holds\n"
        "       nabla-pack verify APP              check APP's checksum\n"
        "       nabla-pack extract APP -o DIR      guest ELF + manifest.json\n"
        "       nabla-pack oci APP -o DIR [-t TAG] OCI image of APP + disks\n"
        "       nabla-pack gen-manifest MANIFEST.json [-o] OUT.c\n"
        "       nabla-pack query-manifest BINARY   its devices (JSON)\n"
        "       nabla-pack query-abi BINARY        its Solo5 ABI (JSON)\n"
        "\n"
        "Packs a Solo5 spt unikernel into one static executable that\n"
        "configures, sandboxes and runs itself.\n"
        "\n"
        "options:\n"
        "  -o OUT          output file (default: UNIKERNEL name without "
        "extension + .nabla)\n"
        "  --name=NAME     the app's name (default: OUT's file name): a "
        "default\n"
        "                  path state:REL is /var/lib/NAME/REL when\n"
        "                  $STATE_DIRECTORY is not set\n"
        "  --mem=MB        default guest memory in MiB (default %llu)\n"
        "  --block:NAME=PATH, --block-sector-size:NAME=BYTES,\n"
        "  --net:NAME=TAP|@FD, --net-mac:NAME=HWADDR\n"
        "                  device defaults of the packed executable; a\n"
        "                  relative PATH is resolved against the\n"
        "                  executable's own directory when it runs,\n"
        "                  state:REL against $STATE_DIRECTORY (else\n"
        "                  /var/lib/NAME)\n"
        "  -q, --quiet     no summary line\n"
        "  --stub=PATH     use this stub instead of the built-in one\n"
        "  --help          this text\n"
        "  --version       version\n"
        "\n"
        "The manifest comes from the unikernel's MFT1 note; a\n"
        "MANIFEST.json given as well must declare the same devices.\n"
        "Arguments after -- become the guest's default command line.\n"
        "gen-manifest, query-manifest and query-abi work as Solo5's\n"
        "solo5-elftool; the queries also read a packed executable.\n"
        "\n"
        "example:\n"
        "  nabla-pack --mem=64 -o hello hello.spt -- world\n"
        "  ./hello            # runs the unikernel with argument 'world'\n"
        "  nabla-pack -o app app.spt --block:storage=disk.img\n"
        "  ./app              # opens disk.img next to ./app\n",
        NABLA_MEM_DEFAULT_MB);
}

static int parse_mem(const char *value, uint64_t *mb)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 ||
        v == 0 || v > NABLA_MEM_MAX_MB)
        return -1;
    *mb = v;
    return 0;
}

static int is_device_option(const char *a)
{
    for (int k = 0; k < DEVOPT_KINDS; k++) {
        const char *prefix = devopt_prefix((enum devopt_kind)k);
        if (strncmp(a, prefix, strlen(prefix)) == 0)
            return 1;
    }
    return 0;
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
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc && out == NULL)
            out = argv[++i];
        else if (argv[i][0] == '-')
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

int main(int argc, char **argv)
{
    struct pack_request req = {0};
    const char *options[MAX_DEFAULT_OPTIONS];
    char *out_alloc = NULL;
    char err[1024];
    int i;

    if (argc > 1 && strcmp(argv[1], "gen-manifest") == 0)
        return cmd_gen_manifest(argc, argv);
    if (argc > 1 && strcmp(argv[1], "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "inspect") == 0)
        return cmd_inspect(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "extract") == 0)
        return cmd_extract(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "oci") == 0)
        return cmd_oci(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "query-manifest") == 0)
        return cmd_query_manifest(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "query-abi") == 0)
        return cmd_query_abi(argc - 1, argv + 1);

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
        if (strcmp(a, "-o") == 0) {
            if (i + 1 >= argc)
                return die("-o needs a file name");
            req.out_path = argv[++i];
        } else if (strncmp(a, "--mem=", 6) == 0) {
            if (parse_mem(a + 6, &req.mem_mb) != 0)
                return die("invalid %s: expected a size in MiB", a);
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
    int rc = pack(&req, err, sizeof(err));
    free(out_alloc);
    if (rc != 0)
        return die("%s", err);
    return 0;
}
