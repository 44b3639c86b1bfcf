/*
 * The ELF merge. Layout of the output (ET_EXEC), in file order:
 *
 *   offset 0        ELF header, program headers, the GNU build-ID note
 *   offset 0x1000   payload (struct nabla_payload ...)
 *   then            each stub PT_LOAD (its text, with the entry code, first)
 *   then            each guest PT_LOAD
 *   then            the guest's .debug_* sections, .symtab, .strtab,
 *                   .shstrtab
 *   last            the section headers
 *
 * Each PT_LOAD lies at a page-congruent offset, so that execve maps it in
 * place. The order is for a cut-short copy: the stub's first instructions
 * (stub/entry.c) find out that the file is incomplete and say so, so
 * they lie as early as they can, and everything a cut could remove after
 * them is reported: the file ends with the section header table, whose end
 * is the size a complete file has (packed_complete_size). Every allocated
 * section comes before the unallocated ones, as tools that rewrite the
 * debugging sections in place want (dwz refuses a file otherwise). A
 * segment with bss gets zeros in the file up to the end of its last file
 * page (at most a page), so that the kernel never has to clear a page tail
 * of the file at execve: on a cut file, that fault would kill the process
 * (SIGSEGV) before the stub runs.
 *
 * Program headers, in address order: guest PT_LOADs, stub PT_LOADs, the
 * payload PT_LOAD (which maps offset 0, so the kernel can give the stub
 * AT_PHDR), then PT_NOTE (the build ID), the stub's PT_TLS if it has one,
 * PT_GNU_STACK. The guest's PT_INTERP, PT_TLS and PT_NOTEs are not carried
 * over.
 *
 * Every byte of a segment is also covered by a section, so that strip and
 * objcopy keep it; symbols of both inputs go to one .symtab for gdb/perf.
 * The build ID is written as zeros here and filled in once the file is
 * complete (pack.c).
 */
#include "pack/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "nabla/abi.h"
#include "pack/elfwrite.h"
#include "packed_layout.h"
#include "util/util.h"

#define MAX_SEGS (2 * NABLA_MAX_GUEST_SEGMENTS + 8)
#define MAX_DEBUG_SECTIONS 24
#define MAX_PHDRS (MAX_SEGS + 5)
/* The GNU build-ID note: Elf64_Nhdr, "GNU\0", the ID. */
#define NOTE_SIZE (sizeof(Elf64_Nhdr) + 4 + NABLA_BUILD_ID_SIZE)

struct out_seg {
    const char *name_prefix; /* ".guest" or ".stub" */
    unsigned index;
    const uint8_t *data;
    uint8_t *zero_filled; /* data with zeros appended (owned), or NULL */
    uint64_t vaddr, filesz, memsz, offset;
    uint32_t flags;
};

/* Where a section lies in the file: at a fixed offset, in a segment (its
 * file bytes or, for bss, right after them), or among the non-loaded data
 * after all the segments. */
enum sec_place { AT_OFFSET, IN_SEGMENT, SEGMENT_BSS, UNLOADED };

struct out_sec {
    char name[32];
    uint32_t type;
    uint64_t flags, addr, offset, size, align;
    const void *data;
    enum sec_place place;
    size_t seg; /* IN_SEGMENT, SEGMENT_BSS */
};

struct merge {
    struct out_seg segs[MAX_SEGS];
    size_t nsegs;
    struct out_sec secs[2 * MAX_SEGS + MAX_DEBUG_SECTIONS + 6];
    size_t nsecs;    /* including the null section */
    struct buf syms; /* Elf64_Sym */
    size_t nlocal;   /* symbols before the first global, the null one too */
    struct buf symstr, shstr;
    uint8_t note[NOTE_SIZE]; /* the build-ID note, its ID zero */
};

/* Appends s to a string table; returns its offset there. */
static uint32_t strtab_add(struct buf *t, const char *s)
{
    size_t at = t->len;
    buf_append(t, s, strlen(s) + 1);
    return (uint32_t)at;
}

