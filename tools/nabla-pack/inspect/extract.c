/*
 * extract: writes back the guest of a packed executable as a Solo5 spt
 * guest ELF (runnable again by nabla-pack) and its manifest.json.
 *
 * The original file is not stored, so the result is equivalent rather than
 * identical: the same segments (without the exit trampoline), entry point,
 * PT_TLS, ABI1 and MFT1 notes, PT_INTERP, and the guest's symbols; for a
 * position-independent guest ET_DYN, PT_DYNAMIC and PT_GNU_RELRO too.
 * Extracting an extracted-and-repacked guest gives the same bytes again.
 */
#include "inspect/inspect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pack/elfwrite.h"
#include "read/manifest.h"
#include "read/packed.h"
#include "util/cli.h"
#include "util/util.h"

/* The ELF being written: its program headers so far, where its file ends,
 * the index of .shstrtab. */
struct elf_out {
    struct elf_writer w;
    size_t nph;
    size_t off;
    size_t shstrndx;
};

static void add_phdr(struct elf_out *e, Elf64_Phdr ph)
{
    elf_writer_phdr(&e->w, &ph);
    e->nph++;
}

/* The MFT1 note as Solo5 lays it out (manifest_note_write). */
static size_t write_mft_note(struct elf_out *e, size_t at,
                             const struct mft *mft)
{
    size_t size = MFT1_MFT_OFFSET + MFT_SIZE(mft->entries);
    unsigned char *note = malloc(size);
    if (note == NULL) {
        e->w.file.oom = 1;
        return 0;
    }
    manifest_note_write(mft, note);
    elf_writer_put(&e->w, at, note, size);
    free(note);
    return size;
}

struct sym_out {
    struct buf syms, names;
    const struct packed *pk;
    size_t nsyms, nlocal;
};

/* Keeps the guest's symbols: those that point into guest segments. */
static void keep_symbol(void *ctx, const char *name, const Elf64_Sym *s)
{
    struct sym_out *so = ctx;
    const struct packed *pk = so->pk;
    int inside = 0;

    for (size_t i = 0; i < pk->nguest; i++) {
        const Elf64_Phdr *ph = pk->guest[i];
        if (s->st_value >= ph->p_vaddr &&
            s->st_value <= ph->p_vaddr + ph->p_memsz)
            inside = 1;
    }
    if (!inside)
        return;
    Elf64_Sym copy = *s;
    copy.st_name = (uint32_t)so->names.len;
    copy.st_shndx = SHN_ABS; /* no guest sections are rebuilt */
    buf_append(&so->names, name, strlen(name) + 1);
    buf_append(&so->syms, &copy, sizeof(copy));
    so->nsyms++;
    /* The packed table lists locals first, so the order is kept. */
    if (ELF64_ST_BIND(s->st_info) == STB_LOCAL)
        so->nlocal++;
}

/* PT_INTERP, then the guest's segments (with its PT_TLS) as they were. */
static int put_segments(const struct packed *pk, struct elf_out *e)
{
    const struct nabla_payload *p = pk->payload;
    int has_tls = p->tls_memsz != 0;

    /* PT_INTERP first, as the ELF specification wants. */
    elf_writer_put(&e->w, e->off, SOLO5_INTERP, sizeof(SOLO5_INTERP));
    add_phdr(e, (Elf64_Phdr){.p_type = PT_INTERP,
                             .p_flags = PF_R,
                             .p_offset = e->off,
                             .p_filesz = sizeof(SOLO5_INTERP),
                             .p_memsz = sizeof(SOLO5_INTERP),
                             .p_align = 1});
    e->off += sizeof(SOLO5_INTERP);
    size_t tls_headers = 0;
    for (size_t i = 0; i < pk->nguest; i++) {
        const Elf64_Phdr *g = pk->guest[i];
        uint64_t filesz = p->segment_filesz[i];
        uint64_t memsz = g->p_memsz - (g->p_filesz - filesz);
        size_t off =
            align_up(e->off, SPT_PAGE_SIZE) + g->p_vaddr % SPT_PAGE_SIZE;
        elf_writer_put(&e->w, off, pk->img.data + g->p_offset, filesz);
        add_phdr(e, (Elf64_Phdr){.p_type = PT_LOAD,
                                 .p_flags = g->p_flags,
                                 .p_offset = off,
                                 .p_vaddr = g->p_vaddr,
                                 .p_paddr = g->p_vaddr,
                                 .p_filesz = filesz,
                                 .p_memsz = memsz,
                                 .p_align = SPT_PAGE_SIZE});
        if (has_tls && p->tls_vaddr >= g->p_vaddr &&
            p->tls_vaddr < g->p_vaddr + memsz) {
            add_phdr(e,
                     (Elf64_Phdr){.p_type = PT_TLS,
                                  .p_flags = PF_R,
                                  .p_offset = off + (p->tls_vaddr - g->p_vaddr),
                                  .p_vaddr = p->tls_vaddr,
                                  .p_paddr = p->tls_vaddr,
                                  .p_filesz = p->tls_filesz,
                                  .p_memsz = p->tls_memsz,
                                  .p_align = p->tls_align});
            tls_headers++;
        }
        e->off = off + filesz;
    }
    /* PT_TLS outside every segment: damaged payload. */
    return tls_headers == (has_tls ? 1u : 0u) ? 0 : -1;
}

