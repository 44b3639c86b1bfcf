/*
 * Unit tests of tools/nabla-pack/read/manifest.c. Build and run from the
 * top of the repository (the Makefile's rule for unit tests):
 *
 *   make build/tests/unit/manifest_test && build/tests/unit/manifest_test
 *
 * The compile test of the generated C file runs gcc with -I NABLA_INCLUDE_DIR
 * (default "include", relative to the current directory; override with
 * -DNABLA_INCLUDE_DIR='"/path/to/include"'). Fixtures are written to a
 * fresh directory under /tmp, removed at the end.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "read/manifest.h"

#ifndef NABLA_INCLUDE_DIR
#define NABLA_INCLUDE_DIR "include"
#endif

static char tmpdir[] = "/tmp/manifest_test.XXXXXX";

/* Buffer for manifest_read_json: MFT_SIZE(MFT_MAX_ENTRIES) bytes, aligned
 * for struct mft. */
static union {
    struct mft mft;
    unsigned char bytes[MFT_SIZE(MFT_MAX_ENTRIES)];
} manifest_buf;

/* --- Fixtures ------------------------------------------------------------ */

static char *fixture_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

/* Writes len bytes of text to name in the temporary directory; returns the
 * path (valid until the next call). */
static const char *write_fixture_bytes(const char *name, const char *text,
                                       size_t len)
{
    char *path = fixture_path(name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write fixture %s: %s\n", path, strerror(errno));
        exit(2);
    }
    return path;
}

static const char *write_fixture(const char *name, const char *text)
{
    return write_fixture_bytes(name, text, strlen(text));
}

/* A manifest.json declaring n block devices named dev1, dev2, ... */
static char *many_devices_json(int n)
{
    size_t cap = 128 + (size_t)n * 64;
    char *s = malloc(cap);
    size_t len = (size_t)snprintf(
        s, cap,
        "{\"type\": \"solo5.manifest\", \"version\": 1, \"devices\": [");
    for (int i = 1; i <= n; i++) {
        len += (size_t)snprintf(s + len, cap - len,
                                "%s{\"name\": \"dev%d\", \"type\": "
                                "\"BLOCK_BASIC\"}",
                                i > 1 ? ", " : "", i);
    }
    snprintf(s + len, cap - len, "]}\n");
    return s;
}

/* A manifest.json with one device of the given name (no escaping). */
static char *one_device_json(const char *name, const char *type)
{
    size_t cap = strlen(name) + strlen(type) + 128;
    char *s = malloc(cap);
    snprintf(s, cap,
             "{\"type\": \"solo5.manifest\", \"version\": 1, \"devices\": "
             "[{\"name\": \"%s\", \"type\": \"%s\"}]}",
             name, type);
    return s;
}

/* --- Message checks ------------------------------------------------------ */

/* Every message: one line of printable ASCII, no trailing newline, starting
 * with prefix (the path, for JSON errors). */
static bool message_is_well_formed(const char *err, const char *prefix)
{
    if (strncmp(err, prefix, strlen(prefix)) != 0 || err[0] == '\0') {
        return false;
    }
    for (const char *p = err; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c >= 0x7f) {
            return false;
        }
    }
    return true;
}

static void expect_json_ok(const char *desc, const char *path)
{
    char err[512] = "";
    int rc = manifest_read_json(path, &manifest_buf.mft, err, sizeof err);
    report(rc == 0, "%s", desc);
    if (rc != 0) {
        diag("unexpected error: %s", err);
    }
}

/* Expects manifest_read_json to fail with a well-formed message containing
 * want. */
static void expect_json_error(const char *desc, const char *path,
                              const char *want)
{
    char err[512] = "";
    int rc = manifest_read_json(path, &manifest_buf.mft, err, sizeof err);
    bool ok = rc == -1 && strstr(err, want) != NULL &&
              message_is_well_formed(err, path);
    report(ok, "%s", desc);
    if (!ok) {
        diag("rc %d, message '%s', wanted '%s'", rc, err, want);
    }
}

