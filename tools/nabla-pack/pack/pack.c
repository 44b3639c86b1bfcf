/*
 * Packing, the steps in order (pack() at the end): the guest and its
 * manifest read and checked (read/), the default options checked, the stub
 * chosen (stub.c), the exit trampoline placed, the payload built
 * (payload.c), everything merged into one ELF (merge.c, elfwrite.c) and
 * sealed. The output is written to a temporary file next to OUT and
 * renamed into place only when complete, so a failure never leaves a
 * partial or stale executable.
 */
#include "pack/pack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devopts.h"
#include "pack/merge.h"
#include "pack/payload.h"
#include "pack/stub.h"
#include "packed_file.h"
#include "read/arch.h"
#include "read/guest.h"
#include "read/manifest.h"
#include "read/packed.h"
#include "util/util.h"

/*
 * The exit trampoline (size bytes, aligned to align) goes into the unused
 * tail of the last page of an executable guest segment without bss.
 * Returns the segment's index and sets *at to the trampoline's address, or
 * returns -1 if no segment has room (the stub then puts it in a page of
 * its own in guest memory, NABLA_EXIT_TRAMPOLINE_BASE: one more page to
 * fill at start).
 */
static int find_trampoline_room(const struct guest *g, size_t size,
                                uint64_t align, uint64_t *at)
{
    for (size_t i = 0; i < g->nloads; i++) {
        const Elf64_Phdr *ph = g->loads[i];
        uint64_t end = ph->p_vaddr + ph->p_filesz;
        uint64_t start = (end + align - 1) & ~(align - 1);
        uint64_t page_end = (end + SPT_PAGE_SIZE - 1) & ~(SPT_PAGE_SIZE - 1);
        if ((ph->p_flags & PF_X) && ph->p_memsz == ph->p_filesz &&
            end % SPT_PAGE_SIZE != 0 && start + size <= page_end) {
            *at = start;
            return (int)i;
        }
    }
    return -1;
}

/* A copy of segment i with the trampoline (size bytes at code) appended;
 * phdr and data are set for the merge. Returns 0 or -1 (out of memory). */
static int append_trampoline(const struct guest *g, size_t i, uint64_t at,
                             const uint8_t *code, size_t size, Elf64_Phdr *phdr,
                             uint8_t **data)
{
    const Elf64_Phdr *ph = g->loads[i];
    size_t new_size = (size_t)(at - ph->p_vaddr) + size;

    *data = calloc(1, new_size);
    if (*data == NULL)
        return -1;
    memcpy(*data, g->img.data + ph->p_offset, ph->p_filesz);
    memcpy(*data + (at - ph->p_vaddr), code, size);
    *phdr = *ph;
    phdr->p_filesz = new_size;
    phdr->p_memsz = new_size;
    return 0;
}

/* JSON and note must declare the same devices, in the same order. */
static int manifests_agree(const struct mft *json, const struct mft *note,
                           const char *json_path, const char *guest_path,
                           char *err, size_t errsz)
{
    if (json->entries != note->entries)
        return fail(err, errsz,
                    "%s declares %u devices but the manifest note of %s "
                    "declares %u",
                    json_path, json->entries - 1, guest_path,
                    note->entries - 1);
    for (uint32_t i = 1; i < json->entries; i++) {
        const struct mft_entry *a = &json->e[i], *b = &note->e[i];
        if (strcmp(a->name, b->name) != 0 || a->type != b->type)
            return fail(err, errsz,
                        "%s and the manifest note of %s differ: device %u is "
                        "'%s' (%s) in one and '%s' (%s) in the other",
                        json_path, guest_path, i, a->name,
                        manifest_type_name(a->type), b->name,
                        manifest_type_name(b->type));
    }
    return 0;
}

/* Default device options: declared devices, valid values, each once. */
static int check_default_options(const struct pack_request *req,
                                 const struct mft *mft, char *err, size_t errsz)
{
    static char seen[DEVICE_OPTIONS][MFT_MAX_ENTRIES];
    struct result_msg why;

    memset(seen, 0, sizeof(seen));
    for (size_t i = 0; i < req->noptions; i++) {
        struct devopt opt;
        const char *arg = req->options[i];
        uint32_t index;
        if (devopt_split(arg, &opt, &why) != RESULT_OK)
            goto bad;
        if (opt.type == NULL)
            return fail(err, errsz, "unknown option '%s'", arg);
        if (devopt_lookup(mft, &opt, &index, &why) != RESULT_OK)
            goto bad;
        if (seen[opt.slot][index]++)
            return fail(err, errsz, "device '%s' given twice: %s%s=...",
                        opt.name, opt.option->prefix, opt.name);
        if (opt.option->check != NULL &&
            opt.option->check(opt.value, &why) != RESULT_OK)
            goto bad;
    }
    return 0;
bad:
    return fail(err, errsz, "%s", why.text);
}

