/*
 * A position-independent guest (ET_DYN, a static PIE; docs/aslr.md): its
 * dynamic section and relocation table, checked so that the stub can move
 * it by any slide with nothing but R_X86_64_RELATIVE relocations.
 */
#include "read/guest.h"

#include <string.h>

#include "util/util.h"

/* What an x86_64 relocation type is called, for messages. */
static const char *reloc_name(uint32_t type)
{
    switch (type) {
    case R_X86_64_NONE:
        return "R_X86_64_NONE";
    case R_X86_64_64:
        return "R_X86_64_64";
    case R_X86_64_PC32:
        return "R_X86_64_PC32";
    case R_X86_64_COPY:
        return "R_X86_64_COPY";
    case R_X86_64_GLOB_DAT:
        return "R_X86_64_GLOB_DAT";
    case R_X86_64_JUMP_SLOT:
        return "R_X86_64_JUMP_SLOT";
    case R_X86_64_RELATIVE:
        return "R_X86_64_RELATIVE";
    case R_X86_64_DTPMOD64:
        return "R_X86_64_DTPMOD64";
    case R_X86_64_DTPOFF64:
        return "R_X86_64_DTPOFF64";
    case R_X86_64_TPOFF64:
        return "R_X86_64_TPOFF64";
    case R_X86_64_IRELATIVE:
        return "R_X86_64_IRELATIVE";
    default:
        return "an unsupported relocation";
    }
}

/* The guest segment whose file bytes hold [vaddr, vaddr + size), or NULL. */
static const Elf64_Phdr *file_segment(const struct guest *g, uint64_t vaddr,
                                      uint64_t size)
{
    for (size_t i = 0; i < g->nloads; i++) {
        const Elf64_Phdr *ph = g->loads[i];
        if (vaddr >= ph->p_vaddr && vaddr - ph->p_vaddr <= ph->p_filesz &&
            size <= ph->p_filesz - (vaddr - ph->p_vaddr))
            return ph;
    }
    return NULL;
}

/* The writable guest segment whose memory holds [vaddr, vaddr + size). */
static const Elf64_Phdr *writable_segment(const struct guest *g, uint64_t vaddr,
                                          uint64_t size)
{
    for (size_t i = 0; i < g->nloads; i++) {
        const Elf64_Phdr *ph = g->loads[i];
        if ((ph->p_flags & PF_W) && vaddr >= ph->p_vaddr &&
            vaddr - ph->p_vaddr <= ph->p_memsz &&
            size <= ph->p_memsz - (vaddr - ph->p_vaddr))
            return ph;
    }
    return NULL;
}

/* The bytes of [vaddr, vaddr + size) in the file (inside a segment). */
static const uint8_t *file_bytes(const struct guest *g, const Elf64_Phdr *ph,
                                 uint64_t vaddr)
{
    return g->img.data + ph->p_offset + (vaddr - ph->p_vaddr);
}

/* What the dynamic section says; 0 for a tag it does not have. */
struct dynamic_tags {
    uint64_t rela, relasz, relaent, flags, flags_1;
    int needed, rel, relr, textrel, jmprel;
};

static int read_dynamic(const struct guest *g, const Elf64_Phdr *dyn,
                        struct dynamic_tags *t, char *err, size_t errsz)
{
    const char *path = g->img.path;

