/*
 * A whole packed file: how long a complete one is, and its integrity (the
 * segment checksums and the payload checksum of struct nabla_payload). One
 * definition for nabla-pack, which seals a file it writes and verifies one
 * (`nabla-pack verify`), and the stub, which checks at every start that its
 * file is complete (stub/entry.c) and verifies itself (`APP --verify`).
 * No I/O, no allocation.
 */
#ifndef NABLA_PACKED_FILE_H
#define NABLA_PACKED_FILE_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "packed_layout.h"
#include "result.h"

/*
 * The size of a complete packed file, from its ELF header and program
 * headers alone (its first page, which the kernel has read at execve): the
 * end of the furthest PT_LOAD's file bytes or of the section header table.
 * Both survive strip, which rewrites them, so a stripped file is complete
 * too. Always inlined: the stub's entry code (stub/entry.c) may call no
 * code outside its own page.
 */
static inline __attribute__((always_inline)) uint64_t
packed_complete_size(const Elf64_Ehdr *eh, const Elf64_Phdr *ph, size_t phnum)
{
    uint64_t end = 0;

    for (size_t i = 0; i < phnum; i++) {
        uint64_t e = ph[i].p_offset + ph[i].p_filesz;
        if (ph[i].p_type == PT_LOAD && ph[i].p_filesz > 0 && e > end)
            end = e;
    }
    if (eh->e_shoff != 0 && eh->e_shnum != 0) {
        uint64_t e = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
        if (e > end)
            end = e;
    }
    return end;
}

/* The headers and the payload of a packed file, inside it. */
struct packed_view {
    const Elf64_Ehdr *eh;
    const Elf64_Phdr *ph;
    size_t phnum;
    const Elf64_Phdr *payload_load;
    const struct nabla_payload *p;
    size_t psize; /* bytes from p to the end of its PT_LOAD */
};

/* Finds the ELF header, the program headers and the payload's PT_LOAD in
 * the size bytes at file, which must be complete. RESULT_ERROR with why
 * ("incomplete copy: N of M bytes", ...). The payload is not checked. */
enum result packed_read_view(const uint8_t *file, size_t size,
                             struct packed_view *v, struct result_msg *why);

/* The checksum definition. The PT_LOADs that have a segment sum: all but
 * the payload's, in program header order. */
int packed_summed(const struct packed_view *v, const Elf64_Phdr *ph);
/* A PT_LOAD's sum: its program header fields, the SHA-256 of its file
 * bytes (which must lie inside file). */
void packed_segment_sum(const uint8_t *file, const Elf64_Phdr *ph,
                        struct nabla_segment_sum *out);
/* SHA-256 of psize bytes of payload at p, its checksum field taken as
 * zero. */
void packed_payload_checksum(const struct nabla_payload *p, size_t psize,
                             uint8_t out[32]);

/*
 * Checks the packed file of size bytes at file, as `nabla-pack verify` and
 * `APP --verify` do: ELF and program headers inside the file, the file
 * complete, the payload's format and checksum, then every PT_LOAD against
 * its struct nabla_segment_sum (program header fields and the SHA-256 of
 * its file bytes) and e_entry. Returns RESULT_OK and the payload's checksum
 * in sum; or RESULT_ERROR with what is wrong in why ("incomplete copy: N of
 * M bytes", "damaged: guest segment 0x100000-0x101000 r-x, ..."), no path.
 */
enum result packed_verify(const uint8_t *file, size_t size, uint8_t sum[32],
                          struct result_msg *why);

/*
 * nabla-pack, once the file is written (common/packed_seal.c, not in the
 * stub): fills in the payload's segment sums and entry, then its checksum,
 * in file (size bytes, writable), whose payload has room for exactly one
 * sum per PT_LOAD but its own. RESULT_ERROR with why.
 */
enum result packed_seal(uint8_t *file, size_t size, struct result_msg *why);

#endif
