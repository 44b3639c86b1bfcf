/*
 * The payload check shared by the stub and nabla-pack (common/
 * payload_format.c): every bound, with the exact reason it gives, on
 * payloads built here in heap blocks of exactly their size, so that
 * AddressSanitizer sees any read past one. Output is TAP, ending in
 * "# all N tests passed" or "# N of M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload_format.h"
#include "tap.h"

/* A payload as nabla-pack writes it: header, manifest (8-byte aligned),
 * default options, default arguments, the app's name; no segment
 * checksums (payload_check does not look into them). */
struct spec {
    uint32_t entries;
    uint32_t types[MFT_MAX_ENTRIES + 2];
    const char *options[4];
    uint32_t noptions;
    const char *args[4];
    uint32_t nargs;
};

static size_t strings_size(const char *const *s, uint32_t n)
{
    size_t size = 0;
    for (uint32_t i = 0; i < n; i++)
        size += strlen(s[i]) + 1;
    return size;
}

static void put_strings(char *at, const char *const *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(s[i]) + 1;
        memcpy(at, s[i], len);
        at += len;
    }
}

/* Builds the payload of spec in a heap block of exactly *size bytes. */
static struct nabla_payload *build(const struct spec *spec, size_t *size)
{
    size_t mft_off = (sizeof(struct nabla_payload) + 7) & ~(size_t)7;
    size_t mft_size = MFT_SIZE(spec->entries);
    size_t opt_size = strings_size(spec->options, spec->noptions);
    size_t args_size = strings_size(spec->args, spec->nargs);
    static const char name[] = "app";
    *size = mft_off + mft_size + opt_size + args_size + sizeof(name);
    char *b = calloc(1, *size);
    if (b == NULL) {
        fprintf(stderr, "payload_test: out of memory\n");
        exit(1);
    }
    struct nabla_payload *p = (struct nabla_payload *)b;
    memcpy(p->magic, NABLA_PAYLOAD_MAGIC, sizeof(p->magic));
    p->version = NABLA_PAYLOAD_VERSION;
    p->mft_offset = (uint32_t)mft_off;
    p->mft_size = (uint32_t)mft_size;
    struct mft *m = (struct mft *)(b + mft_off);
    m->version = MFT_VERSION;
    m->entries = spec->entries;
    for (uint32_t i = 0; i < spec->entries; i++) {
        m->e[i].type = i == 0           ? MFT_RESERVED_FIRST
                       : spec->types[i] ? spec->types[i]
                                        : MFT_BLOCK_BASIC;
        if (i > 0)
            snprintf(m->e[i].name, sizeof(m->e[i].name), "dev%u", i);
    }
    p->options_offset = (uint32_t)(mft_off + mft_size);
    p->options_size = (uint32_t)opt_size;
    p->options_count = spec->noptions;
    put_strings(b + p->options_offset, spec->options, spec->noptions);
    p->args_offset = (uint32_t)(p->options_offset + opt_size);
    p->args_size = (uint32_t)args_size;
    p->args_count = spec->nargs;
    put_strings(b + p->args_offset, spec->args, spec->nargs);
    p->name_offset = (uint32_t)(p->args_offset + args_size);
    p->name_size = sizeof(name);
    memcpy(b + p->name_offset, name, sizeof(name));
    /* No segment checksums: an empty list, at an aligned offset. */
    p->sums_offset = (uint32_t)mft_off;
    p->sums_count = 0;
    return p;
}

/* payload_check(p, size) returns want_rc with exactly want_why (or, for
 * RESULT_OK, no particular reason). */
static void check(const struct nabla_payload *p, size_t size,
                  enum result want_rc, const char *want_why, const char *what)
{
    struct result_msg why = {""};
    enum result rc = payload_check(p, size, &why);
    bool ok = rc == want_rc &&
              (want_rc == RESULT_OK || strcmp(why.text, want_why) == 0);
    report(ok, "%s", what);
    if (!ok)
        printf("#   got %d '%s'\n#   want %d '%s'\n", rc, why.text, want_rc,
               want_why ? want_why : "");
}

static struct mft *mft_of(struct nabla_payload *p)
{
    return (struct mft *)((char *)p + p->mft_offset);
}

static const char OUTSIDE[] = "an offset lies outside the payload";
static const char MALFORMED[] = "malformed default options or arguments";
static const char BAD_MFT[] = "bad manifest";

