/*
 * Finding what nabla-pack baked in: the PT_LOAD at NABLA_PAYLOAD_BASE in our
 * own program headers. Its contents were checked at pack time; here we check
 * again that every offset stays inside the segment, so that a damaged file
 * fails with a message instead of a fault.
 */
#include <elf.h>
#include <string.h>
#include <sys/auxv.h>

#include "stub.h"

static uint64_t payload_size;

static void check_range(const char *what, uint64_t off, uint64_t size)
{
    if (off > payload_size || size > payload_size - off)
        stub_die("damaged executable: %s lies outside the payload", what);
}

static void check_strings(const struct nabla_payload *p, const char *what,
                          uint32_t off, uint32_t size, uint32_t count)
{
    check_range(what, off, size);
    const char *s = (const char *)p + off;
    uint32_t found = 0;
    for (uint32_t i = 0; i < size; i++)
        found += s[i] == '\0';
    if (found != count || (size > 0 && s[size - 1] != '\0'))
        stub_die("damaged executable: %s are malformed", what);
}

const struct nabla_payload *payload_find(void)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    const struct nabla_payload *p = NULL;

    for (unsigned long i = 0; ph != NULL && i < phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr == NABLA_PAYLOAD_BASE &&
            ph[i].p_filesz > NABLA_PAYLOAD_HEADER_OFFSET) {
            p = (const struct nabla_payload *)(NABLA_PAYLOAD_BASE +
                                               NABLA_PAYLOAD_HEADER_OFFSET);
            payload_size = ph[i].p_filesz - NABLA_PAYLOAD_HEADER_OFFSET;
        }
    }
    if (p == NULL)
        stub_die("no unikernel in this file: this is the bare nabla stub; "
                 "use nabla-pack to make a runnable unikernel");
    if (payload_size < sizeof(*p) ||
        memcmp(p->magic, NABLA_PAYLOAD_MAGIC, sizeof(p->magic)) != 0)
        stub_die("damaged executable: bad payload magic");
    if (p->version != NABLA_PAYLOAD_VERSION)
        stub_die("payload version %u not supported by this stub (need %d)",
                 p->version, NABLA_PAYLOAD_VERSION);
    if (p->nsegments == 0 || p->nsegments > NABLA_MAX_GUEST_SEGMENTS)
        stub_die("damaged executable: %u guest segments", p->nsegments);
    check_range("manifest", p->mft_offset, p->mft_size);
    const struct mft *mft = payload_mft(p);
    if (p->mft_size < sizeof(struct mft) || mft->entries == 0 ||
        mft->entries > MFT_MAX_ENTRIES ||
        p->mft_size < MFT_SIZE(mft->entries) || p->mft_offset % 8 != 0)
        stub_die("damaged executable: bad manifest");
    check_strings(p, "default options", p->options_offset, p->options_size,
                  p->options_count);
    check_strings(p, "default arguments", p->args_offset, p->args_size,
                  p->args_count);
    return p;
}

const struct mft *payload_mft(const struct nabla_payload *p)
{
    return (const struct mft *)((const char *)p + p->mft_offset);
}

const char *payload_string(const struct nabla_payload *p, uint32_t offset,
                           uint32_t size, uint32_t count, uint32_t i)
{
    const char *s = (const char *)p + offset;
    (void)size;
    if (i >= count)
        return NULL;
    while (i--)
        s += strlen(s) + 1;
    return s;
}
