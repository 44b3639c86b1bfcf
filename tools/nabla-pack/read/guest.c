/* Validation of a unikernel ELF against the spt ABI v2 (docs/abi.md §1). */
#include "read/guest.h"

#include "read/arch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/manifest.h"
#include "read/packed.h"
#include "util/util.h"

const char *guest_abi_target_name(uint32_t t)
{
    switch (t) {
    case ABI_TARGET_HVT:
        return "hvt";
    case ABI_TARGET_SPT:
        return "spt";
    case ABI_TARGET_VIRTIO:
        return "virtio";
    case ABI_TARGET_MUEN:
        return "muen";
    case ABI_TARGET_GENODE:
        return "genode";
    case ABI_TARGET_XEN:
        return "xen";
    default:
        return NULL;
    }
}

static uint64_t page_down(uint64_t a)
{
    return a & ~(SPT_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t a)
{
    return align_up(a, SPT_PAGE_SIZE);
}

static int check_interp(struct guest *g, const Elf64_Phdr *ph, char *err,
                        size_t errsz)
{
    const struct elf_image *img = &g->img;
    char interp[64] = "";

    if (ph->p_offset <= img->size && ph->p_filesz <= img->size - ph->p_offset &&
        ph->p_filesz > 0 && ph->p_filesz < sizeof(interp)) {
        memcpy(interp, img->data + ph->p_offset, ph->p_filesz);
        interp[ph->p_filesz - 1] = '\0';
        if (strcmp(interp, SOLO5_INTERP) == 0)
            return 0;
    }
    for (char *c = interp; *c; c++) {
        if (*c < 0x20 || *c > 0x7e)
            *c = '?';
    }
    return fail(err, errsz,
                "%s: dynamically linked (interpreter '%s'): not a unikernel",
                img->path, interp);
}

static int check_load(struct guest *g, const Elf64_Phdr *ph, uint64_t mem_limit,
                      char *err, size_t errsz)
{
    const char *path = g->img.path;
    size_t i = g->nloads;

    if (g->nloads == NABLA_MAX_GUEST_SEGMENTS)
        return fail(err, errsz, "%s: more than %d PT_LOAD segments", path,
                    NABLA_MAX_GUEST_SEGMENTS);
    if (ph->p_filesz > ph->p_memsz)
        return fail(err, errsz,
                    "%s: PT_LOAD %zu: p_filesz %#llx larger than p_memsz %#llx",
                    path, i, (unsigned long long)ph->p_filesz,
                    (unsigned long long)ph->p_memsz);
    if (ph->p_offset > g->img.size || ph->p_filesz > g->img.size - ph->p_offset)
        return fail(err, errsz,
                    "%s: PT_LOAD %zu: file data runs past the end "
                    "of the file",
                    path, i);
    if (ph->p_vaddr < SPT_GUEST_MIN_BASE)
        return fail(
            err, errsz,
            "%s: PT_LOAD %zu at %#llx is below the lowest guest address "
            "0x100000",
            path, i, (unsigned long long)ph->p_vaddr);
    if (ph->p_vaddr >= mem_limit || ph->p_memsz > mem_limit - ph->p_vaddr)
        return fail(err, errsz,
                    "%s: PT_LOAD %zu ends above guest memory (%llu MiB): use a "
                    "larger --mem",
                    path, i, (unsigned long long)(mem_limit >> 20));
    if (ph->p_vaddr % SPT_PAGE_SIZE != ph->p_offset % SPT_PAGE_SIZE)
        return fail(err, errsz,
                    "%s: PT_LOAD %zu: p_vaddr and p_offset are not congruent "
                    "modulo the page size",
                    path, i);
    if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return fail(err, errsz,
                    "%s: PT_LOAD %zu at %#llx is writable and executable (W+X)",
                    path, i, (unsigned long long)ph->p_vaddr);
    for (size_t k = 0; k < g->nloads; k++) {
        const Elf64_Phdr *o = g->loads[k];
        if (page_down(ph->p_vaddr) < page_up(o->p_vaddr + o->p_memsz) &&
            page_down(o->p_vaddr) < page_up(ph->p_vaddr + ph->p_memsz))
            return fail(err, errsz, "%s: PT_LOAD %zu overlaps PT_LOAD %zu",
                        path, i, k);
    }
    g->loads[g->nloads++] = ph;
    if (ph->p_vaddr + ph->p_memsz > g->kernel_end)
        g->kernel_end = ph->p_vaddr + ph->p_memsz;
    return 0;
}

/*
 * Walks the notes of one PT_NOTE, recording ABI1 and MFT1. Foreign notes
 * follow the generic ELF layout (descriptor aligned to p_align); a Solo5
 * note's descriptor always starts 20 bytes in, as Solo5 writes it, and the
 * MFT1 descriptor's first 4 bytes are padding before struct mft.
 */
static int scan_notes(struct guest *g, const Elf64_Phdr *ph, int *nabi,
                      int *nmft, char *err, size_t errsz)
{
    const struct elf_image *img = &g->img;
    uint64_t align = ph->p_align == 8 ? 8 : 4;

    if (ph->p_offset > img->size || ph->p_filesz > img->size - ph->p_offset)
        return fail(err, errsz, "%s: note does not fall within valid size",
                    img->path);
    const uint8_t *base = img->data + ph->p_offset;
    uint64_t size = ph->p_filesz, off = 0;
    while (off < size) {
        uint32_t hdr[3];
        if (size - off < sizeof(hdr))
            return fail(err, errsz, "%s: note does not fall within valid size",
                        img->path);
        memcpy(hdr, base + off, sizeof(hdr));
        uint64_t namesz = hdr[0], descsz = hdr[1], type = hdr[2];
        uint64_t name_off = off + sizeof(hdr);
        int solo5 = namesz == sizeof(ABI_NOTE_NAME) &&
                    size - name_off >= SOLO5_NOTE_HEADER_SIZE - sizeof(hdr) &&
                    memcmp(base + name_off, ABI_NOTE_NAME, namesz) == 0;
        uint64_t desc_off = solo5 ? off + SOLO5_NOTE_HEADER_SIZE
                                  : align_up(name_off + namesz, align);
        uint64_t next = align_up(desc_off + descsz, align);
        if (desc_off > size || descsz > size - desc_off || next < off)
            return fail(err, errsz, "%s: note does not fall within valid size",
                        img->path);
        if (solo5 && type == ABI1_NOTE_TYPE) {
            if (descsz < sizeof(struct abi1_info))
                return fail(err, errsz, "%s: ABI1 note too short", img->path);
            memcpy(&g->abi, base + desc_off, sizeof(g->abi));
            (*nabi)++;
        } else if (solo5 && type == MFT1_NOTE_TYPE) {
            if (descsz < MFT1_DESC_PAD + sizeof(struct mft) ||
                descsz > MFT1_DESC_SIZE(MFT_MAX_ENTRIES))
                return fail(err, errsz,
                            "%s: MFT1 note descriptor of %llu bytes: must be "
                            "%d to %zu",
                            img->path, (unsigned long long)descsz,
                            (int)(MFT1_DESC_PAD + sizeof(struct mft)),
                            MFT1_DESC_SIZE(MFT_MAX_ENTRIES));
            /* An aligned copy: in the file, struct mft may sit at any
             * 4-byte boundary. */
            if (*nmft == 0) {
                memcpy(g->mft, base + desc_off + MFT1_DESC_PAD,
                       descsz - MFT1_DESC_PAD);
                g->mft_size = descsz - MFT1_DESC_PAD;
            }
            (*nmft)++;
        }
        off = next > size ? size : next;
    }
    return 0;
}

/* Records every Solo5 note of every PT_NOTE. */
static int scan_all_notes(struct guest *g, char *err, size_t errsz)
{
    for (size_t i = 0; i < g->img.phnum; i++) {
        if (g->img.phdr[i].p_type == PT_NOTE &&
            scan_notes(g, &g->img.phdr[i], &g->nabi, &g->nmft, err, errsz) != 0)
            return -1;
    }
    return 0;
}

static int check_notes(struct guest *g, char *err, size_t errsz)
{
    const char *path = g->img.path;
    int nabi = g->nabi, nmft = g->nmft;

    if (nabi != 1)
        return fail(err, errsz,
                    nabi == 0 ? "%s: no Solo5 ABI1 note: not a Solo5 unikernel"
                              : "%s: more than one Solo5 ABI1 note",
                    path);
    if (g->abi.abi_target != ABI_TARGET_SPT)
        return fail(err, errsz, "%s: built for %s (ABI target %u), not spt",
                    path,
                    guest_abi_target_name(g->abi.abi_target)
                        ? guest_abi_target_name(g->abi.abi_target)
                        : "an unknown target",
                    g->abi.abi_target);
    if (g->abi.abi_version != ABI_SPT_VERSION)
        return fail(err, errsz,
                    "%s: spt ABI version %u not supported (need %d)", path,
                    g->abi.abi_version, ABI_SPT_VERSION);
    if (nmft != 1)
        return fail(err, errsz,
                    nmft == 0 ? "%s: no Solo5 MFT1 (manifest) note"
                              : "%s: more than one Solo5 MFT1 (manifest) note",
                    path);
    char merr[256];
    if (manifest_check(g->mft, g->mft_size, merr, sizeof(merr)) != 0)
        return fail(err, errsz, "%s: %s", path, merr);
    return 0;
}

static int guest_open(struct guest *g, const char *path, char *err,
                      size_t errsz)
{
    memset(g, 0, sizeof(*g));
    g->mft = calloc(1, MFT_SIZE(MFT_MAX_ENTRIES));
    if (g->mft == NULL)
        return fail(err, errsz, "%s: out of memory", path);
    if (elf_image_load(&g->img, path, err, errsz) != 0) {
        free(g->mft);
        g->mft = NULL;
        return -1;
    }
    return 0;
}

int guest_load_notes(struct guest *g, const char *path, char *err, size_t errsz)
{
    if (guest_open(g, path, err, errsz) != 0)
        return -1;
    if (scan_all_notes(g, err, errsz) != 0) {
        guest_free(g);
        return -1;
    }
    return 0;
}

int guest_load(struct guest *g, const char *path, uint64_t mem_limit, char *err,
               size_t errsz)
{
    if (guest_open(g, path, err, errsz) != 0)
        return -1;
    /* Its stub's segments would be refused one by one below, with advice
     * that does not help (a larger --mem). */
    if (packed_recognise(&g->img)) {
        fail(err, errsz,
             "%s is already a packed nabla executable; use 'nabla-pack "
             "extract' to get its guest",
             path);
        goto bad;
    }
    const Elf64_Ehdr *eh = g->img.ehdr;
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        fail(err, errsz, "%s: not a static executable (e_type %u)", path,
             eh->e_type);
        goto bad;
    }
    g->is_pie = eh->e_type == ET_DYN;
    if (g->is_pie && !pack_arch_of(eh->e_machine)->pie) {
        fail(err, errsz,
             "%s: a position-independent guest for %s: guest ASLR is "
             "x86_64's only so far (link it at a fixed address)",
             path, pack_machine_name(eh->e_machine));
        goto bad;
    }
    for (size_t i = 0; i < g->img.phnum; i++) {
        const Elf64_Phdr *ph = &g->img.phdr[i];
        int rc = 0;
        if (ph->p_type == PT_DYNAMIC && !g->is_pie) {
            if (guest_pie_flagged(g))
                fail(err, errsz,
                     "%s: a PIE marked ET_EXEC (GNU ld marks a PIE linked "
                     "at a non-zero address so): run 'elfedit "
                     "--output-type=dyn %s' after linking",
                     path, path);
            else
                fail(err, errsz,
                     "%s: dynamically linked (PT_DYNAMIC): not a "
                     "unikernel",
                     path);
            goto bad;
        }
        if (ph->p_type == PT_INTERP)
            rc = check_interp(g, ph, err, errsz);
        else if (ph->p_type == PT_LOAD && ph->p_memsz > 0)
            rc = check_load(g, ph, mem_limit, err, errsz);
        if (rc != 0)
            goto bad;
    }
    if (g->nloads == 0) {
        fail(err, errsz, "%s: no PT_LOAD segment", path);
        goto bad;
    }
    g->entry = eh->e_entry;
    int entry_ok = 0;
    for (size_t k = 0; k < g->nloads; k++) {
        const Elf64_Phdr *ph = g->loads[k];
        if ((ph->p_flags & PF_X) && g->entry >= ph->p_vaddr &&
            g->entry - ph->p_vaddr < ph->p_memsz)
            entry_ok = 1;
    }
    if (!entry_ok) {
        fail(err, errsz,
             "%s: entry point %#llx is outside every executable segment", path,
             (unsigned long long)g->entry);
        goto bad;
    }
    if (scan_all_notes(g, err, errsz) != 0 || check_notes(g, err, errsz) != 0)
        goto bad;
    if (g->is_pie && guest_pie_check(g, err, errsz) != 0)
        goto bad;
    return 0;
bad:
    guest_free(g);
    return -1;
}

void guest_free(struct guest *g)
{
    free(g->mft);
    g->mft = NULL;
    elf_image_free(&g->img);
}