static int cmp_phdr_vaddr(const void *a, const void *b)
{
    const Elf64_Phdr *x = *(const Elf64_Phdr *const *)a;
    const Elf64_Phdr *y = *(const Elf64_Phdr *const *)b;
    return x->p_vaddr < y->p_vaddr ? -1 : x->p_vaddr > y->p_vaddr;
}

const char *pack_app_name(const struct pack_request *req)
{
    if (req->name != NULL)
        return req->name;
    const char *slash = strrchr(req->out_path, '/');
    return slash ? slash + 1 : req->out_path;
}

/* A name that is one path component (it becomes /var/lib/NAME). */
static int check_app_name(const struct pack_request *req, char *err,
                          size_t errsz)
{
    const char *name = pack_app_name(req);
    if (name[0] == '\0' || strchr(name, '/') != NULL ||
        strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return fail(err, errsz,
                    "app name '%s' is not a file name (it names the state "
                    "directory /var/lib/NAME): give --name=NAME",
                    name);
    return 0;
}

/* The file offset of address `at` of the stub's text in img, or 0. */
static uint32_t file_offset_of(const struct elf_image *img, uint64_t at)
{
    for (size_t i = 0; i < img->phnum; i++) {
        const Elf64_Phdr *ph = &img->phdr[i];
        if (ph->p_type == PT_LOAD && at >= NABLA_STUB_BASE &&
            at >= ph->p_vaddr && at <= ph->p_vaddr + ph->p_filesz)
            return (uint32_t)(ph->p_offset + (at - ph->p_vaddr));
    }
    return 0;
}

/*
 * The packed file gets its build ID (from all of its bytes), then where the
 * stub's entry code ends, its segment sums and its checksum
 * (common/packed_file.c), so that gdb and the distributions' tools can
 * name it and `nabla-pack verify` and `APP --verify` can tell a damaged
 * copy.
 */
static int seal(struct elf_image *img, uint64_t entry_end, char *err,
                size_t errsz)
{
    uint8_t digest[SHA256_DIGEST_SIZE];
    struct result_msg why;

    uint8_t *id = elf_image_build_id(img, NABLA_BUILD_ID_SIZE);
    if (id == NULL)
        return fail(err, errsz, "%s: no build-ID note written", img->path);
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, img->data, img->size);
    sha256_final(&h, digest);
    memcpy(id, digest, NABLA_BUILD_ID_SIZE);
    struct nabla_payload *p =
        (struct nabla_payload *)(img->data + NABLA_PAYLOAD_HEADER_OFFSET);
    p->entry_code_end = file_offset_of(img, entry_end);
    if (packed_seal(img->data, img->size, &why) != RESULT_OK)
        return fail(err, errsz, "%s: %s", img->path, why.text);
    return 0;
}

/* Merges, seals and writes the output (through a temporary file renamed
 * into place). */
static int write_output(const struct pack_request *req,
                        const struct merge_input *in, uint64_t entry_end,
                        size_t *size, char *err, size_t errsz)
{
    struct buf file = {0};
    struct elf_image img;

    if (merge_write(in, &file, err, errsz) != 0)
        return -1;
    int rc = elf_image_from_memory(&img, req->out_path, file.data, file.len,
                                   err, errsz);
    free(file.data);
    if (rc != 0)
        return -1;
    if (seal(&img, entry_end, err, errsz) != 0 ||
        atomic_write_file(req->out_path, 0755, img.data, img.size, err,
                          errsz) != 0)
        rc = -1;
    *size = img.size;
    elf_image_free(&img);
    return rc;
}

/* One line saying what was packed, for people: on stdout, or on stderr when
 * the executable itself went to stdout (-o /dev/stdout), a pipe or a
 * device. */