static void expect_json_text_error(const char *desc, const char *text,
                                   const char *want)
{
    expect_json_error(desc, write_fixture("manifest.json", text), want);
}

/* --- manifest_read_json ---------------------------------------------------
 */

static bool entry_is(const struct mft_entry *e, const char *name, uint32_t type)
{
    static const struct mft_entry zero;
    /* Everything after the type must be zero: unattached, no fd. */
    return strcmp(e->name, name) == 0 && e->type == type &&
           memcmp(&e->u, &zero.u, sizeof e->u) == 0 &&
           memcmp(&e->b, &zero.b, sizeof e->b) == 0 && !e->attached;
}

static void test_json_valid(void)
{
    const char *path = write_fixture(
        "manifest.json",
        "{\n"
        "  \"type\": \"solo5.manifest\",\n"
        "  \"version\": 1,\n"
        "  \"devices\": [\n"
        "    {\"name\": \"storage\", \"type\": \"BLOCK_BASIC\"},\n"
        "    {\"type\": \"NET_BASIC\", \"name\": \"service0\"}\n"
        "  ]\n"
        "}\n");
    expect_json_ok("valid manifest with 2 devices is read", path);
    const struct mft *m = &manifest_buf.mft;
    report(m->version == 1 && m->entries == 3, "version 1, 3 entries");
    report(entry_is(&m->e[0], "", MFT_RESERVED_FIRST),
           "entry 0 is the reserved entry");
    report(entry_is(&m->e[1], "storage", MFT_BLOCK_BASIC) &&
               entry_is(&m->e[2], "service0", MFT_NET_BASIC),
           "devices in file order, names and types, zeroed");

    /* Nothing beyond the last entry is left over from earlier use. */
    bool rest_zero = true;
    for (size_t i = MFT_SIZE(3); i < sizeof manifest_buf.bytes; i++) {
        rest_zero = rest_zero && manifest_buf.bytes[i] == 0;
    }
    report(rest_zero, "rest of the buffer zeroed");

    char err[256];
    report(manifest_check(m, MFT_SIZE(m->entries), err, sizeof err) == 0,
           "what manifest_read_json produces passes manifest_check");
}

static void test_json_empty_devices(void)
{
    /* Fill the buffer first: the reader must zero it. */
    memset(manifest_buf.bytes, 0xa5, sizeof manifest_buf.bytes);
    expect_json_ok("empty devices array is accepted",
                   write_fixture("manifest.json",
                                 "{\"type\": \"solo5.manifest\", \"version\": "
                                 "1, \"devices\": []}"));
    const struct mft *m = &manifest_buf.mft;
    report(m->entries == 1 && entry_is(&m->e[0], "", MFT_RESERVED_FIRST) &&
               manifest_buf.bytes[MFT_SIZE(1)] == 0,
           "empty devices: only the reserved entry, rest zeroed");
}

