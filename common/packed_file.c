/* A whole packed file: completeness and integrity; see packed_file.h. */
#include "packed_file.h"

#include <stdio.h>
#include <string.h>

#include "payload_format.h"
#include "sha256.h"

enum result packed_read_view(const uint8_t *file, size_t size,
                             struct packed_view *v, struct result_msg *why)
{
    memset(v, 0, sizeof(*v));
    if (size < sizeof(Elf64_Ehdr) || memcmp(file, ELFMAG, SELFMAG) != 0 ||
        file[EI_CLASS] != ELFCLASS64)
        return result_error(why, "not a 64-bit ELF file");
    v->eh = (const Elf64_Ehdr *)file;
    v->phnum = v->eh->e_phnum;
    if (v->eh->e_phentsize != sizeof(Elf64_Phdr) || v->eh->e_phoff % 8 != 0 ||
        v->eh->e_phoff > size ||
        v->phnum * sizeof(Elf64_Phdr) > size - v->eh->e_phoff)
        return result_error(why, "damaged: the program headers lie outside "
                                 "the file");
    v->ph = (const Elf64_Phdr *)(file + v->eh->e_phoff);
    uint64_t complete = packed_complete_size(v->eh, v->ph, v->phnum);
    if (size < complete)
        return result_error(why, "incomplete copy: %zu of %llu bytes", size,
                            (unsigned long long)complete);
    for (size_t i = 0; i < v->phnum; i++) {
        if (v->ph[i].p_type == PT_LOAD &&
            v->ph[i].p_vaddr == NABLA_PAYLOAD_BASE)
            v->payload_load = &v->ph[i];
    }
    const Elf64_Phdr *pl = v->payload_load;
    if (pl == NULL || pl->p_offset != 0 ||
        pl->p_filesz < NABLA_PAYLOAD_HEADER_OFFSET + 16)
        return result_error(why, "not a packed nabla executable (no payload)");
    v->p = (const struct nabla_payload *)(file + NABLA_PAYLOAD_HEADER_OFFSET);
    v->psize = pl->p_filesz - NABLA_PAYLOAD_HEADER_OFFSET;
    return RESULT_OK;
}

static const struct nabla_segment_sum *
segment_sums(const struct nabla_payload *p)
{
    return (const struct nabla_segment_sum *)((const uint8_t *)p +
                                              p->sums_offset);
}

int packed_summed(const struct packed_view *v, const Elf64_Phdr *ph)
{
    return ph->p_type == PT_LOAD && ph != v->payload_load;
}

void packed_segment_sum(const uint8_t *file, const Elf64_Phdr *ph,
                        struct nabla_segment_sum *out)
{
    struct sha256 h;

    memset(out, 0, sizeof(*out));
    out->vaddr = ph->p_vaddr;
    out->filesz = ph->p_filesz;
    out->memsz = ph->p_memsz;
    out->flags = ph->p_flags;
    sha256_init(&h);
    sha256_update(&h, file + ph->p_offset, ph->p_filesz);
    sha256_final(&h, out->sha256);
}

void packed_payload_checksum(const struct nabla_payload *p, size_t psize,
                             uint8_t out[32])
{
    static const uint8_t zero[sizeof(p->checksum)];
    const uint8_t *b = (const uint8_t *)p;
    size_t at = offsetof(struct nabla_payload, checksum);
    struct sha256 h;

    sha256_init(&h);
    sha256_update(&h, b, at);
    sha256_update(&h, zero, sizeof(zero));
    sha256_update(&h, b + at + sizeof(zero), psize - at - sizeof(zero));
    sha256_final(&h, out);
}

/* Appends "[, ]KIND segment START-END rwx (HOW)" to the list in damage. */
static void add_damage(char *damage, size_t size, const Elf64_Phdr *ph,
                       const char *how)
{
    size_t n = strlen(damage);
    if (n >= size - 1)
        return;
    snprintf(damage + n, size - n, "%s%s segment %#llx-%#llx %c%c%c (%s)",
             n ? ", " : "", ph->p_vaddr >= NABLA_STUB_BASE ? "stub" : "guest",
             (unsigned long long)ph->p_vaddr,
             (unsigned long long)(ph->p_vaddr + ph->p_memsz),
             ph->p_flags & PF_R ? 'r' : '-', ph->p_flags & PF_W ? 'w' : '-',
             ph->p_flags & PF_X ? 'x' : '-', how);
}

enum result packed_verify(const uint8_t *file, size_t size, uint8_t sum[32],
                          struct result_msg *why)
{
    struct packed_view v;
    struct result_msg format;

    if (packed_read_view(file, size, &v, why) != RESULT_OK)
        return RESULT_ERROR;
    enum result rc = payload_check(v.p, v.psize, &format);
    if (rc == RESULT_OTHER_VERSION)
        return result_error(why, "%s", format.text);
    if (rc != RESULT_OK && v.psize < sizeof(*v.p))
        return result_error(why, "damaged: the payload (%s)", format.text);
    if (memcmp(v.p->magic, NABLA_PAYLOAD_MAGIC, sizeof(v.p->magic)) != 0)
        return result_error(why, "damaged: the payload (%s)", format.text);
    packed_payload_checksum(v.p, v.psize, sum);
    if (memcmp(sum, v.p->checksum, sizeof(v.p->checksum)) != 0)
        return result_error(why, "damaged: the payload (checksum mismatch)");
    if (rc != RESULT_OK)
        return result_error(why, "damaged: the payload (%s)", format.text);

    /* The payload is intact: its sums say what every segment must be. */
    const struct nabla_segment_sum *sums = segment_sums(v.p);
    char damage[512] = "";
    size_t k = 0;
    for (size_t i = 0; i < v.phnum; i++) {
        const Elf64_Phdr *ph = &v.ph[i];
        if (!packed_summed(&v, ph))
            continue;
        const struct nabla_segment_sum *s = k < v.p->sums_count ? &sums[k] : 0;
        struct nabla_segment_sum got;
        k++;
        if (s == NULL || ph->p_offset > size ||
            ph->p_filesz > size - ph->p_offset) {
            add_damage(damage, sizeof(damage), ph, "program header changed");
            continue;
        }
        packed_segment_sum(file, ph, &got);
        if (memcmp(&got, s, offsetof(struct nabla_segment_sum, sha256)) != 0)
            add_damage(damage, sizeof(damage), ph, "program header changed");
        else if (memcmp(got.sha256, s->sha256, sizeof(got.sha256)) != 0)
            add_damage(damage, sizeof(damage), ph, "checksum mismatch");
    }
    if (k != v.p->sums_count)
        return result_error(
            why,
            "damaged: the program headers (%zu segments, the payload "
            "lists %u)",
            k, v.p->sums_count);
    if (v.eh->e_entry != v.p->entry)
        return result_error(why, "damaged: the entry point (%#llx, not %#llx)",
                            (unsigned long long)v.eh->e_entry,
                            (unsigned long long)v.p->entry);
    if (damage[0] != '\0')
        return result_error(why, "damaged: %s", damage);
    return RESULT_OK;
}