static void print_summary(const struct pack_request *req, const struct guest *g,
                          const struct mft *mft, int in_text, size_t size)
{
    FILE *out = written_in_place(req->out_path) ? stderr : stdout;
    uint64_t image = 0;

    for (size_t i = 0; i < g->nloads; i++)
        image += g->loads[i]->p_memsz;
    fprintf(out,
            "nabla-pack: %s: %zu segments, %llu KiB guest memory image, "
            "%u devices, %zu default options, %zu default arguments -> %s "
            "(%lld KiB, %sstub unmapped before the guest runs; exit "
            "trampoline ",
            req->guest_path, g->nloads,
            (unsigned long long)((image + 1023) / 1024), mft->entries - 1,
            req->noptions, req->nargs, req->out_path,
            (long long)((size + 1023) / 1024),
            g->is_pie ? "position-independent: a random address at every "
                        "start, "
                      : "");
    if (in_text)
        fprintf(out, "in the guest's text)\n");
    else
        fprintf(out,
                "in a page of its own at %#llx: no room in the guest's "
                "text)\n",
                (unsigned long long)NABLA_EXIT_TRAMPOLINE_BASE);
}

int pack(const struct pack_request *req, char *err, size_t errsz)
{
    struct guest g;
    struct stub stub;
    struct buf payload = {0};
    struct mft *json = NULL;
    Elf64_Phdr tramp_phdr;
    uint8_t *tramp_data = NULL;
    const uint8_t *guest_data[NABLA_MAX_GUEST_SEGMENTS] = {NULL};
    int rc = -1;
    uint64_t mem_mb = req->mem_mb ? req->mem_mb : NABLA_MEM_DEFAULT_MB;

    if (guest_load(&g, req->guest_path, mem_mb << 20, err, errsz) != 0)
        return -1;
    const struct mft *mft = g.mft;
    if (req->manifest_path) {
        json = calloc(1, MFT_SIZE(MFT_MAX_ENTRIES));
        if (json == NULL) {
            fail(err, errsz, "out of memory");
            goto out_guest;
        }
        if (manifest_read_json(req->manifest_path, json, err, errsz) != 0 ||
            manifests_agree(json, g.mft, req->manifest_path, req->guest_path,
                            err, errsz) != 0)
            goto out_guest;
        mft = json;
    }
    if (check_default_options(req, mft, err, errsz) != 0 ||
        check_app_name(req, err, errsz) != 0)
        goto out_guest;
    /* The guest's machine picks the stub (read/elfimage.c knows it). */
    unsigned machine = g.img.ehdr->e_machine;
    if (!stub_built_in(machine)) {
        fail(err, errsz,
             "%s: a guest for %s, but this nabla-pack was built without the "
             "%s stub (make NABLA_AARCH64=0, or no cross compiler)",
             req->guest_path, pack_machine_name(machine),
             pack_machine_name(machine));
        goto out_guest;
    }
    if (stub_load(&stub, req->stub_path, machine, err, errsz) != 0)
        goto out_guest;
    qsort(g.loads, g.nloads, sizeof(g.loads[0]), cmp_phdr_vaddr);
    uint64_t trampoline = 0;
    for (size_t i = 0; i < g.nloads; i++)
        g.orig_filesz[i] = g.loads[i]->p_filesz;
    int tseg = find_trampoline_room(&g, stub.trampoline_size,
                                    stub.trampoline_align, &trampoline);
    if (tseg >= 0) {
        if (append_trampoline(&g, (size_t)tseg, trampoline, stub.trampoline,
                              stub.trampoline_size, &tramp_phdr,
                              &tramp_data) != 0) {
            fail(err, errsz, "out of memory");
            goto out_stub;
        }
        guest_data[tseg] = tramp_data;
        g.loads[tseg] = &tramp_phdr;
    }
    struct merge_input in = {
        .stub = &stub.img,
        .guest = &g.img,
        .guest_loads = g.loads,
        .guest_data = guest_data,
        .nguest_loads = g.nloads,
    };
    if (payload_build(&payload, req, &g, mft, trampoline,
                      merge_segment_count(&in)) != 0) {
        fail(err, errsz, "out of memory");
        goto out_stub;
    }
    in.payload = payload.data;
    in.payload_size = payload.len;
    size_t size = 0;
    rc = write_output(req, &in, stub.entry_end, &size, err, errsz);
    if (rc == 0 && !req->quiet)
        print_summary(req, &g, mft, trampoline != 0, size);
out_stub:
    stub_free(&stub);
out_guest:
    free(tramp_data);
    free(payload.data);
    free(json);
    guest_free(&g);
    return rc;
}
