/*
 * Fuzz harness: nabla-pack's reader of guest ELF files.
 *
 * The input is a guest file. It is written to a memfd and loaded through
 * its path with guest_load() -- ELF header and program header checks
 * (tools/nabla-pack/read/elfimage.c), PT_LOAD/PT_INTERP checks, ABI1 and MFT1
 * notes and the manifest in the MFT1 note (read/guest.c, read/manifest.c).
 * Also:
 *   - elf_image_load() and elf_image_from_memory() must agree on the input;
 *   - elf_image_symbols() on the loaded image (merge.c reads the guest's
 *     symbols that way);
 *   - after a successful load, everything guest.h promises is re-checked
 *     (segments inside the file and guest memory, no W+X, no overlap, entry
 *     in an executable segment, one valid manifest inside the file);
 *   - error messages are one printable line.
 * A broken promise aborts (a crash for libFuzzer), like a sanitizer report.
 */
#include <elf.h>

#include "read/elfimage.h"
#include "fuzz_util.h"
#include "read/guest.h"
#include "read/manifest.h"
#include "packed_layout.h"

#define MEM_LIMIT_DEFAULT (NABLA_MEM_DEFAULT_MB << 20)
#define MEM_LIMIT_MAX (NABLA_MEM_MAX_MB << 20)

static struct fuzz_file file;

struct symbol_stats {
    const struct elf_image *img;
    size_t count;
    size_t name_bytes;
};

static void count_symbol(void *ctx, const char *name, const Elf64_Sym *sym)
{
    struct symbol_stats *st = ctx;
    const uint8_t *lo = st->img->data, *hi = lo + st->img->size;
    FUZZ_ASSERT((const uint8_t *)name >= lo && (const uint8_t *)name < hi,
                "symbol name outside the image");
    st->count++;
    st->name_bytes += strlen(name);     /* ASan: the name must be terminated */
    st->name_bytes += sym->st_size & 1; /* the symbol is readable */
}

static void check_image(const struct elf_image *img)
{
    const Elf64_Ehdr *eh = img->ehdr;
    FUZZ_ASSERT((const uint8_t *)eh == img->data, "ehdr not at the start");
    FUZZ_ASSERT(img->size >= sizeof(*eh), "image shorter than an ehdr");
    FUZZ_ASSERT(img->phnum == eh->e_phnum && img->phnum > 0, "phnum %zu",
                img->phnum);
    FUZZ_ASSERT((const uint8_t *)img->phdr >= img->data &&
                    (const uint8_t *)(img->phdr + img->phnum) <=
                        img->data + img->size,
                "program headers outside the image");
    struct symbol_stats st = {.img = img};
    elf_image_symbols(img, count_symbol, &st);
}

