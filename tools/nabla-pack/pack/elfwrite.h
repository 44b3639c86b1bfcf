/*
 * Writing an ELF file: nabla-pack's one ELF writer, for the packed
 * executable (pack/merge.c) and an extracted guest (inspect/extract.c).
 * The caller lays the file out and chooses every offset, so that the
 * output depends on its inputs alone; the writer puts the bytes, the
 * program headers right after the ELF header and the section headers where
 * the caller says, into a buffer whose gaps are zeros.
 */
#ifndef NABLA_PACK_ELFWRITE_H
#define NABLA_PACK_ELFWRITE_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* Zero-initialise it ({0}); elf_writer_free releases it. Out of memory
 * sticks and is reported once, by elf_writer_finish. */
struct elf_writer {
    struct buf file;  /* the file */
    struct buf phdrs; /* Elf64_Phdr, in order */
    struct buf shdrs; /* Elf64_Shdr, after the null section */
};

/* len bytes of the file at offset off. */
void elf_writer_put(struct elf_writer *w, uint64_t off, const void *data,
                    size_t len);
/* The next program header. */
void elf_writer_phdr(struct elf_writer *w, const Elf64_Phdr *ph);
/* The next section header; its sh_size bytes at data go to sh_offset
 * unless it is SHT_NOBITS. Returns its index (the first is 1). */
size_t elf_writer_section(struct elf_writer *w, const Elf64_Shdr *sh,
                          const void *data);

/* What the ELF header says besides the tables' sizes. */
struct elf_writer_header {
    uint16_t type; /* ET_EXEC, or ET_DYN (an extracted static PIE guest) */
    uint16_t machine;
    uint64_t entry;
    uint64_t shoff;    /* where the section headers go */
    uint16_t shstrndx; /* the index of .shstrtab */
};

/* The number of bytes of the program header table of n headers, which
 * lies right after the ELF header: the first free offset. */
uint64_t elf_writer_headers_end(size_t n);

/*
 * An executable (h->type, 64-bit, little-endian): puts the ELF header,
 * the program headers and the section headers (the null one first). The
 * file is then w->file. Returns 0, or -1 when out of memory. The callers'
 * tables are far below the ELF header's limits (PN_XNUM program headers,
 * SHN_LORESERVE sections), which it does not check.
 */
int elf_writer_finish(struct elf_writer *w, const struct elf_writer_header *h);

void elf_writer_free(struct elf_writer *w);

#endif
