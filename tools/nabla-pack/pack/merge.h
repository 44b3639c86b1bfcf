/* Writing a packed executable: stub + guest segments + payload, one ELF. */
#ifndef NABLA_MERGE_H
#define NABLA_MERGE_H

#include <stddef.h>

#include "read/elfimage.h"
#include "util/util.h"

struct merge_input {
    const struct elf_image *stub;  /* static ET_EXEC at NABLA_STUB_BASE */
    const struct elf_image *guest; /* validated by the caller */
    const Elf64_Phdr *const *guest_loads;
    /* File bytes of each guest segment; NULL: from the guest image. */
    const uint8_t *const *guest_data;
    size_t nguest_loads;
    const void *payload; /* struct nabla_payload and its data */
    size_t payload_size;
};

/*
 * The packed executable, laid out as the top of merge.c says (the result
 * depends on the inputs alone), written into *out (empty; the caller frees
 * its data). Returns 0, or -1 with one line in err.
 */
int merge_write(const struct merge_input *in, struct buf *out, char *err,
                size_t errsz);

/* The number of PT_LOADs merge_write writes besides the payload's: one
 * struct nabla_segment_sum each. */
size_t merge_segment_count(const struct merge_input *in);

#endif
