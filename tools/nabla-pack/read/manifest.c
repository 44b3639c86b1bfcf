/* The application manifest: Solo5's manifest.json in, a checked struct mft
 * or a C file defining the MFT1 note out. */
#define _POSIX_C_SOURCE 200809L

#include "read/manifest.h"

#include "device.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util/util.h"

/* A manifest.json is a few lines; refuse anything absurd rather than read a
 * mistaken path (say, a disk image) into memory. */
#define JSON_MAX_SIZE (1024 * 1024)

/* Room for one name or value quoted in a message, escaped and shortened. */
#define QUOTE_SIZE 96

#define MAX_DEVICES (MFT_MAX_ENTRIES - 1)

/*
 * Copies len bytes of untrusted text into dst as printable ASCII: control
 * bytes, non-ASCII bytes, quotes and backslashes become \xHH, and text that
 * does not fit ends in "...". Messages stay one printable line whatever a
 * file contains.
 */
static void quote(char *dst, size_t dstsz, const char *src, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const size_t room = dstsz - 4; /* keep space for "..." and the NUL */
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        bool plain = c >= 0x20 && c < 0x7f && c != '\'' && c != '\\';
        size_t need = plain ? 1 : 4;
        if (n + need > room) {
            memcpy(dst + n, "...", 3);
            n += 3;
            break;
        }
        if (plain) {
            dst[n++] = (char)c;
        } else {
            dst[n++] = '\\';
            dst[n++] = 'x';
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 0xf];
        }
    }
    dst[n] = '\0';
}

static bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9');
}

static bool is_valid_name_text(const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!is_name_char(name[i])) {
            return false;
        }
    }
    return true;
}

const char *manifest_type_name(uint32_t type)
{
    const struct device_type *t = device_type_of(type);
    if (t != NULL)
        return t->name;
    return type == MFT_RESERVED_FIRST ? "RESERVED" : "UNKNOWN";
}

/* --- Reading manifest.json ------------------------------------------------ */

/* Reads the whole file into text (NUL-terminated, as a struct buf is), in
 * chunks: any kind of file, a pipe too, up to JSON_MAX_SIZE. */
static int read_text(const char *path, struct buf *text, char *err,
                     size_t errsz)
{
    enum { CHUNK = 4096 };
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return fail(err, errsz, "%s: cannot open: %s", path, strerror(errno));
    }

    int rc = 0;
    ssize_t got = CHUNK;
    while (rc == 0 && got == CHUNK) { /* a short read is the end */
        void *room = buf_room(text, CHUNK);
        if (room == NULL) {
            rc = fail(err, errsz, "%s: out of memory", path);
        } else if ((got = read_full(fd, room, CHUNK)) < 0) {
            rc = fail(err, errsz, "%s: cannot read: %s", path, strerror(errno));
        } else if ((text->len += (size_t)got) > JSON_MAX_SIZE) {
            rc = fail(err, errsz, "%s: file is too large (more than %d bytes)",
                      path, JSON_MAX_SIZE);
        }
    }
    close(fd);
    return rc;
}

/* 1-based line and column of a byte offset, for parse errors people can find
 * in an editor. */
static void text_position(const char *text, size_t offset, size_t *line,
                          size_t *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *column = 1;
        } else {
            (*column)++;
        }
    }
}

/* Parses exactly one JSON value spanning all of text. */
static struct json_object *parse_json(const char *path, const char *text,
                                      size_t len, char *err, size_t errsz)
{
    if (len > INT32_MAX) { /* json-c takes an int length */
        fail(err, errsz, "%s: file is too large", path);
        return NULL;
    }
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        fail(err, errsz, "%s: out of memory", path);
        return NULL;
    }
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    struct json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);

    const char *why = NULL;
    if (jerr == json_tokener_continue) {
        why = "unexpected end of file";
    } else if (jerr != json_tokener_success) {
        why = json_tokener_error_desc(jerr);
    } else if (end < len) {
        /* json-c stops early at a NUL byte; anything after the value is
         * not part of a JSON document. */
        why = "unexpected data after the JSON value";
    }
    if (why != NULL) {
        size_t line, column;
        text_position(text, end < len ? end : len, &line, &column);
        fail(err, errsz, "%s: not valid JSON: %s (line %zu, column %zu)", path,
             why, line, column);
        json_object_put(root);
        return NULL;
    }
    return root;
}

