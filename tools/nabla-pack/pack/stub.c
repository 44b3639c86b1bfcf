/* The stub and the exit trampoline that nabla-pack packs (stub.h). */
#include "pack/stub.h"

#include <string.h>

#include "packed_layout.h"
#include "util/util.h"

/* stub_blob.S: the stub and the trampoline built with nabla-pack. */
extern const unsigned char nabla_stub_blob[], nabla_stub_blob_end[];
extern const unsigned char nabla_trampoline_blob[], nabla_trampoline_blob_end[];

static void find_entry_end(void *ctx, const char *name, const Elf64_Sym *sym)
{
    if (strcmp(name, "nabla_entry_end") == 0)
        *(uint64_t *)ctx = sym->st_value;
}

/* Nothing the kernel would load besides the stub's own segments, and
 * those in the stub's range and inside the file. */
static int check_stub(const struct elf_image *img, char *err, size_t errsz)
{
    for (size_t i = 0; i < img->phnum; i++) {
        const Elf64_Phdr *ph = &img->phdr[i];
        if (ph->p_type == PT_INTERP || ph->p_type == PT_DYNAMIC ||
            (ph->p_type == PT_LOAD &&
             (ph->p_vaddr < NABLA_STUB_BASE ||
              ph->p_vaddr + ph->p_memsz > NABLA_PAYLOAD_BASE ||
              ph->p_offset > img->size ||
              ph->p_filesz > img->size - ph->p_offset)))
            return fail(err, errsz, "%s: not a valid nabla stub", img->path);
    }
    return 0;
}

int stub_load(struct stub *s, const char *path, char *err, size_t errsz)
{
    memset(s, 0, sizeof(*s));
    int rc =
        path ? elf_image_load(&s->img, path, err, errsz)
             : elf_image_from_memory(
                   &s->img, "embedded stub", nabla_stub_blob,
                   (size_t)(nabla_stub_blob_end - nabla_stub_blob), err, errsz);
    if (rc != 0)
        return -1;
    if (check_stub(&s->img, err, errsz) != 0) {
        stub_free(s);
        return -1;
    }
    s->trampoline = nabla_trampoline_blob;
    s->trampoline_size =
        (size_t)(nabla_trampoline_blob_end - nabla_trampoline_blob);
    elf_image_symbols(&s->img, find_entry_end, &s->entry_end);
    return 0;
}

void stub_free(struct stub *s)
{
    elf_image_free(&s->img);
}