/* Returns 0, or -1 when out of memory. */
static int add_seg(struct merge *m, const char *prefix, unsigned index,
                   const struct elf_image *img, const Elf64_Phdr *ph,
                   const uint8_t *data)
{
    struct out_seg *s = &m->segs[m->nsegs++];
    s->name_prefix = prefix;
    s->index = index;
    s->data = data ? data : img->data + ph->p_offset;
    s->vaddr = ph->p_vaddr;
    s->filesz = ph->p_filesz;
    s->memsz = ph->p_memsz;
    s->flags = ph->p_flags;
    /* Bss that starts inside a page: the rest of that page as zeros in the
     * file (see the top of this file). */
    uint64_t file_end = s->vaddr + s->filesz;
    if (s->memsz > s->filesz && file_end % SPT_PAGE_SIZE != 0) {
        uint64_t filesz = align_up(file_end, SPT_PAGE_SIZE) - s->vaddr;
        if (filesz > s->memsz)
            filesz = s->memsz;
        s->zero_filled = calloc(1, filesz);
        if (s->zero_filled == NULL)
            return -1;
        memcpy(s->zero_filled, s->data, s->filesz);
        s->data = s->zero_filled;
        s->filesz = filesz;
    }
    return 0;
}

static uint64_t sec_flags(uint32_t pflags)
{
    uint64_t f = SHF_ALLOC;
    if (pflags & PF_W)
        f |= SHF_WRITE;
    if (pflags & PF_X)
        f |= SHF_EXECINSTR;
    return f;
}

static struct out_sec *add_sec(struct merge *m, const char *name, uint32_t type,
                               uint64_t flags, uint64_t addr, uint64_t size,
                               const void *data, enum sec_place place)
{
    struct out_sec *s = &m->secs[m->nsecs++];
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->type = type;
    s->flags = flags;
    s->addr = addr;
    s->size = size;
    s->align = 1;
    s->data = data;
    s->place = place;
    return s;
}

/* The output section holding address v, or SHN_ABS. */
static uint16_t section_of(const struct merge *m, uint64_t v)
{
    for (size_t i = 1; i < m->nsecs; i++) {
        const struct out_sec *s = &m->secs[i];
        if ((s->flags & SHF_ALLOC) && v >= s->addr && v < s->addr + s->size)
            return (uint16_t)i;
    }
    return SHN_ABS;
}

struct sym_ctx {
    struct merge *m;
    int pass;       /* 0: locals, 1: globals */
    int demote_all; /* stub symbols all become local */
};

static void add_symbol(void *ctx, const char *name, const Elf64_Sym *sym)
{
    struct sym_ctx *c = ctx;
    struct merge *m = c->m;
    unsigned type = ELF64_ST_TYPE(sym->st_info);
    unsigned bind = ELF64_ST_BIND(sym->st_info);
    int local = c->demote_all || bind == STB_LOCAL;

    if (type == STT_SECTION || type == STT_FILE || type == STT_TLS ||
        sym->st_shndx == SHN_UNDEF || name[0] == '\0')
        return;
    if (local != (c->pass == 0))
        return;
    Elf64_Sym out = *sym;
    out.st_name = strtab_add(&m->symstr, name);
    out.st_info = ELF64_ST_INFO(local ? STB_LOCAL : bind, type);
    out.st_shndx =
        sym->st_shndx == SHN_ABS ? SHN_ABS : section_of(m, sym->st_value);
    buf_append(&m->syms, &out, sizeof(out));
}

static void collect_symbols(struct merge *m, const struct merge_input *in)
{
    static const Elf64_Sym null_sym;

    buf_append(&m->syms, &null_sym, sizeof(null_sym)); /* entry 0 */
    strtab_add(&m->symstr, "");
    struct sym_ctx stub = {m, 0, 1}, guest = {m, 0, 0};
    elf_image_symbols(in->stub, add_symbol, &stub);
    elf_image_symbols(in->guest, add_symbol, &guest);
    m->nlocal = m->syms.len / sizeof(Elf64_Sym);
    guest.pass = 1;
    elf_image_symbols(in->guest, add_symbol, &guest);
}

/*
 * The guest's DWARF sections (.debug_*), copied unchanged: the guest is
 * linked at its final addresses, so gdb can use them as they are. Anything
 * that does not lie inside the file is skipped: debug data is optional.
 */
