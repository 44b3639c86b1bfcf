/* Reading a packed executable back: for verify, inspect and extract. */
#ifndef NABLA_PACK_PACKED_H
#define NABLA_PACK_PACKED_H

#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"
#include "packed_layout.h"
#include "payload_format.h"
#include "read/elfimage.h"
#include "sha256.h"

struct packed {
    struct elf_image img;
    const struct nabla_payload *payload; /* inside img.data */
    size_t payload_size;
    const struct mft *mft;
    size_t nguest;
    const Elf64_Phdr *guest[NABLA_MAX_GUEST_SEGMENTS]; /* by address */
};

/*
 * Opens path and checks that it is a packed nabla executable whose payload
 * and segments lie inside the file. Returns 0, or -1 with one line in err.
 */
int packed_open(struct packed *pk, const char *path, char *err, size_t errsz);
void packed_close(struct packed *pk);

/* 1 if img has a nabla payload segment with the payload's magic (whatever
 * its version or state): a packed executable, not a unikernel. */
int packed_recognise(const struct elf_image *img);

/* The GNU build ID of a packed file in hexadecimal, or "(none)". */
const char *packed_build_id_hex(const struct packed *pk,
                                char hex[2 * NABLA_BUILD_ID_SIZE + 1]);

/* Verifies img as `nabla-pack verify` does (common/packed_file.c):
 * returns 0 and the payload's checksum in sum, or -1 with one line in err
 * ("PATH: incomplete copy: ...", "PATH: damaged: ..."). */
int packed_verify_image(const struct elf_image *img, uint8_t sum[32], char *err,
                        size_t errsz);
/* The same for the file at path, read as it is: a cut-short copy gets
 * "incomplete copy", not a complaint about its headers. */
int packed_verify_file(const char *path, uint8_t sum[32], char *err,
                       size_t errsz);

#endif