static void test_json_syntax_and_document(void)
{
    expect_json_text_error("not JSON is refused", "this is not json\n",
                           "manifest.json: not valid JSON: ");
    expect_json_text_error("truncated JSON is refused",
                           "{\"type\": \"solo5.manifest\",",
                           "not valid JSON: unexpected end of file");
    expect_json_text_error("empty file is refused", "",
                           "not valid JSON: unexpected end of file");
    expect_json_text_error("trailing garbage is refused",
                           "{\"type\": \"solo5.manifest\", \"version\": 1, "
                           "\"devices\": []}\n{}",
                           "not valid JSON");
    static const char nul_after[] =
        "{\"type\": \"solo5.manifest\", \"version\": 1, \"devices\": []}\0x";
    expect_json_error(
        "NUL byte after the JSON value is refused",
        write_fixture_bytes("manifest.json", nul_after, sizeof nul_after - 1),
        "not valid JSON");
    expect_json_text_error("top level array is refused", "[]",
                           "the manifest is an array, expected an object");
    expect_json_text_error("wrong document type is refused",
                           "{\"type\": \"solo5.other\", \"version\": 1, "
                           "\"devices\": []}",
                           "manifest type is 'solo5.other', expected "
                           "'solo5.manifest'");
    expect_json_text_error("missing document type is refused",
                           "{\"version\": 1, \"devices\": []}",
                           "missing key 'type'");
    expect_json_text_error("non-string document type is refused",
                           "{\"type\": 7, \"version\": 1, \"devices\": []}",
                           "'type' is an integer");
    expect_json_text_error("wrong version is refused",
                           "{\"type\": \"solo5.manifest\", \"version\": 2, "
                           "\"devices\": []}",
                           "unsupported manifest version 2");
    expect_json_text_error("non-integer version is refused",
                           "{\"type\": \"solo5.manifest\", \"version\": \"1\", "
                           "\"devices\": []}",
                           "'version' is a string, expected an integer");
    expect_json_text_error("missing devices is refused",
                           "{\"type\": \"solo5.manifest\", \"version\": 1}",
                           "missing key 'devices'");
    expect_json_text_error("devices not an array is refused",
                           "{\"type\": \"solo5.manifest\", \"version\": 1, "
                           "\"devices\": {}}",
                           "'devices' is an object, expected an array");
    expect_json_text_error("unknown top-level key is refused",
                           "{\"type\": \"solo5.manifest\", \"version\": 1, "
                           "\"devices\": [], \"device\": []}",
                           "unknown key 'device'");
    expect_json_error("missing file is refused with strerror",
                      fixture_path("does-not-exist.json"),
                      "cannot open: No such file or directory");
    expect_json_error("directory is refused", tmpdir, "cannot read: ");
}

static void test_json_devices(void)
{
    char *s;

    s = one_device_json("disk", "CHAR_BASIC");
    expect_json_text_error(
        "unknown device type is refused", s,
        "device 1: unknown device type 'CHAR_BASIC' for device 'disk'");
    free(s);

    expect_json_text_error(
        "duplicate device names are refused",
        "{\"type\": \"solo5.manifest\", \"version\": 1, \"devices\": ["
        "{\"name\": \"a\", \"type\": \"BLOCK_BASIC\"}, "
        "{\"name\": \"b\", \"type\": \"BLOCK_BASIC\"}, "
        "{\"name\": \"a\", \"type\": \"NET_BASIC\"}]}",
        "device 3: duplicate device name 'a'");

    s = many_devices_json(63);
    expect_json_ok("63 devices are accepted",
                   write_fixture("manifest.json", s));
    report(manifest_buf.mft.entries == 64 &&
               entry_is(&manifest_buf.mft.e[63], "dev63", MFT_BLOCK_BASIC),
           "63 devices: 64 entries, last one dev63");
    free(s);

    s = many_devices_json(64);
    expect_json_text_error("64 devices are refused", s,
                           "too many devices: 64 (maximum 63)");
    free(s);

    char name[80];
    memset(name, 'n', 67);
    name[67] = '\0';
    s = one_device_json(name, "NET_BASIC");
    expect_json_ok("name of 67 characters is accepted",
                   write_fixture("manifest.json", s));
    report(strlen(manifest_buf.mft.e[1].name) == 67,
           "name of 67 characters is kept whole");
    free(s);

    name[67] = 'n';
    name[68] = '\0';
    s = one_device_json(name, "NET_BASIC");
    expect_json_text_error("name of 68 characters is refused", s,
                           "is 68 characters long (maximum 67)");
    free(s);

    s = one_device_json("", "NET_BASIC");
    expect_json_text_error("empty name is refused", s,
                           "device 1: name is empty");
    free(s);

    s = one_device_json("a-b", "NET_BASIC");
    expect_json_text_error("bad characters are refused", s,
                           "device 1: name 'a-b' has characters outside "
                           "[A-Za-z0-9]");
    free(s);

    s = one_device_json("a\\u0000b", "NET_BASIC");
    expect_json_text_error("embedded NUL in a name is refused", s,
                           "name 'a\\x00b' has characters outside");
    free(s);

    s = one_device_json("a\\nb", "NET_BASIC");
    expect_json_text_error(
        "newline in a name is refused, escaped in the message", s,
        "name 'a\\x0ab' has characters outside");
    free(s);

    expect_json_text_error(
        "unknown device key is refused",
        "{\"type\": \"solo5.manifest\", \"version\": 1, \"devices\": ["
        "{\"name\": \"a\", \"type\": \"BLOCK_BASIC\", \"size\": 1}]}",
        "device 1: unknown key 'size'");
    expect_json_text_error(
        "device that is not an object is refused",
        "{\"type\": \"solo5.manifest\", \"version\": 1, \"devices\": "
        "[\"a\"]}",
        "device 1: is a string, expected an object");
    expect_json_text_error(
        "device without a type is refused",
        "{\"type\": \"solo5.manifest\", \"version\": 1, \"devices\": "
        "[{\"name\": \"a\"}]}",
        "device 1: missing key 'type'");
    expect_json_text_error(
        "device without a name is refused",
        "{\"type\": \"solo5.manifest\", \"version\": 1, \"devices\": "
        "[{\"type\": \"NET_BASIC\"}]}",
        "device 1: missing key 'name'");
}