static void check_guest(const struct guest *g, uint64_t mem_limit)
{
    const struct elf_image *img = &g->img;
    check_image(img);
    FUZZ_ASSERT(img->ehdr->e_type == ET_EXEC, "e_type %u", img->ehdr->e_type);
    FUZZ_ASSERT(g->nloads >= 1 && g->nloads <= NABLA_MAX_GUEST_SEGMENTS,
                "nloads %zu", g->nloads);
    int entry_ok = 0;
    uint64_t end = 0;
    for (size_t i = 0; i < g->nloads; i++) {
        const Elf64_Phdr *ph = g->loads[i];
        FUZZ_ASSERT(ph >= img->phdr && ph < img->phdr + img->phnum,
                    "load %zu is not one of the image's phdrs", i);
        FUZZ_ASSERT(ph->p_type == PT_LOAD && ph->p_memsz > 0,
                    "load %zu type %u memsz %#llx", i, ph->p_type,
                    (unsigned long long)ph->p_memsz);
        FUZZ_ASSERT(ph->p_offset <= img->size &&
                        ph->p_filesz <= img->size - ph->p_offset,
                    "load %zu: file data outside the file", i);
        FUZZ_ASSERT(ph->p_filesz <= ph->p_memsz, "load %zu: filesz>memsz", i);
        FUZZ_ASSERT(
            ph->p_vaddr >= SPT_GUEST_MIN_BASE && ph->p_vaddr < mem_limit &&
                ph->p_memsz <= mem_limit - ph->p_vaddr,
            "load %zu at %#llx+%#llx outside guest memory", i,
            (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_memsz);
        FUZZ_ASSERT(ph->p_vaddr % SPT_PAGE_SIZE == ph->p_offset % SPT_PAGE_SIZE,
                    "load %zu not congruent", i);
        FUZZ_ASSERT(!((ph->p_flags & PF_W) && (ph->p_flags & PF_X)),
                    "load %zu is W+X", i);
        for (size_t k = 0; k < i; k++) {
            const Elf64_Phdr *o = g->loads[k];
            uint64_t a0 = ph->p_vaddr & ~(SPT_PAGE_SIZE - 1);
            uint64_t a1 = (ph->p_vaddr + ph->p_memsz + SPT_PAGE_SIZE - 1) &
                          ~(SPT_PAGE_SIZE - 1);
            uint64_t b0 = o->p_vaddr & ~(SPT_PAGE_SIZE - 1);
            uint64_t b1 = (o->p_vaddr + o->p_memsz + SPT_PAGE_SIZE - 1) &
                          ~(SPT_PAGE_SIZE - 1);
            FUZZ_ASSERT(a1 <= b0 || b1 <= a0, "loads %zu and %zu overlap", k,
                        i);
        }
        if ((ph->p_flags & PF_X) && g->entry >= ph->p_vaddr &&
            g->entry - ph->p_vaddr < ph->p_memsz)
            entry_ok = 1;
        if (ph->p_vaddr + ph->p_memsz > end)
            end = ph->p_vaddr + ph->p_memsz;
    }
    FUZZ_ASSERT(entry_ok, "entry %#llx", (unsigned long long)g->entry);
    FUZZ_ASSERT(g->kernel_end == end, "kernel_end %#llx, segments end %#llx",
                (unsigned long long)g->kernel_end, (unsigned long long)end);
    FUZZ_ASSERT(g->abi.abi_target == ABI_TARGET_SPT &&
                    g->abi.abi_version == ABI_SPT_VERSION,
                "abi %u/%u", g->abi.abi_target, g->abi.abi_version);
    FUZZ_ASSERT(g->mft != NULL && g->mft_size >= sizeof(struct mft) &&
                    g->mft_size <= MFT_SIZE(MFT_MAX_ENTRIES),
                "manifest copy missing or of size %zu", g->mft_size);
    char err[256];
    FUZZ_ASSERT(manifest_check(g->mft, g->mft_size, err, sizeof(err)) == 0,
                "manifest accepted by guest_load, refused now: %s", err);
    /* What pack.c reads next: the entries, through the struct. */
    FUZZ_ASSERT(g->mft->entries >= 1 && g->mft->entries <= MFT_MAX_ENTRIES &&
                    MFT_SIZE(g->mft->entries) == g->mft_size,
                "manifest entries %u", g->mft->entries);
    for (uint32_t i = 1; i < g->mft->entries; i++)
        FUZZ_ASSERT(strlen(g->mft->e[i].name) < MFT_NAME_SIZE, "entry %u name",
                    i);
}

static void load_both_ways(const char *path, const uint8_t *data, size_t size)
{
    struct elf_image a, b;
    char erra[512] = "", errb[512] = "";
    int ra = elf_image_load(&a, path, erra, sizeof(erra));
    int rb = elf_image_from_memory(&b, path, data, size, errb, sizeof(errb));
    FUZZ_ASSERT(ra == rb, "elf_image_load %d ('%s'), from_memory %d ('%s')", ra,
                erra, rb, errb);
    if (ra != 0) {
        FUZZ_ASSERT(strcmp(erra, errb) == 0, "'%s' vs '%s'", erra, errb);
        FUZZ_ASSERT(fuzz_is_printable_line(erra, sizeof(erra)),
                    "message not one printable line");
        return;
    }
    FUZZ_ASSERT(a.size == size && memcmp(a.data, data, size) == 0,
                "image is not the file");
    check_image(&a);
    check_image(&b);
    elf_image_free(&a);
    elf_image_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_set(&file, "fuzz_elf", data, size);

    load_both_ways(path, data, size);

    /* The packer's default memory first; a guest too large for it, also at
     * the largest --mem. */
    static const uint64_t limits[] = {MEM_LIMIT_DEFAULT, MEM_LIMIT_MAX};
    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        struct guest g;
        char err[512] = "";
        if (guest_load(&g, path, limits[i], err, sizeof(err)) == 0) {
            FUZZ_SAY("guest_load (%llu MiB): ok, %zu segments, %u entries",
                     (unsigned long long)(limits[i] >> 20), g.nloads,
                     g.mft->entries);
            check_guest(&g, limits[i]);
            guest_free(&g);
            break;
        }
        FUZZ_SAY("guest_load (%llu MiB): %s",
                 (unsigned long long)(limits[i] >> 20), err);
        FUZZ_ASSERT(fuzz_is_printable_line(err, sizeof(err)),
                    "message not one printable line");
        if (strstr(err, "use a larger --mem") == NULL)
            break;
    }
    return 0;
}