static void add_debug_sections(struct merge *m, const struct elf_image *g)
{
    const Elf64_Ehdr *eh = g->ehdr;
    Elf64_Shdr strtab;
    size_t added = 0;

    if (eh->e_shoff == 0 || eh->e_shstrndx >= eh->e_shnum)
        return;
    memcpy(&strtab, g->data + eh->e_shoff + eh->e_shstrndx * sizeof(strtab),
           sizeof(strtab));
    if (strtab.sh_offset > g->size ||
        strtab.sh_size > g->size - strtab.sh_offset)
        return;
    for (unsigned i = 1; i < eh->e_shnum && added < MAX_DEBUG_SECTIONS; i++) {
        Elf64_Shdr sh;
        char name[32];
        memcpy(&sh, g->data + eh->e_shoff + i * sizeof(sh), sizeof(sh));
        if (sh.sh_type != SHT_PROGBITS || (sh.sh_flags & SHF_ALLOC) ||
            sh.sh_name >= strtab.sh_size || sh.sh_offset > g->size ||
            sh.sh_size > g->size - sh.sh_offset)
            continue;
        const char *n = (const char *)g->data + strtab.sh_offset + sh.sh_name;
        size_t max = strtab.sh_size - sh.sh_name;
        if (strnlen(n, max) == max || strncmp(n, ".debug_", 7) != 0 ||
            strlen(n) >= sizeof(name))
            continue;
        snprintf(name, sizeof(name), "%s", n);
        add_sec(m, name, SHT_PROGBITS, sh.sh_flags & SHF_COMPRESSED, 0,
                sh.sh_size, g->data + sh.sh_offset, UNLOADED)
            ->align = 8;
        added++;
    }
}

/* The build-ID note, its ID zero, at offset `at` of the first page. */
static void add_note(struct merge *m, uint64_t at)
{
    Elf64_Nhdr nh = {4, NABLA_BUILD_ID_SIZE, NT_GNU_BUILD_ID};
    memcpy(m->note, &nh, sizeof(nh));
    memcpy(m->note + sizeof(nh), "GNU", 4);
    struct out_sec *s =
        add_sec(m, ".note.gnu.build-id", SHT_NOTE, SHF_ALLOC,
                NABLA_PAYLOAD_BASE + at, sizeof(m->note), m->note, AT_OFFSET);
    s->offset = at;
    s->align = 4;
}

/* The sections of the headers page, the payload and the segments. */
static void add_loaded_sections(struct merge *m, const struct merge_input *in,
                                uint64_t note_at)
{
    add_sec(m, "", SHT_NULL, 0, 0, 0, NULL, AT_OFFSET);
    add_note(m, note_at);
    add_sec(m, ".nabla.payload", SHT_PROGBITS, SHF_ALLOC,
            NABLA_PAYLOAD_BASE + NABLA_PAYLOAD_HEADER_OFFSET, in->payload_size,
            in->payload, AT_OFFSET)
        ->offset = NABLA_PAYLOAD_HEADER_OFFSET;
    for (size_t i = 0; i < m->nsegs; i++) {
        struct out_seg *s = &m->segs[i];
        char name[32];
        snprintf(name, sizeof(name), "%s.%u", s->name_prefix, s->index);
        if (s->filesz > 0)
            add_sec(m, name, SHT_PROGBITS, sec_flags(s->flags), s->vaddr,
                    s->filesz, s->data, IN_SEGMENT)
                ->seg = i;
        if (s->memsz > s->filesz) {
            snprintf(name, sizeof(name), "%s.%u.bss", s->name_prefix, s->index);
            add_sec(m, name, SHT_NOBITS, sec_flags(s->flags),
                    s->vaddr + s->filesz, s->memsz - s->filesz, NULL,
                    SEGMENT_BSS)
                ->seg = i;
        }
    }
}

/* Places segments [from, to) from offset off; returns the next free one. */
static uint64_t place_segments(struct merge *m, size_t from, size_t to,
                               uint64_t off)
{
    for (size_t i = from; i < to; i++) {
        struct out_seg *s = &m->segs[i];
        if (s->filesz == 0) {
            /* Nothing of the file is mapped: any congruent offset. */
            s->offset = s->vaddr % SPT_PAGE_SIZE;
            continue;
        }
        off = align_up(off, SPT_PAGE_SIZE) + s->vaddr % SPT_PAGE_SIZE;
        s->offset = off;
        off += s->filesz;
    }
    return off;
}

/*
 * File offsets, in the order at the top of this file: the stub's segments
 * after the payload, then the guest's, then the unloaded sections, the
 * section headers last (at *shoff). Returns the file size.
 */
static uint64_t place_all(struct merge *m, const struct merge_input *in,
                          size_t nguest, uint64_t *shoff)
{
    uint64_t off = NABLA_PAYLOAD_HEADER_OFFSET + in->payload_size;

    off = place_segments(m, nguest, m->nsegs, off);
    off = place_segments(m, 0, nguest, off);
    /* On a page of their own: the rest of the last segment's page, which
     * execve maps past its end (guest memory after kernel_end), stays
     * zeros, as when that segment ended the file. */
    off = align_up(off, SPT_PAGE_SIZE);
    for (size_t i = 1; i < m->nsecs; i++) {
        struct out_sec *s = &m->secs[i];
        if (s->place == IN_SEGMENT)
            s->offset = m->segs[s->seg].offset;
        else if (s->place == SEGMENT_BSS)
            s->offset = m->segs[s->seg].offset + m->segs[s->seg].filesz;
        else if (s->place == UNLOADED) {
            off = align_up(off, s->align);
            s->offset = off;
            off += s->size;
        }
    }
    *shoff = align_up(off, 8);
    return *shoff + m->nsecs * sizeof(Elf64_Shdr);
}