/* "an object", "a string", ...: what a JSON value is, for messages. */
static const char *json_kind(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return "a boolean";
    case json_type_double:
        return "a number";
    case json_type_int:
        return "an integer";
    case json_type_object:
        return "an object";
    case json_type_array:
        return "an array";
    case json_type_string:
        return "a string";
    }
    return "an unknown value";
}

/* Refuses keys outside allowed (a NULL-terminated list): a misspelt key must
 * not be silently ignored. where is "" or "device N: ". */
static int check_keys(const char *path, const char *where,
                      struct json_object *obj, const char *const *allowed,
                      char *err, size_t errsz)
{
    json_object_object_foreach(obj, key, value)
    {
        (void)value;
        bool known = false;
        for (size_t i = 0; allowed[i] != NULL && !known; i++) {
            known = strcmp(key, allowed[i]) == 0;
        }
        if (!known) {
            char q[QUOTE_SIZE];
            quote(q, sizeof q, key, strlen(key));
            return fail(err, errsz, "%s: %sunknown key '%s'", path, where, q);
        }
    }
    return 0;
}

/* Checks the top-level "type": it identifies the document, so it comes
 * first. */
static int check_document_type(const char *path, struct json_object *root,
                               char *err, size_t errsz)
{
    struct json_object *type;
    if (!json_object_object_get_ex(root, "type", &type)) {
        return fail(err, errsz,
                    "%s: missing key 'type' (expected \"solo5.manifest\")",
                    path);
    }
    if (!json_object_is_type(type, json_type_string)) {
        return fail(err, errsz,
                    "%s: 'type' is %s, expected the string "
                    "\"solo5.manifest\"",
                    path, json_kind(type));
    }
    const char *s = json_object_get_string(type);
    size_t len = (size_t)json_object_get_string_len(type);
    if (len != strlen("solo5.manifest") || strcmp(s, "solo5.manifest") != 0) {
        char q[QUOTE_SIZE];
        quote(q, sizeof q, s, len);
        return fail(err, errsz,
                    "%s: manifest type is '%s', expected 'solo5.manifest'",
                    path, q);
    }
    return 0;
}

static int check_version(const char *path, struct json_object *root, char *err,
                         size_t errsz)
{
    struct json_object *version;
    if (!json_object_object_get_ex(root, "version", &version)) {
        return fail(err, errsz, "%s: missing key 'version'", path);
    }
    if (!json_object_is_type(version, json_type_int)) {
        return fail(err, errsz, "%s: 'version' is %s, expected an integer",
                    path, json_kind(version));
    }
    int64_t v = json_object_get_int64(version);
    if (v != MFT_VERSION) {
        return fail(err, errsz, "%s: unsupported manifest version %" PRId64,
                    path, v);
    }
    return 0;
}

/* Reads one device's name into e->name. index is the device's 1-based
 * number, which is also its entry index and solo5_handle_t. */
static int read_device_name(const char *path, uint32_t index,
                            struct json_object *dev, struct mft *out, char *err,
                            size_t errsz)
{
    struct json_object *name;
    if (!json_object_object_get_ex(dev, "name", &name)) {
        return fail(err, errsz, "%s: device %" PRIu32 ": missing key 'name'",
                    path, index);
    }
    if (!json_object_is_type(name, json_type_string)) {
        return fail(err, errsz,
                    "%s: device %" PRIu32 ": 'name' is %s, expected a string",
                    path, index, json_kind(name));
    }
    const char *s = json_object_get_string(name);
    size_t len = (size_t)json_object_get_string_len(name);
    char q[QUOTE_SIZE];
    quote(q, sizeof q, s, len);
    if (len == 0) {
        return fail(err, errsz, "%s: device %" PRIu32 ": name is empty", path,
                    index);
    }
    if (len > MFT_NAME_MAX) {
        return fail(err, errsz,
                    "%s: device %" PRIu32 ": name '%s' is %zu characters "
                    "long (maximum %d)",
                    path, index, q, len, MFT_NAME_MAX);
    }
    if (!is_valid_name_text(s, len)) {
        return fail(err, errsz,
                    "%s: device %" PRIu32 ": name '%s' has characters "
                    "outside [A-Za-z0-9]",
                    path, index, q);
    }
    for (uint32_t i = 1; i < index; i++) {
        if (strcmp(out->e[i].name, s) == 0) {
            return fail(err, errsz,
                        "%s: device %" PRIu32 ": duplicate device name '%s' "
                        "(also device %" PRIu32 ")",
                        path, index, q, i);
        }
    }
    memcpy(out->e[index].name, s, len + 1);
    return 0;
}

