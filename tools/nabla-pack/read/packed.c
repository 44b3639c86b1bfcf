/* Reading and checking packed executables. */
#include "read/packed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packed_file.h"
#include "util/util.h"

static const Elf64_Phdr *find_payload_load(const struct elf_image *img)
{
    for (size_t i = 0; i < img->phnum; i++) {
        const Elf64_Phdr *ph = &img->phdr[i];
        if (ph->p_type == PT_LOAD && ph->p_vaddr == NABLA_PAYLOAD_BASE)
            return ph;
    }
    return NULL;
}

int packed_recognise(const struct elf_image *img)
{
    const Elf64_Phdr *pl = find_payload_load(img);
    size_t at = NABLA_PAYLOAD_HEADER_OFFSET;
    size_t n = sizeof(((const struct nabla_payload *)NULL)->magic);

    return pl != NULL && pl->p_offset == 0 && pl->p_filesz <= img->size &&
           pl->p_filesz >= at + n &&
           memcmp(img->data + at, NABLA_PAYLOAD_MAGIC, n) == 0;
}

int packed_verify_image(const struct elf_image *img, uint8_t sum[32], char *err,
                        size_t errsz)
{
    struct result_msg why;

    if (packed_verify(img->data, img->size, sum, &why) != RESULT_OK)
        return fail(err, errsz, "%s: %s", img->path, why.text);
    return 0;
}

int packed_verify_file(const char *path, uint8_t sum[32], char *err,
                       size_t errsz)
{
    struct elf_image img = {.path = path};

    if (read_file(path, UINT64_MAX, &img.data, &img.size, err, errsz) != 0)
        return -1;
    int rc = packed_verify_image(&img, sum, err, errsz);
    elf_image_free(&img);
    return rc;
}

const char *packed_build_id_hex(const struct packed *pk,
                                char hex[2 * NABLA_BUILD_ID_SIZE + 1])
{
    const uint8_t *id = elf_image_build_id(&pk->img, NABLA_BUILD_ID_SIZE);

    snprintf(hex, 2 * NABLA_BUILD_ID_SIZE + 1, "(none)");
    for (size_t k = 0; id != NULL && k < NABLA_BUILD_ID_SIZE; k++)
        snprintf(hex + 2 * k, 3, "%02x", id[k]);
    return hex;
}

int packed_open(struct packed *pk, const char *path, char *err, size_t errsz)
{
    memset(pk, 0, sizeof(*pk));
    if (elf_image_load(&pk->img, path, err, errsz) != 0)
        return -1;
    const Elf64_Phdr *pl = find_payload_load(&pk->img);
    if (pl == NULL) {
        fail(err, errsz,
             "%s: not a packed nabla executable (no payload "
             "segment)",
             path);
        goto bad;
    }
    if (pl->p_offset != 0 || pl->p_filesz > pk->img.size ||
        pl->p_filesz <
            NABLA_PAYLOAD_HEADER_OFFSET + sizeof(struct nabla_payload)) {
        fail(err, errsz, "%s: payload segment damaged or truncated", path);
        goto bad;
    }
    pk->payload = (const struct nabla_payload *)(pk->img.data +
                                                 NABLA_PAYLOAD_HEADER_OFFSET);
    pk->payload_size = pl->p_filesz - NABLA_PAYLOAD_HEADER_OFFSET;
    struct result_msg why;
    enum result rc = payload_check(pk->payload, pk->payload_size, &why);
    if (rc != RESULT_OK) {
        fail(err, errsz,
             rc == RESULT_OTHER_VERSION ? "%s: %s" : "%s: damaged payload: %s",
             path, why.text);
        goto bad;
    }
    pk->mft = payload_mft(pk->payload);
    for (size_t i = 0; i < pk->img.phnum; i++) {
        const Elf64_Phdr *ph = &pk->img.phdr[i];
        if (ph->p_type != PT_LOAD || ph->p_vaddr >= NABLA_STUB_BASE)
            continue;
        if (pk->nguest == NABLA_MAX_GUEST_SEGMENTS ||
            ph->p_offset > pk->img.size ||
            ph->p_filesz > pk->img.size - ph->p_offset) {
            fail(err, errsz, "%s: guest segment damaged or truncated", path);
            goto bad;
        }
        pk->guest[pk->nguest++] = ph;
    }
    if (pk->nguest == 0) {
        fail(err, errsz, "%s: no guest segment", path);
        goto bad;
    }
    return 0;
bad:
    packed_close(pk);
    return -1;
}

void packed_close(struct packed *pk)
{
    elf_image_free(&pk->img);
}