    memset(t, 0, sizeof(*t));
    if (dyn->p_offset > g->img.size ||
        dyn->p_filesz > g->img.size - dyn->p_offset)
        return fail(err, errsz, "%s: PT_DYNAMIC lies outside the file", path);
    size_t n = dyn->p_filesz / sizeof(Elf64_Dyn);
    for (size_t i = 0; i < n; i++) {
        Elf64_Dyn d;
        memcpy(&d, g->img.data + dyn->p_offset + i * sizeof(d), sizeof(d));
        switch (d.d_tag) {
        case DT_NULL:
            return 0;
        case DT_NEEDED:
            t->needed = 1;
            break;
        case DT_RELA:
            t->rela = d.d_un.d_ptr;
            break;
        case DT_RELASZ:
            t->relasz = d.d_un.d_val;
            break;
        case DT_RELAENT:
            t->relaent = d.d_un.d_val;
            break;
        case DT_REL:
        case DT_RELSZ:
            t->rel = 1;
            break;
        case DT_RELR:
        case DT_RELRSZ:
            t->relr = 1;
            break;
        case DT_TEXTREL:
            t->textrel = 1;
            break;
        case DT_JMPREL:
            t->jmprel = 1;
            break;
        case DT_PLTRELSZ:
            t->jmprel |= d.d_un.d_val != 0;
            break;
        case DT_FLAGS:
            t->flags = d.d_un.d_val;
            break;
        case DT_FLAGS_1:
            t->flags_1 = d.d_un.d_val;
            break;
        default:
            break;
        }
    }
    return fail(err, errsz, "%s: PT_DYNAMIC has no DT_NULL: damaged", path);
}

int guest_pie_flagged(const struct guest *g)
{
    for (size_t i = 0; i < g->img.phnum; i++) {
        struct dynamic_tags t;
        char err[8];
        if (g->img.phdr[i].p_type == PT_DYNAMIC &&
            read_dynamic(g, &g->img.phdr[i], &t, err, sizeof(err)) == 0)
            return (t.flags_1 & DF_1_PIE) != 0;
    }
    return 0;
}

/* Every entry R_X86_64_RELATIVE, writing 8 bytes inside a writable
 * segment; sets NABLA_PIE_PRELINKED when every place already holds its
 * addend. */
static int check_relocations(struct guest *g, const uint8_t *table,
                             uint64_t count, char *err, size_t errsz)
{
    const char *path = g->img.path;
    int prelinked = 1;

    for (uint64_t i = 0; i < count; i++) {
        Elf64_Rela r;
        memcpy(&r, table + i * sizeof(r), sizeof(r));
        uint32_t type = (uint32_t)ELF64_R_TYPE(r.r_info);
        if (type != R_X86_64_RELATIVE || ELF64_R_SYM(r.r_info) != 0)
            return fail(err, errsz,
                        "%s: relocation %llu (at %#llx) is %s (type %u): a "
                        "position-independent guest may have "
                        "R_X86_64_RELATIVE relocations only (link it with "
                        "-static-pie -z now, every symbol defined)",
                        path, (unsigned long long)i,
                        (unsigned long long)r.r_offset,
                        type == R_X86_64_RELATIVE ? "R_X86_64_RELATIVE "
                                                    "against a symbol"
                                                  : reloc_name(type),
                        type);
        if (writable_segment(g, r.r_offset, 8) == NULL)
            return fail(err, errsz,
                        "%s: relocation %llu writes to %#llx, outside every "
                        "writable segment (damaged, or a text relocation)",
                        path, (unsigned long long)i,
                        (unsigned long long)r.r_offset);
        const Elf64_Phdr *in_file = file_segment(g, r.r_offset, 8);
        uint64_t value = 0;
        if (in_file != NULL)
            memcpy(&value, file_bytes(g, in_file, r.r_offset), 8);
        if (in_file == NULL || value != (uint64_t)r.r_addend)
            prelinked = 0;
    }
    if (prelinked)
        g->pie.flags |= NABLA_PIE_PRELINKED;
    return 0;
}

