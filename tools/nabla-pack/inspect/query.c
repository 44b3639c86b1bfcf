/*
 * nabla-pack query-manifest / query-abi: what Solo5's `solo5-elftool
 * query-manifest` and `query-abi` print, as the same JSON text, for a bare
 * Solo5 unikernel (its notes) and for a packed executable (its payload), so
 * that build systems and orchestrators written for Solo5 can ask nabla's
 * files the same questions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"
#include "read/guest.h"
#include "read/manifest.h"
#include "read/packed.h"
#include "util/cli.h"
#include "util/util.h"

/* What both subcommands need to know of a file. */
struct solo5_facts {
    struct guest g; /* the bare guest's notes, if that is what it is */
    struct packed pk;
    int is_packed;
    uint32_t abi_target, abi_version;
    const struct mft *mft;
};

static void facts_close(struct solo5_facts *f)
{
    if (f->is_packed)
        packed_close(&f->pk);
    guest_free(&f->g);
}

/*
 * A file with Solo5 notes is a bare unikernel; one without is read as a
 * packed executable. Returns 0, or 1 after one line on stderr.
 */
static int facts_open(struct solo5_facts *f, const char *path)
{
    char err[512];

    memset(f, 0, sizeof(*f));
    if (guest_load_notes(&f->g, path, err, sizeof(err)) != 0)
        return die("%s", err);
    if (f->g.nabi > 0 || f->g.nmft > 0) {
        f->abi_target = f->g.abi.abi_target;
        f->abi_version = f->g.abi.abi_version;
        f->mft = f->g.nmft > 0 ? f->g.mft : NULL;
        return 0;
    }
    if (packed_open(&f->pk, path, err, sizeof(err)) != 0) {
        guest_free(&f->g);
        return die("%s: neither a Solo5 unikernel (no ABI1 or MFT1 note) nor "
                   "a packed nabla executable",
                   path);
    }
    f->is_packed = 1;
    f->abi_target = f->pk.payload->abi_target;
    f->abi_version = f->pk.payload->abi_version;
    f->mft = f->pk.mft;
    return 0;
}

/* The one BINARY argument, else NULL after the usage on stderr. */
static const char *binary_path(int argc, char **argv)
{
    const char *path = cli_one_path(argc, argv, NULL);
    if (path == NULL)
        die("usage: nabla-pack %s BINARY", argv[0]);
    return path;
}

int cmd_query_manifest(int argc, char **argv)
{
    const char *path = binary_path(argc, argv);
    struct solo5_facts f;
    char err[512];

    if (path == NULL || facts_open(&f, path) != 0)
        return 1;
    if (f.mft == NULL) {
        facts_close(&f);
        return die("%s: no Solo5 manifest found", path);
    }
    if (!f.is_packed && f.g.nmft > 1)
        fail(err, sizeof(err), "more than one MFT1 note");
    else if (f.is_packed ||
             manifest_check(f.g.mft, f.g.mft_size, err, sizeof(err)) == 0)
        err[0] = '\0';
    if (err[0] != '\0') {
        facts_close(&f);
        return die("%s: manifest validation failed: %s", path, err);
    }
    struct buf text = {0};
    manifest_json(&text, f.mft, MANIFEST_JSON_ELFTOOL);
    facts_close(&f);
    if (text.oom) {
        free(text.data);
        return die("out of memory");
    }
    fwrite(text.data, 1, text.len, stdout);
    free(text.data);
    return 0;
}

int cmd_query_abi(int argc, char **argv)
{
    const char *path = binary_path(argc, argv);
    struct solo5_facts f;

    if (path == NULL || facts_open(&f, path) != 0)
        return 1;
    if (!f.is_packed && f.g.nabi == 0) {
        facts_close(&f);
        return die("%s: no Solo5 ABI information found", path);
    }
    const char *target = guest_abi_target_name(f.abi_target);
    printf("{\n"
           "  \"type\": \"solo5.abi\",\n"
           "  \"target\": \"%s\",\n"
           "  \"version\": %u\n"
           "}\n",
           target ? target : "unknown", f.abi_version);
    facts_close(&f);
    return 0;
}
