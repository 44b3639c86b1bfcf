/*
 * A unikernel written the way Solo5's own test programs are: it includes
 * only solo5.h (and uses bool from it), brings its own copies of the C
 * library functions it uses, with external linkage, and declares its MFT1
 * manifest note by hand, laid out as Solo5's toolchain lays it out: header,
 * name "Solo5" padded to 8 bytes, 4 bytes of padding, then struct mft, with
 * n_descsz counting the padding. It declares one block device, "storage".
 *
 * Linking it with nabla's bindings must not clash with its memcpy & co.
 */
#include "solo5.h"

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

/* The manifest note, by hand. Layout of struct mft and its entries: the
 * Solo5 manifest ABI, version 1 (104-byte entries). */
struct my_mft_entry {
    char name[68];
    uint32_t type;
    union {
        struct {
            uint64_t capacity;
            uint16_t block_size;
        } block;
        struct {
            uint8_t mac[6];
            uint16_t mtu;
        } net;
    } u;
    union {
        int hostfd;
        void *data;
    } b;
    bool attached;
};

struct my_mft1_note {
    uint32_t n_namesz, n_descsz, n_type;
    char n_name[8];
    /* 4 bytes of padding here: struct mft holds 64-bit fields. */
    struct {
        uint32_t version, entries;
        struct my_mft_entry e[2];
    } m;
};

_Static_assert(sizeof(struct my_mft_entry) == 104, "entry layout");

__attribute__((section(".note.solo5.manifest"), aligned(4), used))
const struct my_mft1_note my_manifest = {
    .n_namesz = 6,
    .n_descsz = sizeof(struct my_mft1_note) - 20, /* padding included */
    .n_type = 0x3154464d,                         /* "MFT1" */
    .n_name = "Solo5",
    .m = {.version = 1,
          .entries = 2,
          .e = {{.name = "", .type = 1u << 30}, {.name = "storage", .type = 1}}},
};

static void puts(const char *s)
{
    solo5_console_write(s, strlen(s));
}

int solo5_app_main(const struct solo5_start_info *si)
{
    bool ok = true;
    struct solo5_block_info info;
    solo5_handle_t h;
    uint8_t buf[512], back[512];

    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK)
        ok = false;
    memset(buf, 'S', sizeof buf);
    if (ok && (solo5_block_write(h, 0, buf, sizeof buf) != SOLO5_R_OK ||
               solo5_block_read(h, 0, back, sizeof back) != SOLO5_R_OK ||
               memcmp(buf, back, sizeof buf) != 0))
        ok = false;
    puts("cmdline: '");
    puts(si->cmdline);
    puts("'\n");
    puts(ok ? "SUCCESS\n" : "FAILURE\n");
    return ok ? SOLO5_EXIT_SUCCESS : SOLO5_EXIT_FAILURE;
}
