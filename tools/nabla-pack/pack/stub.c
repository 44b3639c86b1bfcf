/* The stub and the exit trampoline that nabla-pack packs (stub.h). */
#include "pack/stub.h"

#include <string.h>

#include "packed_layout.h"
#include "read/arch.h"
#include "util/util.h"

/* stub_blob.S: each architecture's stub and trampoline, built with
 * nabla-pack (empty where the build had no cross toolchain). */
extern const unsigned char nabla_stub_x86_64[], nabla_stub_x86_64_end[];
extern const unsigned char nabla_trampoline_x86_64[],
    nabla_trampoline_x86_64_end[];
extern const unsigned char nabla_stub_aarch64[], nabla_stub_aarch64_end[];
extern const unsigned char nabla_trampoline_aarch64[],
    nabla_trampoline_aarch64_end[];

struct built_in {
    uint16_t e_machine;
    const unsigned char *stub, *stub_end, *trampoline, *trampoline_end;
    unsigned trampoline_align;
};

static const struct built_in built_in[] = {
    {EM_X86_64, nabla_stub_x86_64, nabla_stub_x86_64_end,
     nabla_trampoline_x86_64, nabla_trampoline_x86_64_end, 1},
    {EM_AARCH64, nabla_stub_aarch64, nabla_stub_aarch64_end,
     nabla_trampoline_aarch64, nabla_trampoline_aarch64_end, 4},
};

/* The built-in pair for e_machine, or NULL (no such architecture, or none
 * built). */
static const struct built_in *built_in_for(unsigned e_machine)
{
    for (size_t i = 0; i < sizeof(built_in) / sizeof(built_in[0]); i++) {
        const struct built_in *b = &built_in[i];
        if (b->e_machine == e_machine)
            return b->stub_end > b->stub && b->trampoline_end > b->trampoline
                       ? b
                       : NULL;
    }
    return NULL;
}

int stub_built_in(unsigned e_machine)
{
    return built_in_for(e_machine) != NULL;
}

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

int stub_load(struct stub *s, const char *path, unsigned e_machine, char *err,
              size_t errsz)
{
    const struct built_in *b = built_in_for(e_machine);
    const char *arch = pack_machine_name(e_machine);

    memset(s, 0, sizeof(*s));
    /* The trampoline is always the built-in one, --stub= or not. */
    if (b == NULL)
        return fail(err, errsz,
                    "a guest for %s, but this nabla-pack was built without "
                    "the %s stub (make NABLA_AARCH64=0, or no cross compiler)",
                    arch, arch);
    int rc = path ? elf_image_load(&s->img, path, err, errsz)
                  : elf_image_from_memory(&s->img, "embedded stub", b->stub,
                                          (size_t)(b->stub_end - b->stub), err,
                                          errsz);
    if (rc != 0)
        return -1;
    if (s->img.ehdr->e_machine != e_machine) {
        fail(err, errsz, "%s: a stub for %s, but the guest is for %s",
             s->img.path, pack_machine_name(s->img.ehdr->e_machine), arch);
        stub_free(s);
        return -1;
    }
    if (check_stub(&s->img, err, errsz) != 0) {
        stub_free(s);
        return -1;
    }
    s->trampoline = b->trampoline;
    s->trampoline_size = (size_t)(b->trampoline_end - b->trampoline);
    s->trampoline_align = b->trampoline_align;
    elf_image_symbols(&s->img, find_entry_end, &s->entry_end);
    return 0;
}

void stub_free(struct stub *s)
{
    elf_image_free(&s->img);
}
