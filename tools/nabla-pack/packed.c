/* Reading and checking packed executables. */
#include "packed.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const Elf64_Phdr *find_payload_load(const struct elf_image *img)
{
    for (size_t i = 0; i < img->phnum; i++) {
        const Elf64_Phdr *ph = &img->phdr[i];
        if (ph->p_type == PT_LOAD && ph->p_vaddr == NABLA_PAYLOAD_BASE)
            return ph;
    }
    return NULL;
}

int packed_checksum(const struct elf_image *img, uint8_t out[32], char *err,
                    size_t errsz)
{
    const Elf64_Phdr *pl = find_payload_load(img);
    struct sha256 h;
    struct nabla_payload copy;

    if (pl == NULL || pl->p_offset != 0 || pl->p_filesz > img->size ||
        pl->p_filesz < NABLA_PAYLOAD_HEADER_OFFSET + sizeof(copy))
        return fail(err, errsz, "%s: no nabla payload", img->path);
    size_t size = pl->p_filesz - NABLA_PAYLOAD_HEADER_OFFSET;
    const uint8_t *payload = img->data + NABLA_PAYLOAD_HEADER_OFFSET;
    memcpy(&copy, payload, sizeof(copy));
    memset(copy.checksum, 0, sizeof(copy.checksum));

    sha256_init(&h);
    sha256_update(&h, &copy, sizeof(copy));
    sha256_update(&h, payload + sizeof(copy), size - sizeof(copy));
    for (size_t i = 0; i < img->phnum; i++) {
        const Elf64_Phdr *ph = &img->phdr[i];
        if (ph->p_type != PT_LOAD || ph == pl)
            continue;
        if (ph->p_offset > img->size || ph->p_filesz > img->size - ph->p_offset)
            return fail(err, errsz,
                        "%s: segment at %#llx runs past the end of "
                        "the file (truncated?)",
                        img->path, (unsigned long long)ph->p_vaddr);
        sha256_update(&h, img->data + ph->p_offset, ph->p_filesz);
    }
    sha256_final(&h, out);
    return 0;
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
    char why[128];
    int rc = payload_check(pk->payload, pk->payload_size, why, sizeof(why));
    if (rc != 0) {
        fail(err, errsz, rc == -2 ? "%s: %s" : "%s: damaged payload: %s",
             path, why);
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
