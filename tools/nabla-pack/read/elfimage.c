/* Reading an ELF file into memory, trusting nothing it says. */
#include "read/elfimage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/arch.h"
#include "util/util.h"

#define ELF_IMAGE_MAX_SIZE (4ull << 30)

static int check_headers(struct elf_image *img, char *err, size_t errsz)
{
    const uint8_t *d = img->data;
    const char *path = img->path;

    if (img->size < EI_NIDENT || memcmp(d, ELFMAG, SELFMAG) != 0)
        return fail(err, errsz, "%s: not an ELF file", path);
    if (d[EI_CLASS] != ELFCLASS64)
        return fail(err, errsz, "%s: not a 64-bit ELF file", path);
    if (d[EI_DATA] != ELFDATA2LSB)
        return fail(err, errsz, "%s: not a little-endian ELF file", path);
    if (img->size < sizeof(Elf64_Ehdr))
        return fail(err, errsz, "%s: truncated ELF header (%zu bytes)", path,
                    img->size);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)d;
    if (pack_arch_of(eh->e_machine) == NULL)
        return fail(err, errsz,
                    "%s: ELF for machine %s (e_machine %u): nabla is for %s",
                    path, pack_machine_name(eh->e_machine), eh->e_machine,
                    pack_arch_names);
    if (eh->e_phnum == 0 || eh->e_phentsize != sizeof(Elf64_Phdr))
        return fail(err, errsz, "%s: no valid program header table", path);
    if (eh->e_phoff > img->size ||
        (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > img->size - eh->e_phoff ||
        eh->e_phoff % 8 != 0)
        return fail(err, errsz,
                    "%s: program headers (e_phoff %#llx, e_phnum %u) lie "
                    "outside the file",
                    path, (unsigned long long)eh->e_phoff, eh->e_phnum);
    if (eh->e_shoff != 0 &&
        (eh->e_shoff > img->size || eh->e_shentsize != sizeof(Elf64_Shdr) ||
         (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > img->size - eh->e_shoff))
        return fail(err, errsz,
                    "%s: section headers (e_shoff %#llx, e_shnum %u) lie "
                    "outside the file",
                    path, (unsigned long long)eh->e_shoff, eh->e_shnum);
    img->ehdr = eh;
    img->phdr = (const Elf64_Phdr *)(d + eh->e_phoff);
    img->phnum = eh->e_phnum;
    return 0;
}

int elf_image_load(struct elf_image *img, const char *path, char *err,
                   size_t errsz)
{
    memset(img, 0, sizeof(*img));
    img->path = path;
    if (read_file(path, ELF_IMAGE_MAX_SIZE, &img->data, &img->size, err,
                  errsz) != 0)
        return -1;
    if (check_headers(img, err, errsz) != 0) {
        elf_image_free(img);
        return -1;
    }
    return 0;
}

int elf_image_from_memory(struct elf_image *img, const char *name,
                          const void *data, size_t size, char *err,
                          size_t errsz)
{
    memset(img, 0, sizeof(*img));
    img->path = name;
    img->size = size;
    img->data = malloc(size ? size : 1);
    if (img->data == NULL)
        return fail(err, errsz, "%s: out of memory", name);
    memcpy(img->data, data, size);
    if (check_headers(img, err, errsz) != 0) {
        elf_image_free(img);
        return -1;
    }
    return 0;
}

void elf_image_free(struct elf_image *img)
{
    free(img->data);
    img->data = NULL;
    img->size = 0;
}

uint8_t *elf_image_build_id(const struct elf_image *img, size_t size)
{
    for (size_t i = 0; i < img->phnum; i++) {
        const Elf64_Phdr *ph = &img->phdr[i];
        Elf64_Nhdr nh;
        if (ph->p_type != PT_NOTE || ph->p_offset > img->size ||
            img->size - ph->p_offset < sizeof(nh) + 4 + size)
            continue;
        memcpy(&nh, img->data + ph->p_offset, sizeof(nh));
        if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
            nh.n_descsz == size)
            return img->data + ph->p_offset + sizeof(nh) + 4;
    }
    return NULL;
}

/* Section header i, copied: the table may sit at any offset in the file. */
static Elf64_Shdr section_header(const struct elf_image *img, unsigned i)
{
    Elf64_Shdr sh;
    memcpy(&sh, img->data + img->ehdr->e_shoff + (size_t)i * sizeof(sh),
           sizeof(sh));
    return sh;
}

void elf_image_symbols(const struct elf_image *img, elf_symbol_fn fn, void *ctx)
{
    const Elf64_Ehdr *eh = img->ehdr;
    if (eh->e_shoff == 0 || eh->e_shnum == 0)
        return;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        Elf64_Shdr sym = section_header(img, i);
        if (sym.sh_type != SHT_SYMTAB || sym.sh_link >= eh->e_shnum)
            continue;
        Elf64_Shdr str = section_header(img, sym.sh_link);
        if (sym.sh_offset > img->size ||
            sym.sh_size > img->size - sym.sh_offset ||
            str.sh_offset > img->size ||
            str.sh_size > img->size - str.sh_offset || str.sh_size == 0 ||
            img->data[str.sh_offset + str.sh_size - 1] != '\0')
            continue;
        const char *names = (const char *)(img->data + str.sh_offset);
        size_t n = sym.sh_size / sizeof(Elf64_Sym);
        for (size_t k = 1; k < n; k++) {
            Elf64_Sym s;
            memcpy(&s, img->data + sym.sh_offset + k * sizeof(s), sizeof(s));
            if (s.st_name >= str.sh_size)
                continue;
            fn(ctx, names + s.st_name, &s);
        }
    }
}
