/*
 * The payload of a packed executable: struct nabla_payload and what
 * follows it (common/packed_layout.h, docs/packed.md), what the stub reads
 * at start.
 */
#include "pack/payload.h"

#include <stdlib.h>
#include <string.h>

#include "packed_layout.h"

/* The n strings appended to b, each with its NUL: where they start, their
 * bytes and their count. */
static void buf_strings(struct buf *b, const char *const *s, size_t n,
                        uint32_t *offset, uint32_t *size, uint32_t *count)
{
    *offset = (uint32_t)b->len;
    for (size_t i = 0; i < n; i++)
        buf_append(b, s[i], strlen(s[i]) + 1);
    *size = (uint32_t)(b->len - *offset);
    *count = (uint32_t)n;
}

/* The manifest as the stub receives it: names and types, nothing attached. */
static struct mft *clean_manifest(const struct mft *src)
{
    struct mft *m = calloc(1, MFT_SIZE(MFT_MAX_ENTRIES));
    if (m == NULL)
        return NULL;
    m->version = MFT_VERSION;
    m->entries = src->entries;
    for (uint32_t i = 0; i < src->entries; i++) {
        memcpy(m->e[i].name, src->e[i].name, MFT_NAME_SIZE);
        m->e[i].type = src->e[i].type;
    }
    return m;
}

int payload_build(struct buf *b, const struct pack_request *req,
                  const struct guest *g, const struct mft *mft,
                  uint64_t trampoline, size_t nsums)
{
    struct nabla_payload p;

    memset(&p, 0, sizeof(p));
    memcpy(p.magic, NABLA_PAYLOAD_MAGIC, sizeof(p.magic));
    /* A fixed guest's payload is what it always was; a PIE's says so. */
    p.version = g->is_pie ? NABLA_PAYLOAD_VERSION_PIE : NABLA_PAYLOAD_VERSION;
    p.abi_target = g->abi.abi_target;
    p.abi_version = g->abi.abi_version;
    p.guest_entry = g->entry;
    p.kernel_end = g->kernel_end;
    p.mem_mb = req->mem_mb;
    p.trampoline = trampoline;
    for (size_t i = 0; i < g->img.phnum; i++) {
        const Elf64_Phdr *ph = &g->img.phdr[i];
        if (ph->p_type == PT_TLS) {
            p.tls_vaddr = ph->p_vaddr;
            p.tls_filesz = ph->p_filesz;
            p.tls_memsz = ph->p_memsz;
            p.tls_align = ph->p_align;
        }
    }
    for (size_t i = 0; i < g->nloads; i++) {
        p.segment_filesz[i] = g->orig_filesz[i];
    }
    /* Out of memory sticks in b: checked once, before the header is set. */
    buf_append(b, &p, sizeof(p));
    if (g->is_pie)
        buf_append(b, &g->pie, sizeof(g->pie));
    buf_align(b, 8);
    p.mft_offset = (uint32_t)b->len;
    p.mft_size = (uint32_t)MFT_SIZE(mft->entries);
    struct mft *clean = clean_manifest(mft);
    if (clean == NULL)
        return -1;
    buf_append(b, clean, p.mft_size);
    free(clean);
    buf_strings(b, req->options, req->noptions, &p.options_offset,
                &p.options_size, &p.options_count);
    buf_strings(b, req->args, req->nargs, &p.args_offset, &p.args_size,
                &p.args_count);
    const char *name = pack_app_name(req);
    uint32_t one;
    buf_strings(b, &name, 1, &p.name_offset, &p.name_size, &one);
    buf_align(b, 8);
    p.sums_offset = (uint32_t)b->len;
    p.sums_count = (uint32_t)nsums;
    static const struct nabla_segment_sum unsealed;
    for (size_t i = 0; i < nsums; i++)
        buf_append(b, &unsealed, sizeof(unsealed));
    if (buf_align(b, 8) != 0)
        return -1;
    memcpy(b->data, &p, sizeof(p));
    return 0;
}
