/* The application manifest: read from Solo5's manifest.json, or checked as
 * found in a guest's MFT1 note. */
#ifndef NABLA_PACK_MANIFEST_H
#define NABLA_PACK_MANIFEST_H

#include <stddef.h>

#include "nabla/abi.h"

/*
 * Reads and validates the JSON manifest at path into *out (a buffer of
 * MFT_SIZE(MFT_MAX_ENTRIES) bytes, aligned for struct mft). Entry 0 is the
 * reserved entry; devices follow in file order, unattached, zeroed.
 * Returns 0, or -1 after writing one line describing the problem (naming the
 * file) into err (size errsz, no trailing newline).
 */
int manifest_read_json(const char *path, struct mft *out, char *err,
                       size_t errsz);

/*
 * Validates a manifest found in a guest (the size bytes of struct mft that
 * follow the MFT1 descriptor's padding, at any alignment): version 1, 1..64
 * entries, size exactly MFT_SIZE(entries), entry 0 reserved, no entry
 * attached, names NUL-terminated, [A-Za-z0-9]+, unique, types BLOCK_BASIC or
 * NET_BASIC. Returns 0 or -1 with a message in err as above.
 */
int manifest_check(const struct mft *mft, size_t size, char *err, size_t errsz);

/*
 * Writes a C source file that defines the MFT1 note of the manifest in
 * section .note.solo5.manifest, laid out as Solo5's toolchain lays it out
 * (n_descsz = MFT1_DESC_SIZE, struct mft at offset 24), for linking into a
 * guest. Returns 0 or -1 with a message in err.
 */
int manifest_write_c(const struct mft *mft, const char *out_path, char *err,
                     size_t errsz);

/*
 * Writes the MFT1 note of the manifest, byte for byte as Solo5's toolchain
 * would (header, name, 4 bytes of padding, struct mft with only names and
 * types), into out, which has room for MFT1_MFT_OFFSET +
 * MFT_SIZE(mft->entries) bytes. Returns that size.
 */
size_t manifest_note_write(const struct mft *mft, unsigned char *out);

struct buf;

/* The two layouts of manifest_json. */
enum manifest_json_layout {
    /* solo5-elftool query-manifest's: two spaces, an empty list on two
     * lines */
    MANIFEST_JSON_ELFTOOL,
    /* the manifest.json files of Solo5's tests: four spaces, "[]" */
    MANIFEST_JSON_FILE,
};

/*
 * Appends the devices of the manifest to out as a Solo5 manifest.json
 * document (what manifest_read_json reads): query-manifest prints it,
 * extract writes it. Out of memory sticks in out.
 */
void manifest_json(struct buf *out, const struct mft *mft,
                   enum manifest_json_layout layout);

/* "BLOCK_BASIC", "NET_BASIC" or "RESERVED"/"UNKNOWN". */
const char *manifest_type_name(uint32_t type);

#endif