static void test_json_small_err_buffer(void)
{
    char err[8];
    memset(err, 'x', sizeof err);
    int rc = manifest_read_json(fixture_path("does-not-exist.json"),
                                &manifest_buf.mft, err, sizeof err);
    report(rc == -1 && memchr(err, '\0', sizeof err) != NULL,
           "small error buffer: message truncated, NUL-terminated");
    rc = manifest_read_json(fixture_path("does-not-exist.json"),
                            &manifest_buf.mft, NULL, 0);
    report(rc == -1, "no error buffer: still fails cleanly");
}

/* --- manifest_check ------------------------------------------------------ */

/* A good binary manifest: reserved entry, "storage" (block), "net0" (net). */
static size_t make_binary(unsigned char *buf, size_t bufsz)
{
    memset(buf, 0, bufsz);
    struct mft *m = (struct mft *)buf;
    m->version = MFT_VERSION;
    m->entries = 3;
    m->e[0].type = MFT_RESERVED_FIRST;
    strcpy(m->e[1].name, "storage");
    m->e[1].type = MFT_BLOCK_BASIC;
    strcpy(m->e[2].name, "net0");
    m->e[2].type = MFT_NET_BASIC;
    return MFT_SIZE(3);
}

/* Runs manifest_check on a heap copy of exactly descsz bytes, so that the
 * address sanitizer catches any read past the descriptor. */
static int check_exact(const void *desc, size_t descsz, char *err, size_t errsz)
{
    void *copy = malloc(descsz > 0 ? descsz : 1);
    memcpy(copy, desc, descsz);
    int rc = manifest_check(copy, descsz, err, errsz);
    free(copy);
    return rc;
}

static void expect_check_error(const char *desc, const void *mft, size_t descsz,
                               const char *want)
{
    char err[512] = "";
    int rc = check_exact(mft, descsz, err, sizeof err);
    bool ok = rc == -1 && strstr(err, want) != NULL &&
              message_is_well_formed(err, "");
    report(ok, "%s", desc);
    if (!ok) {
        diag("rc %d, message '%s', wanted '%s'", rc, err, want);
    }
}

