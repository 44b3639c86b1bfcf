/* The ELF writer (elfwrite.h): bytes, headers and tables at given offsets. */
#include "pack/elfwrite.h"

#include <stdlib.h>
#include <string.h>

void elf_writer_put(struct elf_writer *w, uint64_t off, const void *data,
                    size_t len)
{
    /* An offset near SIZE_MAX counts as out of memory (buf_put). */
    buf_put(&w->file, (size_t)off, data, len);
}

void elf_writer_phdr(struct elf_writer *w, const Elf64_Phdr *ph)
{
    buf_append(&w->phdrs, ph, sizeof(*ph));
}

size_t elf_writer_section(struct elf_writer *w, const Elf64_Shdr *sh,
                          const void *data)
{
    if (sh->sh_type != SHT_NOBITS && sh->sh_size > 0)
        elf_writer_put(w, sh->sh_offset, data, sh->sh_size);
    buf_append(&w->shdrs, sh, sizeof(*sh));
    return w->shdrs.len / sizeof(*sh);
}

uint64_t elf_writer_headers_end(size_t n)
{
    return sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr);
}

int elf_writer_finish(struct elf_writer *w, const struct elf_writer_header *h)
{
    static const Elf64_Shdr null_section;
    size_t nph = w->phdrs.len / sizeof(Elf64_Phdr);
    size_t nsh = 1 + w->shdrs.len / sizeof(Elf64_Shdr);
    Elf64_Ehdr eh;

    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = h->type;
    eh.e_machine = h->machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = h->entry;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_shoff = h->shoff;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (uint16_t)nph;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = (uint16_t)nsh;
    eh.e_shstrndx = h->shstrndx;
    elf_writer_put(w, 0, &eh, sizeof(eh));
    elf_writer_put(w, eh.e_phoff, w->phdrs.data, w->phdrs.len);
    elf_writer_put(w, h->shoff, &null_section, sizeof(null_section));
    elf_writer_put(w, h->shoff + sizeof(null_section), w->shdrs.data,
                   w->shdrs.len);
    return w->file.oom || w->phdrs.oom || w->shdrs.oom ? -1 : 0;
}

void elf_writer_free(struct elf_writer *w)
{
    free(w->file.data);
    free(w->phdrs.data);
    free(w->shdrs.data);
    memset(w, 0, sizeof(*w));
}
