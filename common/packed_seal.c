/*
 * Sealing a packed file just written: nabla-pack's side of
 * common/packed_file.c, in a file of its own so that the stub, which only
 * verifies, does not carry it.
 */
#include "packed_file.h"

#include <string.h>

#include "payload_format.h"

enum result packed_seal(uint8_t *file, size_t size, struct result_msg *why)
{
    struct packed_view v;
    struct result_msg format;

    if (packed_read_view(file, size, &v, why) != RESULT_OK)
        return RESULT_ERROR;
    if (payload_check(v.p, v.psize, &format) != RESULT_OK)
        return result_error(why, "payload: %s", format.text);
    /* v.p, writable. */
    struct nabla_payload *p =
        (struct nabla_payload *)(file + NABLA_PAYLOAD_HEADER_OFFSET);
    struct nabla_segment_sum *sums =
        (struct nabla_segment_sum *)((uint8_t *)p + p->sums_offset);
    size_t k = 0;
    for (size_t i = 0; i < v.phnum; i++) {
        const Elf64_Phdr *ph = &v.ph[i];
        if (!packed_summed(&v, ph))
            continue;
        if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset ||
            k == p->sums_count)
            return result_error(why,
                                "segment at %#llx outside the file, or more "
                                "segments than segment sums (%u)",
                                (unsigned long long)ph->p_vaddr, p->sums_count);
        packed_segment_sum(file, ph, &sums[k++]);
    }
    if (k != p->sums_count)
        return result_error(why, "%zu segments for %u segment sums", k,
                            p->sums_count);
    p->entry = v.eh->e_entry;
    packed_payload_checksum(p, v.psize, p->checksum);
    return RESULT_OK;
}
