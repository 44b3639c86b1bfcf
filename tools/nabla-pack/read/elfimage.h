/*
 * An ELF file read whole into memory, with its headers checked to lie inside
 * the file. Shared by the guest validator and the merge.
 */
#ifndef NABLA_ELFIMAGE_H
#define NABLA_ELFIMAGE_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

struct elf_image {
    const char *path;
    uint8_t *data;
    size_t size;
    const Elf64_Ehdr *ehdr;
    const Elf64_Phdr *phdr;
    size_t phnum;
};

/*
 * Reads path and checks the ELF identification, header and program header
 * table (64-bit, little-endian, a machine nabla is for (read/arch.h), program
 * headers inside the file). Returns 0, or -1 with one line in err.
 */
int elf_image_load(struct elf_image *img, const char *path, char *err,
                   size_t errsz);
/* Same, from a copy of size bytes at data; name is used in messages. */
int elf_image_from_memory(struct elf_image *img, const char *name,
                          const void *data, size_t size, char *err,
                          size_t errsz);
void elf_image_free(struct elf_image *img);

/* The descriptor of the image's GNU build-ID note (in a PT_NOTE of its
 * own) if it is size bytes long, inside img->data; NULL if there is none. */
uint8_t *elf_image_build_id(const struct elf_image *img, size_t size);

/* Calls fn for each symbol of the image's .symtab, skipping quietly what does
 * not lie inside the file. */
typedef void (*elf_symbol_fn)(void *ctx, const char *name,
                              const Elf64_Sym *sym);
void elf_image_symbols(const struct elf_image *img, elf_symbol_fn fn,
                       void *ctx);

#endif