/* Reads one device's type; the name has been read already, for messages. */
static int read_device_type(const char *path, uint32_t index,
                            struct json_object *dev, struct mft_entry *e,
                            char *err, size_t errsz)
{
    struct json_object *type;
    if (!json_object_object_get_ex(dev, "type", &type)) {
        return fail(err, errsz,
                    "%s: device %" PRIu32 ": missing key 'type' for device "
                    "'%s'",
                    path, index, e->name);
    }
    if (!json_object_is_type(type, json_type_string)) {
        return fail(err, errsz,
                    "%s: device %" PRIu32 ": 'type' is %s, expected "
                    "\"BLOCK_BASIC\" or \"NET_BASIC\"",
                    path, index, json_kind(type));
    }
    const char *s = json_object_get_string(type);
    size_t len = (size_t)json_object_get_string_len(type);
    /* Compare lengths too: a JSON string may contain "\u0000". */
    const struct device_type *t = device_type_named(s);
    if (t != NULL && len == strlen(t->name)) {
        e->type = t->mft_type;
    } else {
        char q[QUOTE_SIZE];
        quote(q, sizeof q, s, len);
        return fail(err, errsz,
                    "%s: device %" PRIu32 ": unknown device type '%s' for "
                    "device '%s'",
                    path, index, q, e->name);
    }
    return 0;
}

static int read_device(const char *path, uint32_t index,
                       struct json_object *dev, struct mft *out, char *err,
                       size_t errsz)
{
    static const char *const keys[] = {"name", "type", NULL};
    char where[32];
    snprintf(where, sizeof where, "device %" PRIu32 ": ", index);

    if (!json_object_is_type(dev, json_type_object)) {
        return fail(err, errsz, "%s: %sis %s, expected an object", path, where,
                    json_kind(dev));
    }
    if (check_keys(path, where, dev, keys, err, errsz) < 0 ||
        read_device_name(path, index, dev, out, err, errsz) < 0 ||
        read_device_type(path, index, dev, &out->e[index], err, errsz) < 0) {
        return -1;
    }
    return 0;
}

static int read_devices(const char *path, struct json_object *root,
                        struct mft *out, char *err, size_t errsz)
{
    struct json_object *devices;
    if (!json_object_object_get_ex(root, "devices", &devices)) {
        return fail(err, errsz, "%s: missing key 'devices'", path);
    }
    if (!json_object_is_type(devices, json_type_array)) {
        return fail(err, errsz, "%s: 'devices' is %s, expected an array", path,
                    json_kind(devices));
    }
    size_t n = json_object_array_length(devices);
    if (n > MAX_DEVICES) {
        return fail(err, errsz, "%s: too many devices: %zu (maximum %d)", path,
                    n, MAX_DEVICES);
    }
    out->entries = 1 + (uint32_t)n;
    for (size_t i = 0; i < n; i++) {
        struct json_object *dev = json_object_array_get_idx(devices, i);
        if (read_device(path, (uint32_t)i + 1, dev, out, err, errsz) < 0) {
            return -1;
        }
    }
    return 0;
}

static int read_manifest(const char *path, struct json_object *root,
                         struct mft *out, char *err, size_t errsz)
{
    static const char *const keys[] = {"type", "version", "devices", NULL};

    if (!json_object_is_type(root, json_type_object)) {
        return fail(err, errsz, "%s: the manifest is %s, expected an object",
                    path, json_kind(root));
    }
    if (check_document_type(path, root, err, errsz) < 0 ||
        check_keys(path, "", root, keys, err, errsz) < 0 ||
        check_version(path, root, err, errsz) < 0) {
        return -1;
    }
    out->version = MFT_VERSION;
    out->e[0].type = MFT_RESERVED_FIRST; /* name "" from the memset */
    return read_devices(path, root, out, err, errsz);
}