/* A position-independent guest's PT_DYNAMIC and PT_GNU_RELRO, which lie
 * in its segments (put_segments wrote their PT_LOADs): their file offsets
 * follow from the segment's. */
static void put_pie_headers(const struct packed *pk, struct elf_out *e)
{
    const struct nabla_pie *pie = payload_pie(pk->payload);
    const uint64_t vaddr[2] = {pie->dynamic_vaddr, pie->relro_vaddr};
    const uint64_t memsz[2] = {pie->dynamic_memsz, pie->relro_memsz};
    const uint32_t type[2] = {PT_DYNAMIC, PT_GNU_RELRO};
    size_t nloads = e->w.phdrs.len / sizeof(Elf64_Phdr);

    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; memsz[k] != 0 && i < nloads; i++) {
            Elf64_Phdr l;
            memcpy(&l, e->w.phdrs.data + i * sizeof(l), sizeof(l));
            if (l.p_type != PT_LOAD || vaddr[k] < l.p_vaddr ||
                vaddr[k] - l.p_vaddr >= l.p_memsz)
                continue;
            uint64_t in_file = l.p_vaddr + l.p_filesz > vaddr[k]
                                   ? l.p_vaddr + l.p_filesz - vaddr[k]
                                   : 0;
            add_phdr(e, (Elf64_Phdr){
                            .p_type = type[k],
                            .p_flags = k == 0 ? PF_R | PF_W : PF_R,
                            .p_offset = l.p_offset + (vaddr[k] - l.p_vaddr),
                            .p_vaddr = vaddr[k],
                            .p_paddr = vaddr[k],
                            .p_filesz = in_file < memsz[k] ? in_file : memsz[k],
                            .p_memsz = memsz[k],
                            .p_align = k == 0 ? 8 : 1});
            break;
        }
    }
}

/* The ABI1 and MFT1 notes, each in its own PT_NOTE, and PT_GNU_STACK. */
static void put_notes(const struct packed *pk, struct elf_out *e)
{
    const struct nabla_payload *p = pk->payload;
    struct abi1_note abi = {{sizeof(ABI_NOTE_NAME), sizeof(struct abi1_info),
                             ABI1_NOTE_TYPE, ABI_NOTE_NAME},
                            {p->abi_target, p->abi_version, 0, 0}};
    e->off = align_up(e->off, 8);
    elf_writer_put(&e->w, e->off, &abi, sizeof(abi));
    add_phdr(e, (Elf64_Phdr){.p_type = PT_NOTE,
                             .p_flags = PF_R,
                             .p_offset = e->off,
                             .p_filesz = sizeof(abi),
                             .p_memsz = sizeof(abi),
                             .p_align = 4});
    e->off = align_up(e->off + sizeof(abi), 8);
    size_t mft_size = write_mft_note(e, e->off, pk->mft);
    add_phdr(e, (Elf64_Phdr){.p_type = PT_NOTE,
                             .p_flags = PF_R,
                             .p_offset = e->off,
                             .p_filesz = mft_size,
                             .p_memsz = mft_size,
                             .p_align = 4});
    e->off = align_up(e->off + mft_size, 8);
    add_phdr(e, (Elf64_Phdr){.p_type = PT_GNU_STACK,
                             .p_flags = PF_R | PF_W,
                             .p_align = 16});
}

/* The guest's symbols (absolute: the sections are not rebuilt) and their
 * sections, .symtab, .strtab and .shstrtab; e->off is then where the
 * section headers go. Returns 0, or -1 when out of memory. */
