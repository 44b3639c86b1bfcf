/* Checking and reading a struct nabla_payload; see payload_format.h. */
#include "payload_format.h"

#include "device.h"

#include <string.h>

static int inside(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

/* count NUL-terminated strings filling exactly len bytes at off. */
static int strings_ok(const struct nabla_payload *p, uint32_t off, uint32_t len,
                      uint32_t count)
{
    const char *s = (const char *)p + off;
    uint32_t nuls = 0;
    for (uint32_t i = 0; i < len; i++)
        nuls += s[i] == '\0';
    return nuls == count && (len == 0 || s[len - 1] == '\0');
}

enum result payload_check(const struct nabla_payload *p, size_t size,
                          struct result_msg *why)
{
    /* magic and version come first in every version of the format, so that
     * a file packed by another nabla-pack is recognised as such. */
    if (size < offsetof(struct nabla_payload, version) + sizeof(p->version) ||
        memcmp(p->magic, NABLA_PAYLOAD_MAGIC, sizeof(p->magic)) != 0)
        return result_error(why, "bad payload magic");
    if (p->version != NABLA_PAYLOAD_VERSION &&
        p->version != NABLA_PAYLOAD_VERSION_PIE) {
        result_error(why,
                     "packed by another version of nabla-pack (payload format "
                     "%u, not %d or %d): pack the unikernel again",
                     p->version, NABLA_PAYLOAD_VERSION,
                     NABLA_PAYLOAD_VERSION_PIE);
        return RESULT_OTHER_VERSION;
    }
    size_t header = sizeof(*p);
    if (p->version == NABLA_PAYLOAD_VERSION_PIE)
        header += sizeof(struct nabla_pie);
    if (size < header)
        return result_error(why, "payload truncated");
    const struct nabla_pie *pie = payload_pie(p);
    if (pie != NULL &&
        (pie->align < SPT_PAGE_SIZE || pie->align > NABLA_PIE_MAX_ALIGN ||
         (pie->align & (pie->align - 1)) != 0 || pie->reserved != 0 ||
         (pie->flags & ~NABLA_PIE_PRELINKED) != 0))
        return result_error(why, "bad position-independent guest record");
    if (!inside(size, p->mft_offset, p->mft_size) ||
        !inside(size, p->options_offset, p->options_size) ||
        !inside(size, p->args_offset, p->args_size) ||
        !inside(size, p->name_offset, p->name_size) ||
        !inside(size, p->sums_offset,
                (uint64_t)p->sums_count * sizeof(struct nabla_segment_sum)))
        return result_error(why, "an offset lies outside the payload");
    if (!strings_ok(p, p->options_offset, p->options_size, p->options_count) ||
        !strings_ok(p, p->args_offset, p->args_size, p->args_count))
        return result_error(why, "malformed default options or arguments");
    if (p->name_size < 2 || !strings_ok(p, p->name_offset, p->name_size, 1))
        return result_error(why, "malformed app name");
    if (p->sums_offset % 8 != 0)
        return result_error(why, "misaligned segment checksums");
    const struct mft *mft = payload_mft(p);
    if (p->mft_offset % 8 != 0 || p->mft_size < sizeof(struct mft) ||
        mft->entries == 0 || mft->entries > MFT_MAX_ENTRIES ||
        p->mft_size < MFT_SIZE(mft->entries))
        return result_error(why, "bad manifest");
    /* Every device of a known type: the stub's options and --help look
     * entries up by type before it opens any device. */
    for (uint32_t i = 1; i < mft->entries; i++) {
        if (device_type_of(mft->e[i].type) == NULL)
            return result_error(why, "manifest entry %u has type %#x", i,
                                mft->e[i].type);
    }
    return RESULT_OK;
}

const struct nabla_pie *payload_pie(const struct nabla_payload *p)
{
    if (p->version != NABLA_PAYLOAD_VERSION_PIE)
        return NULL;
    return (const struct nabla_pie *)(p + 1);
}

const struct mft *payload_mft(const struct nabla_payload *p)
{
    return (const struct mft *)((const char *)p + p->mft_offset);
}

const char *payload_app_name(const struct nabla_payload *p)
{
    return (const char *)p + p->name_offset;
}

const char *payload_string(const struct nabla_payload *p, uint32_t offset,
                           uint32_t count, uint32_t i)
{
    const char *s = (const char *)p + offset;
    if (i >= count)
        return NULL;
    while (i--)
        s += strlen(s) + 1;
    return s;
}