int manifest_read_json(const char *path, struct mft *out, char *err,
                       size_t errsz)
{
    memset(out, 0, MFT_SIZE(MFT_MAX_ENTRIES));
    if (err != NULL && errsz > 0)
        err[0] = '\0';

    struct buf text = {0};
    if (read_text(path, &text, err, errsz) < 0) {
        free(text.data);
        return -1;
    }
    struct json_object *root =
        parse_json(path, (const char *)text.data, text.len, err, errsz);
    int rc = -1;
    if (root != NULL) {
        rc = read_manifest(path, root, out, err, errsz);
        json_object_put(root);
    } else if (err != NULL && errsz > 0 && err[0] == '\0') {
        /* The document is the JSON literal null: parsed, but no object. */
        fail(err, errsz, "%s: the manifest is null, expected an object", path);
    }
    free(text.data);
    return rc;
}

/* --- Checking a binary manifest ------------------------------------------ */

/*
 * The descriptor comes from an untrusted file and may sit at any alignment
 * in the caller's buffer, so fields are copied out byte-wise rather than
 * read through the struct.
 */
static uint32_t load_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static const unsigned char *entry_bytes(const struct mft *mft, uint32_t i)
{
    return (const unsigned char *)mft + MFT_SIZE(i);
}

static uint32_t entry_type(const struct mft *mft, uint32_t i)
{
    return load_u32(entry_bytes(mft, i) + offsetof(struct mft_entry, type));
}

static int check_header(const struct mft *mft, size_t size, char *err,
                        size_t errsz)
{
    if (size < sizeof(struct mft)) {
        return fail(err, errsz,
                    "manifest note too short: %zu bytes (minimum %zu)", size,
                    sizeof(struct mft));
    }
    if (size > MFT_SIZE(MFT_MAX_ENTRIES)) {
        return fail(err, errsz,
                    "manifest note too large: %zu bytes (maximum %zu)", size,
                    MFT_SIZE(MFT_MAX_ENTRIES));
    }
    const unsigned char *p = (const unsigned char *)mft;
    uint32_t version = load_u32(p + offsetof(struct mft, version));
    uint32_t entries = load_u32(p + offsetof(struct mft, entries));
    if (version != MFT_VERSION) {
        return fail(err, errsz, "manifest version %" PRIu32 " not supported",
                    version);
    }
    if (entries < 1) {
        return fail(err, errsz,
                    "manifest has no entries (entry 0 must be the reserved "
                    "entry)");
    }
    if (entries > MFT_MAX_ENTRIES) {
        return fail(err, errsz, "manifest has %" PRIu32 " entries, maximum %d",
                    entries, MFT_MAX_ENTRIES);
    }
    /* Exactly the entries' size, as Solo5's tenders require: anything else
     * means the writer and the reader disagree on the layout. */
    if (size != MFT_SIZE(entries)) {
        return fail(err, errsz,
                    "manifest note is %zu bytes, but %" PRIu32
                    " entries take %zu",
                    size, entries, MFT_SIZE(entries));
    }
    return 0;
}

/* Checks entry i's name (i >= 1) and copies it, NUL-terminated, to name. */
static int check_entry_name(const struct mft *mft, uint32_t i,
                            char name[MFT_NAME_SIZE], char *err, size_t errsz)
{
    memcpy(name, entry_bytes(mft, i), MFT_NAME_SIZE);
    const char *nul = memchr(name, '\0', MFT_NAME_SIZE);
    if (nul == NULL) {
        return fail(err, errsz,
                    "name of manifest entry %" PRIu32 " is not NUL-terminated",
                    i);
    }
    size_t len = (size_t)(nul - name);
    if (len == 0) {
        return fail(err, errsz, "name of manifest entry %" PRIu32 " is empty",
                    i);
    }
    if (!is_valid_name_text(name, len)) {
        char q[QUOTE_SIZE];
        quote(q, sizeof q, name, len);
        return fail(err, errsz,
                    "name of manifest entry %" PRIu32 " ('%s') has "
                    "characters outside [A-Za-z0-9]",
                    i, q);
    }
    return 0;
}