static void test_good(void)
{
    struct spec s = {.entries = 3,
                     .types = {0, MFT_BLOCK_BASIC, MFT_NET_BASIC},
                     .options = {"--mem=64", "--block:dev1=disk.img"},
                     .noptions = 2,
                     .args = {"one", "", "three"},
                     .nargs = 3};
    size_t size;
    struct nabla_payload *p = build(&s, &size);
    check(p, size, RESULT_OK, NULL,
          "a good payload: 2 devices, options, arguments");
    const char *a1 = payload_string(p, p->args_offset, p->args_count, 1);
    const char *a2 = payload_string(p, p->args_offset, p->args_count, 2);
    const char *o1 = payload_string(p, p->options_offset, p->options_count, 1);
    report(a1 && a2 && o1 && strcmp(a1, "") == 0 && strcmp(a2, "three") == 0 &&
               strcmp(o1, "--block:dev1=disk.img") == 0,
           "payload_string: the i-th string, the empty one too");
    report(payload_string(p, p->args_offset, p->args_count, 3) == NULL,
           "payload_string: NULL past the last string");
    report(payload_mft(p)->entries == 3, "payload_mft: the manifest");
    free(p);

    struct spec one = {.entries = 1};
    p = build(&one, &size);
    check(p, size, RESULT_OK, NULL, "a payload with the reserved entry only");
    free(p);

    struct spec max = {.entries = MFT_MAX_ENTRIES};
    p = build(&max, &size);
    check(p, size, RESULT_OK, NULL, "a manifest of 64 entries (the maximum)");
    free(p);
}

static void test_header(void)
{
    struct spec s = {.entries = 2, .args = {"a"}, .nargs = 1};
    size_t size;
    struct nabla_payload *p = build(&s, &size);

    check(p, 11, RESULT_ERROR, "bad payload magic",
          "11 bytes: no room for the version");
    p->magic[0] ^= 1;
    check(p, size, RESULT_ERROR, "bad payload magic", "a wrong magic");
    p->magic[0] ^= 1;
    p->version = NABLA_PAYLOAD_VERSION_PIE + 1;
    char want[128];
    snprintf(want, sizeof(want),
             "packed by another version of nabla-pack (payload format %d, "
             "not %d or %d): pack the unikernel again",
             NABLA_PAYLOAD_VERSION_PIE + 1, NABLA_PAYLOAD_VERSION,
             NABLA_PAYLOAD_VERSION_PIE);
    check(p, size, RESULT_OTHER_VERSION, want,
          "another format version: RESULT_OTHER_VERSION, named");
    p->version = NABLA_PAYLOAD_VERSION - 1;
    snprintf(want, sizeof(want),
             "packed by another version of nabla-pack (payload format %d, "
             "not %d or %d): pack the unikernel again",
             NABLA_PAYLOAD_VERSION - 1, NABLA_PAYLOAD_VERSION,
             NABLA_PAYLOAD_VERSION_PIE);
    check(p, size, RESULT_OTHER_VERSION, want,
          "the format before: RESULT_OTHER_VERSION, named");
    p->version = NABLA_PAYLOAD_VERSION;
    check(p, sizeof(*p) - 1, RESULT_ERROR, "payload truncated",
          "one byte short of the header");
    free(p);
}

static void test_offsets(void)
{
    struct spec s = {.entries = 2,
                     .options = {"--mem=8"},
                     .noptions = 1,
                     .args = {"a", "b"},
                     .nargs = 2};
    size_t size;
    struct nabla_payload *p = build(&s, &size);
    struct nabla_payload saved = *p;

    check(p, size - 1, RESULT_ERROR, OUTSIDE,
          "the last list (the name) one byte past the end");
    p->mft_offset = (uint32_t)size + 8;
    check(p, size, RESULT_ERROR, OUTSIDE, "the manifest's offset past the end");
    *p = saved;
    p->mft_size = (uint32_t)size;
    check(p, size, RESULT_ERROR, OUTSIDE, "the manifest's size past the end");
    *p = saved;
    p->options_size = 0xffffffff;
    check(p, size, RESULT_ERROR, OUTSIDE, "options of 4 GiB");
    *p = saved;
    p->args_offset = (uint32_t)size;
    p->args_size = 1;
    check(p, size, RESULT_ERROR, OUTSIDE,
          "arguments at the end, one byte long");
    *p = saved;
    p->args_offset = 0xffffffff;
    p->args_size = 2;
    check(p, size, RESULT_ERROR, OUTSIDE,
          "offset + size wrapping around 32 bits");
    *p = saved;

    p->args_count = 3;
    check(p, size, RESULT_ERROR, MALFORMED, "3 arguments counted, 2 there");
    *p = saved;
    p->options_count = 0;
    check(p, size, RESULT_ERROR, MALFORMED, "0 options counted, 1 there");
    *p = saved;
    ((char *)p)[p->args_offset + p->args_size - 1] = 'x';
    p->args_count = 1;
    check(p, size, RESULT_ERROR, MALFORMED,
          "the last argument not NUL-terminated");
    ((char *)p)[p->args_offset + p->args_size - 1] = '\0';
    *p = saved;

    p->name_size = 1;
    check(p, size, RESULT_ERROR, "malformed app name", "an empty app name");
    *p = saved;
    ((char *)p)[p->name_offset + p->name_size - 1] = 'x';
    check(p, size, RESULT_ERROR, "malformed app name",
          "the name not NUL-terminated");
    ((char *)p)[p->name_offset + p->name_size - 1] = '\0';
    *p = saved;
    p->sums_offset += 4;
    check(p, size, RESULT_ERROR, "misaligned segment checksums",
          "segment checksums 4 bytes off 8-byte alignment");
    *p = saved;
    p->sums_count = 0x10000000;
    check(p, size, RESULT_ERROR, OUTSIDE, "2^28 segment checksums");
    free(p);
}