/*
 * A PT_LOAD's p_paddr (which Linux ignores in an executable) is its file
 * offset: strip and objcopy lay segments out in the order of their p_paddr
 * (binutils' elf_sort_segments), so a stripped file keeps the file order at
 * the top of this file, the stub's entry code early.
 */
static void add_phdr(Elf64_Phdr *ph, size_t *n, uint32_t type, uint32_t flags,
                     uint64_t offset, uint64_t vaddr, uint64_t filesz,
                     uint64_t memsz, uint64_t align)
{
    Elf64_Phdr *p = &ph[(*n)++];
    p->p_type = type;
    p->p_flags = flags;
    p->p_offset = offset;
    p->p_vaddr = vaddr;
    p->p_paddr = type == PT_LOAD ? offset : vaddr;
    p->p_filesz = filesz;
    p->p_memsz = memsz;
    p->p_align = align;
}

/* note_at: where the build-ID note lies in the first page. */
static size_t build_phdrs(const struct merge *m, const struct merge_input *in,
                          size_t nguest, uint64_t note_at, Elf64_Phdr *ph)
{
    size_t n = 0;

    for (size_t i = 0; i < nguest; i++) {
        const struct out_seg *s = &m->segs[i];
        add_phdr(ph, &n, PT_LOAD, s->flags, s->offset, s->vaddr, s->filesz,
                 s->memsz, SPT_PAGE_SIZE);
    }
    /* In address order, as ELF wants: the stub, then the payload. */
    for (size_t i = nguest; i < m->nsegs; i++) {
        const struct out_seg *s = &m->segs[i];
        add_phdr(ph, &n, PT_LOAD, s->flags, s->offset, s->vaddr, s->filesz,
                 s->memsz, SPT_PAGE_SIZE);
    }
    uint64_t payload_end = NABLA_PAYLOAD_HEADER_OFFSET + in->payload_size;
    add_phdr(ph, &n, PT_LOAD, PF_R, 0, NABLA_PAYLOAD_BASE, payload_end,
             payload_end, SPT_PAGE_SIZE);
    add_phdr(ph, &n, PT_NOTE, PF_R, note_at, NABLA_PAYLOAD_BASE + note_at,
             NOTE_SIZE, NOTE_SIZE, 4);
    /* The stub's C library finds its TLS image through PT_TLS. */
    for (size_t i = 0; i < in->stub->phnum; i++) {
        const Elf64_Phdr *t = &in->stub->phdr[i];
        if (t->p_type != PT_TLS)
            continue;
        for (size_t k = nguest; k < m->nsegs; k++) {
            const struct out_seg *s = &m->segs[k];
            if (t->p_vaddr >= s->vaddr && t->p_vaddr < s->vaddr + s->memsz)
                add_phdr(ph, &n, PT_TLS, t->p_flags,
                         s->offset + (t->p_vaddr - s->vaddr), t->p_vaddr,
                         t->p_filesz, t->p_memsz, t->p_align);
        }
    }
    add_phdr(ph, &n, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
    return n;
}

/* How many program headers build_phdrs makes. */
static size_t count_phdrs(const struct merge *m, const struct merge_input *in)
{
    size_t n = m->nsegs + 3; /* + payload, note, stack */
    for (size_t i = 0; i < in->stub->phnum; i++)
        n += in->stub->phdr[i].p_type == PT_TLS;
    return n;
}

/* The headers and sections of m, into w (the file's bytes are the
 * sections'). */
static void put_sections(struct elf_writer *w, const struct merge *m,
                         const uint32_t *names, size_t symtab_index)
{
    for (size_t i = 1; i < m->nsecs; i++) {
        const struct out_sec *s = &m->secs[i];
        Elf64_Shdr sh = {.sh_name = names[i],
                         .sh_type = s->type,
                         .sh_flags = s->flags,
                         .sh_addr = s->addr,
                         .sh_offset = s->offset,
                         .sh_size = s->size,
                         .sh_addralign = s->align};
        if (i == symtab_index) {
            sh.sh_entsize = sizeof(Elf64_Sym);
            sh.sh_link = (uint32_t)(symtab_index + 1);
            sh.sh_info = (uint32_t)m->nlocal;
        }
        elf_writer_section(w, &sh, s->data);
    }
}

static int write_elf(struct merge *m, const struct merge_input *in,
                     size_t nguest, struct buf *out, char *err, size_t errsz)
{
    Elf64_Phdr phdrs[MAX_PHDRS];
    size_t nphdrs = count_phdrs(m, in);
    uint64_t note_at = align_up(elf_writer_headers_end(nphdrs), 4);

    if (nphdrs > MAX_PHDRS || note_at + NOTE_SIZE > NABLA_PAYLOAD_HEADER_OFFSET)
        return fail(err, errsz, "writing the packed ELF: too many segments");
    add_loaded_sections(m, in, note_at);
    add_debug_sections(m, in->guest);
    collect_symbols(m, in);
    size_t symtab_index = m->nsecs;
    add_sec(m, ".symtab", SHT_SYMTAB, 0, 0, m->syms.len, m->syms.data, UNLOADED)
        ->align = 8;
    add_sec(m, ".strtab", SHT_STRTAB, 0, 0, m->symstr.len, m->symstr.data,
            UNLOADED);
    uint32_t names[sizeof(m->secs) / sizeof(m->secs[0])];
    for (size_t i = 0; i < m->nsecs; i++)
        names[i] = strtab_add(&m->shstr, m->secs[i].name);
    size_t shstr_index = m->nsecs;
    names[shstr_index] = strtab_add(&m->shstr, ".shstrtab");
    if (m->syms.oom || m->symstr.oom || m->shstr.oom)
        return fail(err, errsz, "writing the packed ELF: out of memory");
    add_sec(m, ".shstrtab", SHT_STRTAB, 0, 0, m->shstr.len, m->shstr.data,
            UNLOADED);
    uint64_t shoff;
    place_all(m, in, nguest, &shoff);
    if (build_phdrs(m, in, nguest, note_at, phdrs) != nphdrs)
        return fail(err, errsz, "writing the packed ELF: program headers");

    struct elf_writer w = {0};
    for (size_t i = 0; i < nphdrs; i++)
        elf_writer_phdr(&w, &phdrs[i]);
    put_sections(&w, m, names, symtab_index);
    struct elf_writer_header h = {.type = ET_EXEC,
                                  .machine = in->stub->ehdr->e_machine,
                                  .entry = in->stub->ehdr->e_entry,
                                  .shoff = shoff,
                                  .shstrndx = (uint16_t)shstr_index};
    if (elf_writer_finish(&w, &h) != 0) {
        elf_writer_free(&w);
        return fail(err, errsz, "writing the packed ELF: out of memory");
    }
    *out = w.file;
    w.file = (struct buf){0};
    elf_writer_free(&w);
    return 0;
}

int merge_write(const struct merge_input *in, struct buf *out, char *err,
                size_t errsz)
{
    struct merge *m = calloc(1, sizeof(*m));
    int rc = -1;

    if (m == NULL)
        return fail(err, errsz, "writing the packed ELF: out of memory");
    for (size_t i = 0; i < in->nguest_loads; i++) {
        if (add_seg(m, ".guest", (unsigned)i, in->guest, in->guest_loads[i],
                    in->guest_data ? in->guest_data[i] : NULL) != 0) {
            fail(err, errsz, "writing the packed ELF: out of memory");
            goto out;
        }
    }
    size_t nguest = m->nsegs;
    for (size_t i = 0, k = 0; i < in->stub->phnum; i++) {
        const Elf64_Phdr *ph = &in->stub->phdr[i];
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        if (m->nsegs == MAX_SEGS) {
            fail(err, errsz,
                 "writing the packed ELF: stub has too many "
                 "segments");
            goto out;
        }
        if (add_seg(m, ".stub", (unsigned)k++, in->stub, ph, NULL) != 0) {
            fail(err, errsz, "writing the packed ELF: out of memory");
            goto out;
        }
    }
    rc = write_elf(m, in, nguest, out, err, errsz);
out:
    for (size_t i = 0; i < m->nsegs; i++)
        free(m->segs[i].zero_filled);
    free(m->syms.data);
    free(m->symstr.data);
    free(m->shstr.data);
    free(m);
    return rc;
}

size_t merge_segment_count(const struct merge_input *in)
{
    size_t n = in->nguest_loads;
    for (size_t i = 0; i < in->stub->phnum; i++)
        n += in->stub->phdr[i].p_type == PT_LOAD && in->stub->phdr[i].p_memsz;
    return n;
}