int manifest_check(const struct mft *mft, size_t size, char *err, size_t errsz)
{
    if (check_header(mft, size, err, errsz) < 0) {
        return -1;
    }
    uint32_t entries =
        load_u32((const unsigned char *)mft + offsetof(struct mft, entries));

    if (entry_type(mft, 0) != MFT_RESERVED_FIRST ||
        entry_bytes(mft, 0)[0] != '\0') {
        return fail(err, errsz, "manifest entry 0 is not the reserved entry");
    }

    /* Only a tender attaches devices: a note that claims it is forged. */
    for (uint32_t i = 0; i < entries; i++) {
        if (entry_bytes(mft, i)[offsetof(struct mft_entry, attached)] != 0) {
            return fail(err, errsz,
                        "manifest entry %" PRIu32 " is marked attached", i);
        }
    }

    /* Names of entries 1..entries-1, checked as they are copied here, so
     * the duplicate check compares only validated strings. */
    char names[MFT_MAX_ENTRIES][MFT_NAME_SIZE];
    for (uint32_t i = 1; i < entries; i++) {
        if (check_entry_name(mft, i, names[i], err, errsz) < 0) {
            return -1;
        }
        for (uint32_t j = 1; j < i; j++) {
            if (strcmp(names[i], names[j]) == 0) {
                return fail(err, errsz,
                            "manifest entry %" PRIu32 " has the same name "
                            "'%s' as entry %" PRIu32,
                            i, names[i], j);
            }
        }
        uint32_t type = entry_type(mft, i);
        if (device_type_of(type) == NULL) {
            return fail(err, errsz,
                        "manifest entry %" PRIu32 " ('%s') has unknown type "
                        "0x%" PRIx32,
                        i, names[i], type);
        }
    }
    return 0;
}

/* --- Writing the MFT1 note ----------------------------------------------- */

size_t manifest_note_write(const struct mft *mft, unsigned char *out)
{
    size_t size = MFT1_MFT_OFFSET + MFT_SIZE(mft->entries);
    struct solo5_note_header h = {.namesz = sizeof(ABI_NOTE_NAME),
                                  .descsz =
                                      (uint32_t)MFT1_DESC_SIZE(mft->entries),
                                  .type = MFT1_NOTE_TYPE,
                                  .name = ABI_NOTE_NAME};
    memset(out, 0, size);
    memcpy(out, &h, sizeof h);
    /* Only what a manifest declares: version, entries, names and types. */
    unsigned char *m = out + MFT1_MFT_OFFSET;
    uint32_t version = MFT_VERSION, entries = mft->entries;
    memcpy(m + offsetof(struct mft, version), &version, sizeof version);
    memcpy(m + offsetof(struct mft, entries), &entries, sizeof entries);
    for (uint32_t i = 0; i < mft->entries; i++) {
        unsigned char *e = m + MFT_SIZE(i);
        memcpy(e, mft->e[i].name, MFT_NAME_SIZE);
        memcpy(e + offsetof(struct mft_entry, type), &mft->e[i].type,
               sizeof mft->e[i].type);
    }
    return size;
}

/* --- Writing manifest.json ---------------------------------------------- */

void manifest_json(struct buf *out, const struct mft *mft,
                   enum manifest_json_layout layout)
{
    const char *in = layout == MANIFEST_JSON_ELFTOOL ? "  " : "    ";

    buf_printf(out,
               "{\n%s\"type\": \"solo5.manifest\",\n%s\"version\": %d,\n"
               "%s\"devices\": [",
               in, in, MFT_VERSION, in);
    for (uint32_t i = 1; i < mft->entries; i++) {
        buf_printf(out, "%s\n%s%s{ \"name\": ", i > 1 ? "," : "", in, in);
        buf_json_string(out, mft->e[i].name);
        buf_printf(out, ", \"type\": \"%s\" }",
                   manifest_type_name(mft->e[i].type));
    }
    if (mft->entries > 1 || layout == MANIFEST_JSON_ELFTOOL)
        buf_printf(out, "\n%s", in);
    buf_printf(out, "]\n}\n");
}

/* --- Writing the MFT1 note as C ------------------------------------------ */

