/* Reading and checking packed executables. */
#include "packed.h"

#include <stdio.h>
#include <string.h>

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
        pl->p_filesz < NABLA_PAYLOAD_HEADER_OFFSET + sizeof(copy)) {
        snprintf(err, errsz, "%s: no nabla payload", img->path);
        return -1;
    }
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
        if (ph->p_offset > img->size ||
            ph->p_filesz > img->size - ph->p_offset) {
            snprintf(err, errsz,
                     "%s: segment at %#llx runs past the end of "
                     "the file (truncated?)",
                     img->path, (unsigned long long)ph->p_vaddr);
            return -1;
        }
        sha256_update(&h, img->data + ph->p_offset, ph->p_filesz);
    }
    sha256_final(&h, out);
    return 0;
}

/* count NUL-terminated strings filling exactly size bytes at offset. */
static int strings_ok(const struct packed *pk, uint32_t offset, uint32_t size,
                      uint32_t count)
{
    const char *s = (const char *)pk->payload + offset;
    uint32_t nuls = 0;
    for (uint32_t i = 0; i < size; i++)
        nuls += s[i] == '\0';
    return nuls == count && (size == 0 || s[size - 1] == '\0');
}

static int check_payload(struct packed *pk, const Elf64_Phdr *pl, char *err,
                         size_t errsz)
{
    const struct nabla_payload *p = pk->payload;
    const char *path = pk->img.path;
    size_t size = pk->payload_size;

    if (memcmp(p->magic, NABLA_PAYLOAD_MAGIC, sizeof(p->magic)) != 0 ||
        p->version != NABLA_PAYLOAD_VERSION) {
        snprintf(err, errsz, "%s: unknown payload format", path);
        return -1;
    }
    if (p->mft_offset > size || p->mft_size > size - p->mft_offset ||
        p->mft_size < sizeof(struct mft) || p->mft_offset % 8 != 0 ||
        p->options_offset > size ||
        p->options_size > size - p->options_offset || p->args_offset > size ||
        p->args_size > size - p->args_offset ||
        p->nsegments > NABLA_MAX_GUEST_SEGMENTS) {
        snprintf(err, errsz, "%s: damaged payload", path);
        return -1;
    }
    if (!strings_ok(pk, p->options_offset, p->options_size, p->options_count) ||
        !strings_ok(pk, p->args_offset, p->args_size, p->args_count)) {
        snprintf(err, errsz, "%s: damaged default options or arguments", path);
        return -1;
    }
    pk->mft = (const struct mft *)((const uint8_t *)p + p->mft_offset);
    if (pk->mft->entries == 0 || pk->mft->entries > MFT_MAX_ENTRIES ||
        p->mft_size < MFT_SIZE(pk->mft->entries)) {
        snprintf(err, errsz, "%s: damaged manifest in payload", path);
        return -1;
    }
    (void)pl;
    return 0;
}

int packed_open(struct packed *pk, const char *path, char *err, size_t errsz)
{
    memset(pk, 0, sizeof(*pk));
    if (elf_image_load(&pk->img, path, err, errsz) != 0)
        return -1;
    const Elf64_Phdr *pl = find_payload_load(&pk->img);
    if (pl == NULL) {
        snprintf(err, errsz,
                 "%s: not a packed nabla executable (no payload "
                 "segment)",
                 path);
        goto fail;
    }
    if (pl->p_offset != 0 || pl->p_filesz > pk->img.size ||
        pl->p_filesz <
            NABLA_PAYLOAD_HEADER_OFFSET + sizeof(struct nabla_payload)) {
        snprintf(err, errsz, "%s: payload segment damaged or truncated", path);
        goto fail;
    }
    pk->payload = (const struct nabla_payload *)(pk->img.data +
                                                 NABLA_PAYLOAD_HEADER_OFFSET);
    pk->payload_size = pl->p_filesz - NABLA_PAYLOAD_HEADER_OFFSET;
    if (check_payload(pk, pl, err, errsz) != 0)
        goto fail;
    for (size_t i = 0; i < pk->img.phnum; i++) {
        const Elf64_Phdr *ph = &pk->img.phdr[i];
        if (ph->p_type != PT_LOAD || ph->p_vaddr >= NABLA_PAYLOAD_BASE)
            continue;
        if (pk->nguest == NABLA_MAX_GUEST_SEGMENTS ||
            ph->p_offset > pk->img.size ||
            ph->p_filesz > pk->img.size - ph->p_offset) {
            snprintf(err, errsz, "%s: guest segment damaged or truncated",
                     path);
            goto fail;
        }
        pk->guest[pk->nguest++] = ph;
    }
    if (pk->nguest != pk->payload->nsegments) {
        snprintf(err, errsz, "%s: %zu guest segments, payload says %u", path,
                 pk->nguest, pk->payload->nsegments);
        goto fail;
    }
    return 0;
fail:
    packed_close(pk);
    return -1;
}

void packed_close(struct packed *pk)
{
    elf_image_free(&pk->img);
}

const char *packed_string(const struct packed *pk, uint32_t offset,
                          uint32_t count, uint32_t i)
{
    const char *s = (const char *)pk->payload + offset;
    if (i >= count)
        return NULL;
    while (i--)
        s += strlen(s) + 1;
    return s;
}