int guest_pie_check(struct guest *g, char *err, size_t errsz)
{
    const char *path = g->img.path;
    const Elf64_Phdr *dyn = NULL, *relro = NULL;

    memset(&g->pie, 0, sizeof(g->pie));
    for (size_t i = 0; i < g->img.phnum; i++) {
        const Elf64_Phdr *ph = &g->img.phdr[i];
        if (ph->p_type == PT_DYNAMIC)
            dyn = ph;
        else if (ph->p_type == PT_GNU_RELRO && ph->p_memsz > 0)
            relro = ph;
    }
    if (dyn == NULL)
        return fail(err, errsz,
                    "%s: position-independent (ET_DYN) without PT_DYNAMIC: "
                    "not a static PIE",
                    path);
    struct dynamic_tags t;
    if (read_dynamic(g, dyn, &t, err, errsz) != 0)
        return -1;
    if (!(t.flags_1 & DF_1_PIE))
        return fail(err, errsz,
                    "%s: ET_DYN but not a position-independent executable "
                    "(no DF_1_PIE): a shared library?",
                    path);
    if (t.needed)
        return fail(err, errsz,
                    "%s: needs shared libraries (DT_NEEDED): not a static PIE",
                    path);
    if (t.rel || t.relr || t.jmprel)
        return fail(err, errsz,
                    "%s: has %s relocations: a position-independent guest "
                    "may have RELA (R_X86_64_RELATIVE) relocations only",
                    path,
                    t.rel    ? "REL (DT_REL)"
                    : t.relr ? "packed relative (DT_RELR)"
                             : "PLT (DT_JMPREL: not linked with -z now)");
    if (t.textrel || (t.flags & DF_TEXTREL))
        return fail(err, errsz,
                    "%s: has text relocations (DT_TEXTREL): compile it with "
                    "-fPIE",
                    path);
    if (t.relasz != 0 &&
        (t.relaent != sizeof(Elf64_Rela) || t.relasz % sizeof(Elf64_Rela) != 0))
        return fail(err, errsz,
                    "%s: damaged relocation table (DT_RELASZ %llu, "
                    "DT_RELAENT %llu)",
                    path, (unsigned long long)t.relasz,
                    (unsigned long long)t.relaent);
    const Elf64_Phdr *table_seg = file_segment(g, t.rela, t.relasz);
    if (t.relasz != 0 && table_seg == NULL)
        return fail(err, errsz,
                    "%s: damaged relocation table: DT_RELA %#llx, %llu bytes, "
                    "outside the guest's segments",
                    path, (unsigned long long)t.rela,
                    (unsigned long long)t.relasz);
    g->pie.rela_vaddr = t.relasz != 0 ? t.rela : 0;
    g->pie.rela_count = t.relasz / sizeof(Elf64_Rela);
    if (g->pie.rela_count > 0 &&
        check_relocations(g, file_bytes(g, table_seg, t.rela),
                          g->pie.rela_count, err, errsz) != 0)
        return -1;
    if (g->pie.rela_count == 0)
        g->pie.flags |= NABLA_PIE_PRELINKED;
    if (relro != NULL) {
        if (writable_segment(g, relro->p_vaddr, relro->p_memsz) == NULL)
            return fail(err, errsz,
                        "%s: PT_GNU_RELRO %#llx-%#llx outside every writable "
                        "segment",
                        path, (unsigned long long)relro->p_vaddr,
                        (unsigned long long)(relro->p_vaddr + relro->p_memsz));
        g->pie.relro_vaddr = relro->p_vaddr;
        g->pie.relro_memsz = relro->p_memsz;
    }
    g->pie.dynamic_vaddr = dyn->p_vaddr;
    g->pie.dynamic_memsz = dyn->p_memsz;
    g->pie.align = SPT_PAGE_SIZE;
    for (size_t i = 0; i < g->nloads; i++) {
        uint64_t a = g->loads[i]->p_align;
        if (a != 0 && (a & (a - 1)) != 0)
            return fail(err, errsz,
                        "%s: PT_LOAD %zu: p_align %#llx is not "
                        "a power of two",
                        path, i, (unsigned long long)a);
        if (a > NABLA_PIE_MAX_ALIGN)
            return fail(err, errsz,
                        "%s: PT_LOAD %zu: p_align %#llx larger than %#llx",
                        path, i, (unsigned long long)a,
                        (unsigned long long)NABLA_PIE_MAX_ALIGN);
        if (a > g->pie.align)
            g->pie.align = a;
    }
    return 0;
}