static void test_check(void)
{
    static union {
        struct mft mft;
        unsigned char bytes[MFT_SIZE(MFT_MAX_ENTRIES) + 64];
    } b;
    struct mft *m = &b.mft;
    char err[512] = "";
    size_t size;

    size = make_binary(b.bytes, sizeof b.bytes);
    int rc = check_exact(m, size, err, sizeof err);
    report(rc == 0, "manifest_check accepts a good manifest");
    if (rc != 0) {
        diag("unexpected error: %s", err);
    }
    expect_check_error("trailing bytes after the entries are refused", m,
                       size + 1,
                       "manifest note is 321 bytes, but 3 entries "
                       "take 320");

    make_binary(b.bytes, sizeof b.bytes);
    expect_check_error("descsz below 8 is refused", m, 7,
                       "manifest note too short");
    expect_check_error("descsz 0 is refused", m, 0, "manifest note too short");
    expect_check_error("descsz too short for the entries is refused", m,
                       size - 1,
                       "manifest note is 319 bytes, but 3 entries "
                       "take 320");
    expect_check_error("descsz above 6664 is refused", m, 6665,
                       "manifest note too large");

    m->version = 2;
    expect_check_error("version 2 is refused", m, size,
                       "manifest version 2 not supported");

    make_binary(b.bytes, sizeof b.bytes);
    m->entries = 65;
    expect_check_error("65 entries are refused", m, 6664,
                       "manifest has 65 entries, maximum 64");
    m->entries = 0;
    expect_check_error("0 entries are refused", m, size, "no entries");
    m->entries = UINT32_MAX;
    expect_check_error("2^32-1 entries are refused", m, 6664,
                       "manifest has 4294967295 entries, maximum 64");

    make_binary(b.bytes, sizeof b.bytes);
    m->e[0].type = MFT_BLOCK_BASIC;
    expect_check_error("entry 0 not reserved (type) is refused", m, size,
                       "manifest entry 0 is not the reserved entry");
    make_binary(b.bytes, sizeof b.bytes);
    strcpy(m->e[0].name, "x");
    expect_check_error("entry 0 not reserved (name) is refused", m, size,
                       "manifest entry 0 is not the reserved entry");

    make_binary(b.bytes, sizeof b.bytes);
    memset(m->e[2].name, 'a', MFT_NAME_SIZE);
    expect_check_error("unterminated name is refused", m, size,
                       "name of manifest entry 2 is not NUL-terminated");

    make_binary(b.bytes, sizeof b.bytes);
    m->e[1].name[0] = '\0';
    expect_check_error("empty name is refused", m, size,
                       "name of manifest entry 1 is empty");

    make_binary(b.bytes, sizeof b.bytes);
    strcpy(m->e[1].name, "bad\x1b[2Jname\xff");
    expect_check_error("non-printable name bytes are refused, escaped", m, size,
                       "('bad\\x1b[2Jname\\xff') has characters outside");

    make_binary(b.bytes, sizeof b.bytes);
    strcpy(m->e[2].name, "storage");
    expect_check_error("duplicate names are refused", m, size,
                       "manifest entry 2 has the same name 'storage' as "
                       "entry 1");

    make_binary(b.bytes, sizeof b.bytes);
    m->e[2].type = 7;
    expect_check_error("unknown type is refused", m, size,
                       "manifest entry 2 ('net0') has unknown type 0x7");
    m->e[2].type = MFT_RESERVED_FIRST;
    expect_check_error("reserved type on a device entry is refused", m, size,
                       "has unknown type 0x40000000");

    make_binary(b.bytes, sizeof b.bytes);
    m->e[2].attached = true;
    expect_check_error("an entry marked attached is refused", m, size,
                       "manifest entry 2 is marked attached");

    /* A full manifest: 64 entries, exactly MFT_SIZE(64) bytes. */
    make_binary(b.bytes, sizeof b.bytes);
    m->entries = 64;
    for (int i = 1; i < 64; i++) {
        snprintf(m->e[i].name, MFT_NAME_SIZE, "d%d", i);
        m->e[i].type = MFT_NET_BASIC;
    }
    report(check_exact(m, MFT_SIZE(64), err, sizeof err) == 0,
           "manifest_check accepts 64 entries in exactly MFT_SIZE(64) bytes");

    /* The descriptor may sit at any alignment in a file buffer. */
    make_binary(b.bytes, sizeof b.bytes);
    memmove(b.bytes + 4, b.bytes, size);
    report(manifest_check((const struct mft *)(const void *)(b.bytes + 4), size,
                          err, sizeof err) == 0,
           "manifest_check works on a descriptor at a 4-byte offset");
}

/* --- manifest_write_c ---------------------------------------------------- */

static unsigned char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Runs a shell command, its output in the temporary directory's log. */
static bool run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0) {
        diag("command failed (status %d): %s", rc, cmd);
    }
    return rc == 0;
}