static int put_symbols(const struct packed *pk, struct elf_out *e)
{
    struct sym_out so = {.pk = pk};
    Elf64_Sym null_sym;
    memset(&null_sym, 0, sizeof(null_sym));
    buf_append(&so.syms, &null_sym, sizeof(null_sym));
    buf_append(&so.names, "", 1);
    elf_image_symbols(&pk->img, keep_symbol, &so);
    static const char shstr[] = "\0.symtab\0.strtab\0.shstrtab";
    size_t symtab_off = e->off;
    elf_writer_put(&e->w, e->off, so.syms.data, so.syms.len);
    e->off += so.syms.len;
    size_t strtab_off = e->off;
    elf_writer_put(&e->w, e->off, so.names.data, so.names.len);
    e->off += so.names.len;
    size_t shstr_off = e->off;
    elf_writer_put(&e->w, e->off, shstr, sizeof(shstr));
    e->off = align_up(e->off + sizeof(shstr), 8);
    Elf64_Shdr symtab = {.sh_name = 1,
                         .sh_type = SHT_SYMTAB,
                         .sh_offset = symtab_off,
                         .sh_size = so.syms.len,
                         .sh_link = 2,
                         .sh_info = (uint32_t)(1 + so.nlocal),
                         .sh_addralign = 8,
                         .sh_entsize = sizeof(Elf64_Sym)};
    Elf64_Shdr strtab = {.sh_name = 9,
                         .sh_type = SHT_STRTAB,
                         .sh_offset = strtab_off,
                         .sh_size = so.names.len,
                         .sh_addralign = 1};
    Elf64_Shdr shstrtab = {.sh_name = 17,
                           .sh_type = SHT_STRTAB,
                           .sh_offset = shstr_off,
                           .sh_size = sizeof(shstr),
                           .sh_addralign = 1};
    elf_writer_section(&e->w, &symtab, so.syms.data);
    elf_writer_section(&e->w, &strtab, so.names.data);
    e->shstrndx = elf_writer_section(&e->w, &shstrtab, shstr);
    int oom = so.syms.oom || so.names.oom;
    free(so.syms.data);
    free(so.names.data);
    return oom ? -1 : 0;
}

/* The guest's ELF file into *o (empty; the caller frees its data). */
static int build_elf(const struct packed *pk, struct buf *o)
{
    const struct nabla_payload *p = pk->payload;
    const struct nabla_pie *pie = payload_pie(p);
    struct elf_out e = {0};
    size_t nphdrs = 1 + pk->nguest + (p->tls_memsz != 0 ? 1 : 0) + 2 + 1;
    if (pie != NULL)
        nphdrs += (pie->dynamic_memsz != 0) + (pie->relro_memsz != 0);

    e.off = elf_writer_headers_end(nphdrs);
    int rc = -1;
    if (put_segments(pk, &e) != 0)
        goto out;
    if (pie != NULL)
        put_pie_headers(pk, &e);
    put_notes(pk, &e);
    if (put_symbols(pk, &e) != 0 || e.nph != nphdrs)
        goto out;
    struct elf_writer_header h = {.type = pie != NULL ? ET_DYN : ET_EXEC,
                                  .machine = pk->img.ehdr->e_machine,
                                  .entry = p->guest_entry,
                                  .shoff = e.off,
                                  .shstrndx = (uint16_t)e.shstrndx};
    if (elf_writer_finish(&e.w, &h) == 0) {
        *o = e.w.file;
        e.w.file = (struct buf){0};
        rc = 0;
    }
out:
    elf_writer_free(&e.w);
    return rc;
}

int cmd_extract(int argc, char **argv)
{
    const char *app = NULL, *dir = NULL;
    struct packed pk;
    struct buf o = {0}, json = {0};
    char err[512];

    for (int i = 1; i < argc; i++) {
        int rc = cli_output_option("extract", argc, argv, &i, &dir);
        if (rc < 0)
            return 1;
        if (rc > 0)
            continue;
        if (argv[i][0] != '-' && app == NULL)
            app = argv[i];
        else
            return die("extract: unexpected argument '%s' (usage: nabla-pack "
                       "extract APP -o DIR)",
                       argv[i]);
    }
    if (app == NULL || dir == NULL)
        return die("usage: nabla-pack extract APP -o DIR");
    if (packed_open(&pk, app, err, sizeof(err)) != 0)
        return die("%s", err);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        die("%s: cannot create: %s", dir, strerror(errno));
        packed_close(&pk);
        return 1;
    }
    const char *base = strrchr(app, '/');
    base = base ? base + 1 : app;
    size_t len = strlen(dir) + strlen(base) + 32;
    char *elf_path = malloc(len), *json_path = malloc(len);
    int rc = 1;
    if (elf_path == NULL || json_path == NULL) {
        die("out of memory");
        goto out;
    }
    snprintf(elf_path, len, "%s/%s.spt", dir, base);
    snprintf(json_path, len, "%s/manifest.json", dir);
    if (cli_refuse_overwrite(elf_path, app, "executable") != 0 ||
        cli_refuse_overwrite(json_path, app, "executable") != 0)
        goto out;
    if (build_elf(&pk, &o) != 0) {
        die("%s: damaged payload or out of memory", app);
        goto out;
    }
    manifest_json(&json, pk.mft, MANIFEST_JSON_FILE);
    if (json.oom) {
        die("out of memory");
        goto out;
    }
    if (atomic_write_file(elf_path, 0755, o.data, o.len, err, sizeof(err)) !=
            0 ||
        atomic_write_file(json_path, 0644, json.data, json.len, err,
                          sizeof(err)) != 0) {
        die("%s", err);
        goto out;
    }
    printf("%s\n%s\n", elf_path, json_path);
    rc = 0;
out:
    free(o.data);
    free(json.data);
    free(elf_path);
    free(json_path);
    packed_close(&pk);
    return rc;
}
