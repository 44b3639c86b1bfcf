/*
 * Fuzz harness: nabla-pack's two manifest readers, on the same input.
 *
 *   1. manifest_read_json(): the input is a manifest.json, written to a
 *      memfd and read through its path. An accepted manifest must also pass
 *      manifest_check() (the JSON reader and the binary checker agree).
 *   2. manifest_check(): the input is an MFT1 note descriptor (descsz = the
 *      input size), checked once from an 8-byte aligned copy and once from a
 *      copy at an odd address (manifest.h: the descriptor "may sit at any
 *      alignment"); both verdicts and messages must be the same.
 * Each copy is a heap block of exactly the input size, so AddressSanitizer
 * sees any read past it. Messages must be one printable line.
 */
#include "fuzz_util.h"
#include "read/manifest.h"

static struct fuzz_file file;

static void fuzz_json(const uint8_t *data, size_t size)
{
    static struct mft *out;
    char err[512] = "";

    if (out == NULL) {
        out = malloc(MFT_SIZE(MFT_MAX_ENTRIES));
        if (out == NULL)
            FUZZ_SETUP_FAIL("malloc");
    }
    const char *path = fuzz_file_set(&file, "fuzz_manifest", data, size);
    if (manifest_read_json(path, out, err, sizeof(err)) != 0) {
        FUZZ_SAY("manifest_read_json: %s", err);
        FUZZ_ASSERT(fuzz_is_printable_line(err, sizeof(err)),
                    "message not one printable line");
        return;
    }
    FUZZ_SAY("manifest_read_json: ok, %u entries", out->entries);
    FUZZ_ASSERT(out->version == MFT_VERSION, "version %u", out->version);
    FUZZ_ASSERT(out->entries >= 1 && out->entries <= MFT_MAX_ENTRIES,
                "entries %u", out->entries);
    FUZZ_ASSERT(out->e[0].type == MFT_RESERVED_FIRST && out->e[0].name[0] == 0,
                "entry 0 is not the reserved entry");
    FUZZ_ASSERT(
        manifest_check(out, MFT_SIZE(out->entries), err, sizeof(err)) == 0,
        "manifest_read_json accepted what manifest_check refuses: %s", err);
}

static int check_copy(const uint8_t *data, size_t size, size_t misalign,
                      char *err, size_t errsz)
{
    /* malloc's blocks are 16-byte aligned; the copy ends where the block
     * ends, so that nothing after it may be read. */
    uint8_t *block = malloc(misalign + size + (size == 0));
    if (block == NULL)
        FUZZ_SETUP_FAIL("malloc");
    memcpy(block + misalign, data, size);
    int rc = manifest_check((const struct mft *)(block + misalign), size, err,
                            errsz);
    free(block);
    return rc;
}

static void fuzz_binary(const uint8_t *data, size_t size)
{
    char erra[512] = "", errb[512] = "";
    int ra = check_copy(data, size, 0, erra, sizeof(erra));
    int rb = check_copy(data, size, 1, errb, sizeof(errb));
    FUZZ_ASSERT(ra == rb && strcmp(erra, errb) == 0,
                "aligned: %d '%s', misaligned: %d '%s'", ra, erra, rb, errb);
    FUZZ_SAY("manifest_check: %s", ra == 0 ? "ok" : erra);
    if (ra != 0)
        FUZZ_ASSERT(fuzz_is_printable_line(erra, sizeof(erra)),
                    "message not one printable line");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_json(data, size);
    fuzz_binary(data, size);
    return 0;
}