static uint32_t u32_at(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Checks the note bytes in the section dumped from the compiled object. */
static void check_note_bytes(const unsigned char *note, size_t len)
{
    size_t want_size = 24 + MFT_SIZE(3);
    report(len == want_size, "section holds one note of %zu bytes (got %zu)",
           want_size, len);
    if (len != want_size) {
        return;
    }
    report(u32_at(note) == 6 && u32_at(note + 4) == 4 + MFT_SIZE(3) &&
               u32_at(note + 8) == 0x3154464d,
           "note header: namesz 6, descsz 4 + MFT_SIZE(3), type 0x3154464d");
    report(memcmp(note + 12, "Solo5\0\0\0\0\0\0\0", 12) == 0,
           "note name \"Solo5\" padded to 8 bytes, then 4 bytes padding");

    /* Compare the descriptor at offset 24 with the manifest's bytes. */
    const unsigned char *desc = note + 24;
    struct mft_entry e[3];
    memcpy(e, desc + 8, sizeof e);
    report(u32_at(desc) == 1 && u32_at(desc + 4) == 3,
           "descriptor at offset 24: version 1, 3 entries");
    report(e[0].name[0] == '\0' && e[0].type == MFT_RESERVED_FIRST &&
               strcmp(e[1].name, "storage") == 0 &&
               e[1].type == MFT_BLOCK_BASIC &&
               strcmp(e[2].name, "service0") == 0 && e[2].type == MFT_NET_BASIC,
           "descriptor entries: reserved, storage BLOCK_BASIC, service0 "
           "NET_BASIC");
    report(memcmp(desc, manifest_buf.bytes, MFT_SIZE(3)) == 0,
           "descriptor equals the struct mft read from JSON, byte for byte");
    char err[256];
    report(manifest_check((const struct mft *)(const void *)desc, MFT_SIZE(3),
                          err, sizeof err) == 0,
           "descriptor passes manifest_check");
}

static void test_write_c_compiles(void)
{
    expect_json_ok("2-device manifest for manifest_write_c is read",
                   write_fixture("manifest.json",
                                 "{\"type\": \"solo5.manifest\", \"version\": "
                                 "1, \"devices\": [{\"name\": \"storage\", "
                                 "\"type\": \"BLOCK_BASIC\"}, {\"name\": "
                                 "\"service0\", \"type\": \"NET_BASIC\"}]}"));

    char c_path[512], c2_path[512], err[512] = "";
    snprintf(c_path, sizeof c_path, "%s/mft.c", tmpdir);
    snprintf(c2_path, sizeof c2_path, "%s/mft2.c", tmpdir);
    int rc = manifest_write_c(&manifest_buf.mft, c_path, err, sizeof err);
    report(rc == 0, "manifest_write_c writes the C file");
    if (rc != 0) {
        diag("unexpected error: %s", err);
        return;
    }

    /* Same manifest, same bytes. */
    manifest_write_c(&manifest_buf.mft, c2_path, err, sizeof err);
    size_t len1 = 0, len2 = 0;
    unsigned char *c1 = read_whole(c_path, &len1);
    unsigned char *c2 = read_whole(c2_path, &len2);
    report(c1 != NULL && c2 != NULL && len1 == len2 &&
               memcmp(c1, c2, len1) == 0,
           "generated C is deterministic");
    free(c1);
    free(c2);

    report(run("gcc -c -std=c11 -ffreestanding -Wall -Wextra -Werror -I %s "
               "%s/mft.c -o %s/mft.o",
               NABLA_INCLUDE_DIR, tmpdir, tmpdir),
           "generated C compiles (-std=c11 -ffreestanding -Wall -Wextra "
           "-Werror)");
    report(run("readelf -n %s/mft.o > %s/readelf.txt 2>&1 && "
               "grep -q 'Solo5.*0x3154464d' %s/readelf.txt",
               tmpdir, tmpdir, tmpdir),
           "readelf -n sees a Solo5 note of type 0x3154464d");
    report(run("readelf -S -W %s/mft.o | grep -q "
               "'\\.note\\.solo5\\.manifest *NOTE .* 4$'",
               tmpdir),
           "section .note.solo5.manifest is SHT_NOTE, 4-byte aligned");

    if (!run("objcopy -O binary --only-section=.note.solo5.manifest "
             "%s/mft.o %s/note.bin",
             tmpdir, tmpdir)) {
        report(false, "objcopy dumps the note section");
        return;
    }
    char bin_path[512];
    snprintf(bin_path, sizeof bin_path, "%s/note.bin", tmpdir);
    size_t len = 0;
    unsigned char *note = read_whole(bin_path, &len);
    if (note == NULL) {
        report(false, "note section dump readable");
        return;
    }
    check_note_bytes(note, len);
    unsigned char written[MFT1_MFT_OFFSET + MFT_SIZE(3)];
    report(len == sizeof written &&
               manifest_note_write(&manifest_buf.mft, written) == len &&
               memcmp(written, note, len) == 0,
           "manifest_note_write gives the compiled note's bytes");
    free(note);
}

static void test_write_c_full_and_errors(void)
{
    char *s = many_devices_json(63);
    expect_json_ok("63-device manifest for manifest_write_c is read",
                   write_fixture("manifest.json", s));
    free(s);
    char c_path[512], err[512] = "";
    snprintf(c_path, sizeof c_path, "%s/mft63.c", tmpdir);
    report(manifest_write_c(&manifest_buf.mft, c_path, err, sizeof err) == 0 &&
               run("gcc -c -std=c11 -ffreestanding -Wall -Wextra -Werror "
                   "-I %s %s -o %s/mft63.o",
                   NABLA_INCLUDE_DIR, c_path, tmpdir),
           "generated C for 63 devices compiles");

    /* Into a directory that does not exist: an error, and no file left. */
    snprintf(c_path, sizeof c_path, "%s/no-such-dir/mft.c", tmpdir);
    int rc = manifest_write_c(&manifest_buf.mft, c_path, err, sizeof err);
    report(rc == -1 && strstr(err, "No such file or directory") != NULL &&
               message_is_well_formed(err, c_path),
           "manifest_write_c into a missing directory fails with strerror");

    /* An invalid manifest is not written. */
    manifest_buf.mft.e[5].type = 9;
    snprintf(c_path, sizeof c_path, "%s/bad.c", tmpdir);
    rc = manifest_write_c(&manifest_buf.mft, c_path, err, sizeof err);
    report(rc == -1 && strstr(err, "unknown type 0x9") != NULL &&
               access(c_path, F_OK) != 0,
           "manifest_write_c refuses an invalid manifest, writes nothing");

    /* Only the expected files: no temporary file left behind. */
    report(run("test \"$(ls %s | tr '\\n' ' ')\" = \"manifest.json mft.c "
               "mft.o mft2.c mft63.c mft63.o note.bin readelf.txt \"",
               tmpdir),
           "no temporary files left in the output directory");
}

static void test_type_names(void)
{
    report(strcmp(manifest_type_name(MFT_BLOCK_BASIC), "BLOCK_BASIC") == 0 &&
               strcmp(manifest_type_name(MFT_NET_BASIC), "NET_BASIC") == 0 &&
               strcmp(manifest_type_name(MFT_RESERVED_FIRST), "RESERVED") ==
                   0 &&
               strcmp(manifest_type_name(42), "UNKNOWN") == 0,
           "manifest_type_name");
}

int main(void)
{
    if (access(NABLA_INCLUDE_DIR "/nabla/abi.h", R_OK) != 0) {
        fprintf(stderr,
                "manifest_test: %s/nabla/abi.h not found; run from the top "
                "of the repository or build with -DNABLA_INCLUDE_DIR\n",
                NABLA_INCLUDE_DIR);
        return 2;
    }
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 2;
    }

    test_json_valid();
    test_json_empty_devices();
    test_json_syntax_and_document();
    test_json_devices();
    test_json_small_err_buffer();
    test_check();
    test_write_c_compiles();
    test_write_c_full_and_errors();
    test_type_names();

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    }

    return tap_done();
}