static void test_manifest(void)
{
    struct spec s = {.entries = 2};
    size_t size;
    struct nabla_payload *p = build(&s, &size);
    struct nabla_payload saved = *p;

    p->mft_offset -= 4;
    p->mft_size += 4;
    check(p, size, RESULT_ERROR, BAD_MFT,
          "the manifest 4 bytes off 8-byte alignment");
    *p = saved;
    p->mft_size = 7;
    check(p, size, RESULT_ERROR, BAD_MFT, "a manifest of 7 bytes");
    *p = saved;
    p->mft_size = (uint32_t)MFT_SIZE(2) - 1;
    check(p, size, RESULT_ERROR, BAD_MFT, "one byte short of its 2 entries");
    *p = saved;
    mft_of(p)->entries = 0;
    check(p, size, RESULT_ERROR, BAD_MFT, "0 entries");
    mft_of(p)->entries = 2;
    mft_of(p)->e[1].type = 7;
    check(p, size, RESULT_ERROR, "manifest entry 1 has type 0x7",
          "an entry of unknown type 7");
    mft_of(p)->e[1].type = MFT_RESERVED_FIRST;
    check(p, size, RESULT_ERROR, "manifest entry 1 has type 0x40000000",
          "a second reserved entry");
    free(p);

    /* 65 entries, with room for them in the payload: only the count can
     * be refused. */
    struct spec big = {.entries = MFT_MAX_ENTRIES + 1};
    p = build(&big, &size);
    check(p, size, RESULT_ERROR, BAD_MFT,
          "a manifest of 65 entries, room for them");
    mft_of(p)->entries = 0xffffffff;
    check(p, size, RESULT_ERROR, BAD_MFT, "a manifest of 2^32 - 1 entries");
    free(p);
}

/* A version 4 payload: the header, struct nabla_pie, then what a version 3
 * payload holds, in a heap block of exactly *size bytes. */
static struct nabla_payload *build_pie(const struct spec *spec, size_t *size)
{
    size_t size3;
    struct nabla_payload *p3 = build(spec, &size3);
    size_t extra = sizeof(struct nabla_pie);
    *size = size3 + extra;
    char *b = calloc(1, *size);
    if (b == NULL) {
        fprintf(stderr, "payload_test: out of memory\n");
        exit(1);
    }
    memcpy(b, p3, sizeof(*p3));
    memcpy(b + sizeof(*p3) + extra, (char *)p3 + sizeof(*p3),
           size3 - sizeof(*p3));
    free(p3);
    struct nabla_payload *p = (struct nabla_payload *)b;
    p->version = NABLA_PAYLOAD_VERSION_PIE;
    p->mft_offset += (uint32_t)extra;
    p->options_offset += (uint32_t)extra;
    p->args_offset += (uint32_t)extra;
    p->name_offset += (uint32_t)extra;
    p->sums_offset += (uint32_t)extra;
    struct nabla_pie *pie = (struct nabla_pie *)(p + 1);
    pie->align = SPT_PAGE_SIZE;
    pie->rela_vaddr = 0x101000;
    pie->rela_count = 3;
    return p;
}

static const char BAD_PIE[] = "bad position-independent guest record";

static void test_pie(void)
{
    struct spec s = {.entries = 2, .args = {"a"}, .nargs = 1};
    size_t size;
    struct nabla_payload *p = build_pie(&s, &size);
    struct nabla_pie *pie = (struct nabla_pie *)(p + 1);

    check(p, size, RESULT_OK, NULL, "a version 4 payload (a PIE)");
    report(payload_pie(p) == pie && pie->rela_count == 3,
           "payload_pie: the record after the header");
    report(payload_mft(p)->entries == 2, "payload_mft: after the record");
    check(p, sizeof(*p) + sizeof(*pie) - 1, RESULT_ERROR, "payload truncated",
          "one byte short of the record");
    pie->align = SPT_PAGE_SIZE / 2;
    check(p, size, RESULT_ERROR, BAD_PIE, "a slide alignment below a page");
    pie->align = 3 * SPT_PAGE_SIZE;
    check(p, size, RESULT_ERROR, BAD_PIE,
          "a slide alignment not a power of two");
    pie->align = NABLA_PIE_MAX_ALIGN * 2;
    check(p, size, RESULT_ERROR, BAD_PIE,
          "a slide alignment above the largest");
    pie->align = NABLA_PIE_MAX_ALIGN;
    check(p, size, RESULT_OK, NULL, "the largest slide alignment");
    pie->flags = 2;
    check(p, size, RESULT_ERROR, BAD_PIE, "an unknown flag");
    pie->flags = NABLA_PIE_PRELINKED;
    pie->reserved = 1;
    check(p, size, RESULT_ERROR, BAD_PIE, "reserved not zero");
    pie->reserved = 0;
    p->version = NABLA_PAYLOAD_VERSION;
    report(payload_pie(p) == NULL, "payload_pie: NULL for version 3");
    free(p);
}

int main(void)
{
    test_good();
    test_header();
    test_offsets();
    test_manifest();
    test_pie();
    return tap_done();
}