static void emit_header(struct buf *out, uint32_t entries)
{
    buf_printf(
        out,
        "/* Generated by nabla-pack from the application manifest. "
        "Do not edit. */\n"
        "#include <stdint.h>\n"
        "\n"
        "#include \"nabla/abi.h\"\n"
        "\n"
        "#define NABLA_MFT_ENTRIES %" PRIu32 "\n"
        "\n"
        "/* struct mft with exactly NABLA_MFT_ENTRIES entries (struct mft "
        "ends in a\n"
        " * flexible array member, which cannot be initialized). */\n"
        "struct nabla_mft_desc {\n"
        "    uint32_t version;\n"
        "    uint32_t entries;\n"
        "    struct mft_entry e[NABLA_MFT_ENTRIES];\n"
        "};\n"
        "\n"
        "/* The MFT1 note as Solo5 writes it: header and name (20 bytes), "
        "then the\n"
        " * descriptor: 4 bytes of padding and struct mft at offset 24. */\n"
        "struct nabla_mft_note {\n"
        "    struct solo5_note_header h;\n"
        "    uint32_t padding;\n"
        "    struct nabla_mft_desc desc;\n"
        "};\n"
        "\n"
        "_Static_assert(sizeof(struct nabla_mft_desc) ==\n"
        "                   MFT_SIZE(NABLA_MFT_ENTRIES),\n"
        "               \"manifest descriptor size\");\n"
        "_Static_assert(offsetof(struct nabla_mft_desc, e) ==\n"
        "                   offsetof(struct mft, e),\n"
        "               \"manifest entries offset\");\n"
        "_Static_assert(offsetof(struct nabla_mft_note, desc) == "
        "MFT1_MFT_OFFSET,\n"
        "               \"struct mft at offset 24 of the note\");\n"
        "_Static_assert(sizeof(struct nabla_mft_note) ==\n"
        "                   SOLO5_NOTE_HEADER_SIZE + "
        "MFT1_DESC_SIZE(NABLA_MFT_ENTRIES),\n"
        "               \"the note is its header and n_descsz bytes\");\n"
        "\n",
        entries);
}

/* Names were checked to be [A-Za-z0-9]+, so they need no escaping. */
static void emit_note(struct buf *out, const struct mft *mft)
{
    buf_printf(
        out, "/* 4-byte aligned like every Solo5 note, so that the PT_NOTE's "
             "alignment is 4. */\n"
             "__attribute__((section(\".note.solo5.manifest\"), aligned(4), "
             "used))\n"
             "static const struct nabla_mft_note nabla_mft_note = {\n"
             "    .h = {.namesz = sizeof(ABI_NOTE_NAME),\n"
             "          .descsz = MFT1_DESC_SIZE(NABLA_MFT_ENTRIES),\n"
             "          .type = MFT1_NOTE_TYPE,\n"
             "          .name = ABI_NOTE_NAME},\n"
             "    .padding = 0,\n"
             "    .desc = {\n"
             "        .version = MFT_VERSION,\n"
             "        .entries = NABLA_MFT_ENTRIES,\n"
             "        .e = {\n"
             "            [0] = {.name = \"\", .type = MFT_RESERVED_FIRST},\n");
    for (uint32_t i = 1; i < mft->entries; i++) {
        buf_printf(out,
                   "            [%" PRIu32
                   "] = {.name = \"%s\", .type = MFT_%s},\n",
                   i, mft->e[i].name, manifest_type_name(mft->e[i].type));
    }
    buf_printf(out, "        },\n"
                    "    },\n"
                    "};\n");
}

int manifest_write_c(const struct mft *mft, const char *out_path, char *err,
                     size_t errsz)
{
    /* Whatever is emitted must be a valid manifest, and its names safe to
     * put in a C string literal. */
    char why[256];
    if (manifest_check(mft, MFT_SIZE(mft->entries), why, sizeof why) < 0) {
        return fail(err, errsz, "%s: refusing to write an invalid manifest: %s",
                    out_path, why);
    }

    struct buf text = {0};
    emit_header(&text, mft->entries);
    emit_note(&text, mft);
    int rc = text.oom ? fail(err, errsz, "%s: out of memory", out_path)
                      : atomic_write_file(out_path, 0644, text.data, text.len,
                                          err, errsz);
    free(text.data);
    return rc;
}
