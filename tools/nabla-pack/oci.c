/*
 * oci: writes an OCI image layout (image-spec 1.0) that holds a packed
 * executable and nothing else but its default disk images:
 *
 *   DIR/oci-layout, DIR/index.json (the image, tagged with
 *   org.opencontainers.image.ref.name), DIR/blobs/sha256/ (its manifest,
 *   config and one layer)
 *
 * The layer is a gzip-compressed ustar archive: /APPNAME (mode 0755), and
 * each --block:NAME=PATH default baked into APP whose PATH is relative,
 * copied from next to APP to the same relative place next to /APPNAME (mode
 * 0644, parent directories 0755). The stub resolves a relative default
 * against its own directory, so the image runs as it is. An absolute default
 * is not copied: it names a file of the machine the container runs on (a
 * volume). The config's entrypoint is ["/APPNAME"], with no Cmd and no
 * shell: container arguments go to the executable (its options, then the
 * guest's arguments).
 *
 * The output depends on the inputs alone: entries sorted by name, owner
 * root:root (0:0), mtime 0, a gzip header without name or time (like
 * gzip -n), no creation time in the config unless SOURCE_DATE_EPOCH is set.
 *
 * DIR is created if needed. If it already is an OCI image layout, the image
 * is added to it: an image with the same tag is dropped from index.json (its
 * blobs stay), others are kept. Any other non-empty DIR is refused.
 */
#include "inspect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ZLIB_CONST
#include <json-c/json.h>
#include <zlib.h>

#include "devopts.h"
#include "packed.h"
#include "sha256.h"

#define MT_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER "application/vnd.oci.image.layer.v1.tar+gzip"
#define REF_NAME "org.opencontainers.image.ref.name"
#define OCI_LAYOUT "{\"imageLayoutVersion\":\"1.0.0\"}"

#define TAR_BLOCK 512
#define CHUNK (64 * 1024)
#define MAX_TAG 128

static char errbuf[1024];

__attribute__((format(printf, 1, 2))) static int error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
    va_end(ap);
    return -1;
}

/* --- growing strings ------------------------------------------------------ */

struct str {
    char *p;
    size_t len, cap;
    int oom;
};

__attribute__((format(printf, 2, 3))) static void str_add(struct str *s,
                                                          const char *fmt, ...)
{
    va_list ap;
    if (s->oom)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || s->len + (size_t)n + 1 > s->cap) {
        size_t cap = 2 * (s->len + (size_t)(n < 0 ? 0 : n) + 1) + 256;
        char *p = n < 0 ? NULL : realloc(s->p, cap);
        if (p == NULL) {
            s->oom = 1;
            return;
        }
        s->p = p;
        s->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
}

static void str_json(struct str *s, const char *v)
{
    str_add(s, "\"");
    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if (c == '"' || c == '\\')
            str_add(s, "\\%c", c);
        else if (c < 0x20)
            str_add(s, "\\u%04x", c);
        else
            str_add(s, "%c", c);
    }
    str_add(s, "\"");
}

/* --- files ---------------------------------------------------------------- */

struct digest {
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    uint64_t size;
};

static void to_hex(const uint8_t sum[SHA256_DIGEST_SIZE], char *hex)
{
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", sum[i]);
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    size_t k = strlen(a);
    if (p != NULL)
        snprintf(p, n, "%s%s%s", a, k > 0 && a[k - 1] == '/' ? "" : "/", b);
    return p;
}

static int write_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* A new file in dir, named when complete (rename): no half-written blobs. */
struct tmpfile {
    char *path;
    int fd;
};

static int tmp_open(struct tmpfile *t, const char *dir)
{
    t->path = path_join(dir, ".nabla-oci-XXXXXX");
    if (t->path == NULL)
        return error("out of memory");
    t->fd = mkstemp(t->path);
    if (t->fd < 0 || fchmod(t->fd, 0644) != 0) {
        error("%s: cannot create a file: %s", dir, strerror(errno));
        if (t->fd >= 0) {
            close(t->fd);
            unlink(t->path);
        }
        free(t->path);
        t->path = NULL;
        return -1;
    }
    return 0;
}

static int tmp_write(struct tmpfile *t, const void *data, size_t len)
{
    if (write_all(t->fd, data, len) != 0)
        return error("%s: cannot write: %s", t->path, strerror(errno));
    return 0;
}

static void tmp_discard(struct tmpfile *t)
{
    if (t->path == NULL)
        return;
    close(t->fd);
    unlink(t->path);
    free(t->path);
    t->path = NULL;
}

static int tmp_commit(struct tmpfile *t, const char *path)
{
    int rc = close(t->fd);
    t->fd = -1;
    if (rc != 0) {
        error("%s: cannot write: %s", t->path, strerror(errno));
    } else if (rename(t->path, path) != 0) {
        rc = error("%s: cannot create: %s", path, strerror(errno));
    }
    if (rc != 0)
        unlink(t->path);
    free(t->path);
    t->path = NULL;
    return rc;
}

static int write_file(const char *dir, const char *name, const void *data,
                      size_t len)
{
    struct tmpfile t = {NULL, -1};
    char *path = path_join(dir, name);
    int rc = -1;
    if (path == NULL)
        return error("out of memory");
    if (tmp_open(&t, dir) == 0) {
        if (tmp_write(&t, data, len) == 0)
            rc = tmp_commit(&t, path);
        else
            tmp_discard(&t);
    }
    free(path);
    return rc;
}

/* Writes data as DIR/blobs/sha256/<its digest>. */
static int write_blob(const char *blobs, const void *data, size_t len,
                      struct digest *d)
{
    struct sha256 h;
    uint8_t sum[SHA256_DIGEST_SIZE];

    sha256_init(&h);
    sha256_update(&h, data, len);
    sha256_final(&h, sum);
    to_hex(sum, d->hex);
    d->size = len;
    return write_file(blobs, d->hex, data, len);
}

/* --- what goes into the layer --------------------------------------------- */

struct entry {
    char *name; /* in the archive: no leading '/', directories end in '/' */
    char *src;  /* host file of a disk image, else NULL */
    const char *opt; /* the default option it comes from, else NULL */
    dev_t dev;
    ino_t ino;
};

struct entries {
    struct entry *v;
    size_t n, cap;
};

static struct entry *entry_add(struct entries *es, const char *name, size_t len)
{
    if (es->n == es->cap) {
        size_t cap = 2 * es->cap + 8;
        struct entry *v = realloc(es->v, cap * sizeof(*v));
        if (v == NULL)
            return NULL;
        es->v = v;
        es->cap = cap;
    }
    struct entry *e = &es->v[es->n];
    memset(e, 0, sizeof(*e));
    e->name = strndup(name, len);
    if (e->name == NULL)
        return NULL;
    es->n++;
    return e;
}

static void entries_free(struct entries *es)
{
    for (size_t i = 0; i < es->n; i++) {
        free(es->v[i].name);
        free(es->v[i].src);
    }
    free(es->v);
}

/* By name; for one name, the executable first, then by option. */
static int entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0 || x->opt == y->opt)
        return c;
    if (x->opt == NULL || y->opt == NULL)
        return x->opt == NULL ? -1 : 1;
    return strcmp(x->opt, y->opt);
}

static int is_dir(const struct entry *e)
{
    size_t n = strlen(e->name);
    return n > 0 && e->name[n - 1] == '/';
}

/*
 * Where a relative default path lands in the image: "./a//b/../c" -> "a/c".
 * A ".." above the top stays at the top, as the kernel resolves "/.." to "/"
 * (the executable is in "/"). Empty if nothing is left.
 */
static char *image_path(const char *path)
{
    char *out = malloc(strlen(path) + 1);
    size_t n = 0;
    if (out == NULL)
        return NULL;
    for (const char *p = path; *p;) {
        const char *end = strchrnul(p, '/');
        size_t k = (size_t)(end - p);
        if (k == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
        } else if (k > 0 && !(k == 1 && p[0] == '.')) {
            if (n > 0)
                out[n++] = '/';
            memcpy(out + n, p, k);
            n += k;
        }
        p = *end ? end + 1 : end;
    }
    out[n] = '\0';
    return out;
}

/* A relative --block default of APP, as a layer entry (and its parents). */
static int add_disk(struct entries *es, const char *app_dir, const char *app,
                    const char *opt, const char *value)
{
    struct stat st;
    size_t len = strlen(value);

    if (len == 0 || value[len - 1] == '/')
        return error("%s: default %s does not name a file", app, opt);
    char *name = image_path(value);
    if (name == NULL)
        return error("out of memory");
    if (name[0] == '\0') {
        free(name);
        return error("%s: default %s does not name a file", app, opt);
    }
    for (char *s = strchr(name, '/'); s != NULL; s = strchr(s + 1, '/')) {
        if (entry_add(es, name, (size_t)(s - name) + 1) == NULL) {
            free(name);
            return error("out of memory");
        }
    }
    struct entry *e = entry_add(es, name, strlen(name));
    free(name);
    if (e == NULL || (e->src = path_join(app_dir, value)) == NULL)
        return error("out of memory");
    e->opt = opt;
    if (stat(e->src, &st) != 0)
        return error("%s: default disk image %s (%s): %s", app, e->src, opt,
                     strerror(errno));
    if (!S_ISREG(st.st_mode))
        return error("%s: default disk image %s (%s): not a regular file", app,
                     e->src, opt);
    e->dev = st.st_dev;
    e->ino = st.st_ino;
    return 0;
}

/* Sorts, drops duplicates, refuses two different things at one place. */
static int entries_check(struct entries *es, const char *app)
{
    qsort(es->v, es->n, sizeof(*es->v), entry_cmp);
    size_t n = 0;
    for (size_t i = 0; i < es->n; i++) {
        struct entry *e = &es->v[i];
        if (n > 0 && strcmp(es->v[n - 1].name, e->name) == 0) {
            struct entry *prev = &es->v[n - 1];
            int same =
                is_dir(e) || (prev->src != NULL && e->src != NULL &&
                              prev->dev == e->dev && prev->ino == e->ino);
            if (!same)
                return error("%s: %s would be /%s in the image, which %s "
                             "already is",
                             app, e->opt, e->name,
                             prev->opt ? prev->opt : "the executable");
            free(e->name);
            free(e->src);
            continue;
        }
        es->v[n++] = *e;
    }
    es->n = n;
    /* A file and a directory of the same name: "a" sorts before "a/". */
    for (size_t i = 0; i < es->n; i++) {
        const struct entry *e = &es->v[i];
        size_t len = strlen(e->name);
        if (is_dir(e))
            continue;
        for (size_t j = i + 1; j < es->n; j++) {
            const char *d = es->v[j].name;
            if (strncmp(d, e->name, len) != 0)
                break;
            if (strcmp(d + len, "/") == 0)
                return error("%s: /%s would be both a file (%s) and a "
                             "directory in the image",
                             app, e->name, e->opt ? e->opt : "the executable");
        }
    }
    return 0;
}

/* --- the layer: tar -> gzip, hashed both ways ----------------------------- */

struct layer {
    z_stream z;
    uLong crc;
    uint64_t isize;     /* uncompressed bytes */
    struct sha256 diff; /* of the tar: the config's diff_id */
    struct sha256 blob; /* of the gzip stream: the blob's digest */
    uint64_t blob_size;
    struct tmpfile out;
    uint8_t buf[CHUNK]; /* deflate's output */
    uint8_t in[CHUNK];  /* disk images are read through this */
};

static int layer_emit(struct layer *l, const void *data, size_t len)
{
    sha256_update(&l->blob, data, len);
    l->blob_size += len;
    return tmp_write(&l->out, data, len);
}

static int layer_deflate(struct layer *l, int flush)
{
    int rc;
    do {
        l->z.next_out = l->buf;
        l->z.avail_out = sizeof(l->buf);
        rc = deflate(&l->z, flush);
        if (rc == Z_STREAM_ERROR)
            return error("zlib: deflate failed");
        size_t have = sizeof(l->buf) - l->z.avail_out;
        if (have > 0 && layer_emit(l, l->buf, have) != 0)
            return -1;
    } while (l->z.avail_out == 0);
    if (flush == Z_FINISH && rc != Z_STREAM_END)
        return error("zlib: deflate did not finish");
    return 0;
}

/* Uncompressed archive bytes. */
static int layer_put(struct layer *l, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        size_t k = len < CHUNK ? len : CHUNK;
        sha256_update(&l->diff, p, k);
        l->crc = crc32(l->crc, p, (uInt)k);
        l->isize += k;
        l->z.next_in = p;
        l->z.avail_in = (uInt)k;
        if (layer_deflate(l, Z_NO_FLUSH) != 0)
            return -1;
        p += k;
        len -= k;
    }
    return 0;
}

/* The gzip header of `gzip -9n`: no name, mtime 0, best compression, Unix. */
static int layer_begin(struct layer *l, const char *blobs)
{
    static const uint8_t header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3};

    memset(&l->z, 0, sizeof(l->z));
    if (deflateInit2(&l->z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return error("zlib: cannot initialise deflate");
    l->crc = crc32(0, NULL, 0);
    l->isize = 0;
    l->blob_size = 0;
    sha256_init(&l->diff);
    sha256_init(&l->blob);
    if (tmp_open(&l->out, blobs) != 0) {
        deflateEnd(&l->z);
        return -1;
    }
    if (layer_emit(l, header, sizeof(header)) != 0) {
        deflateEnd(&l->z);
        tmp_discard(&l->out);
        return -1;
    }
    return 0;
}

static int layer_finish(struct layer *l)
{
    uint8_t trailer[8];
    if (layer_deflate(l, Z_FINISH) != 0)
        return -1;
    for (int i = 0; i < 4; i++) {
        trailer[i] = (uint8_t)(l->crc >> (8 * i));
        trailer[4 + i] = (uint8_t)(l->isize >> (8 * i));
    }
    return layer_emit(l, trailer, sizeof(trailer));
}

struct ustar {
    char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8];
    char typeflag, linkname[100], magic[6], version[2], uname[32], gname[32];
    char devmajor[8], devminor[8], prefix[155], pad[12];
};
_Static_assert(sizeof(struct ustar) == TAR_BLOCK, "ustar header");

static void octal(char *field, size_t width, unsigned long long v)
{
    char tmp[24];
    snprintf(tmp, sizeof(tmp), "%0*llo", (int)(width - 1), v);
    memcpy(field, tmp, width); /* width - 1 digits and a NUL */
}

static int tar_header(struct layer *l, const char *name, uint64_t size,
                      unsigned mode, char type)
{
    struct ustar h;
    size_t len = strlen(name);

    memset(&h, 0, sizeof(h));
    if (len <= sizeof(h.name)) {
        memcpy(h.name, name, len);
    } else {
        /* Split at a '/' into prefix and name. */
        size_t k = len;
        while (k > 0 && !(name[k - 1] == '/' && k - 1 <= sizeof(h.prefix) &&
                          len - k <= sizeof(h.name) && len - k > 0))
            k--;
        if (k == 0)
            return error("/%s: name too long for a tar header", name);
        memcpy(h.prefix, name, k - 1);
        memcpy(h.name, name + k, len - k);
    }
    octal(h.mode, sizeof(h.mode), mode);
    octal(h.uid, sizeof(h.uid), 0);
    octal(h.gid, sizeof(h.gid), 0);
    if (size < 077777777777ull) {
        octal(h.size, sizeof(h.size), size);
    } else { /* base-256, as GNU tar and Go's archive/tar read it */
        h.size[0] = (char)0x80;
        for (int i = (int)sizeof(h.size) - 1; i > 0; i--, size >>= 8)
            h.size[i] = (char)(size & 0xff);
    }
    octal(h.mtime, sizeof(h.mtime), 0);
    h.typeflag = type;
    memcpy(h.magic, "ustar", 6);
    memcpy(h.version, "00", 2);
    strcpy(h.uname, "root");
    strcpy(h.gname, "root");
    octal(h.devmajor, sizeof(h.devmajor), 0);
    octal(h.devminor, sizeof(h.devminor), 0);
    memset(h.chksum, ' ', sizeof(h.chksum));
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof(h); i++)
        sum += ((const unsigned char *)&h)[i];
    octal(h.chksum, 7, sum);
    h.chksum[7] = ' ';
    return layer_put(l, &h, sizeof(h));
}

static int tar_pad(struct layer *l, uint64_t size)
{
    static const uint8_t zeros[TAR_BLOCK];
    size_t rest = (size_t)(size % TAR_BLOCK);
    return rest ? layer_put(l, zeros, TAR_BLOCK - rest) : 0;
}

/* A disk image, read in chunks (it may be large). */
static int tar_disk(struct layer *l, const struct entry *e)
{
    struct stat st;
    int fd = open(e->src, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error("%s: cannot open: %s", e->src, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return error("%s: not a regular file", e->src);
    }
    uint64_t size = (uint64_t)st.st_size, done = 0;
    int rc = tar_header(l, e->name, size, 0644, '0');
    while (rc == 0 && done < size) {
        size_t want = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
        ssize_t n = read(fd, l->in, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = error("%s: cannot read: %s", e->src, strerror(errno));
        else if (n == 0)
            rc = error("%s: changed while being read", e->src);
        else {
            rc = layer_put(l, l->in, (size_t)n);
            done += (uint64_t)n;
        }
    }
    close(fd);
    return rc == 0 ? tar_pad(l, size) : rc;
}

static int write_layer(struct layer *l, const char *blobs,
                       const struct entries *es, const struct packed *pk,
                       struct digest *blob, struct digest *diff)
{
    static const uint8_t end[2 * TAR_BLOCK];
    uint8_t sum[SHA256_DIGEST_SIZE];
    int rc;

    if (layer_begin(l, blobs) != 0)
        return -1;
    rc = 0;
    for (size_t i = 0; rc == 0 && i < es->n; i++) {
        const struct entry *e = &es->v[i];
        if (is_dir(e))
            rc = tar_header(l, e->name, 0, 0755, '5');
        else if (e->src != NULL)
            rc = tar_disk(l, e);
        else if ((rc = tar_header(l, e->name, pk->img.size, 0755, '0')) == 0 &&
                 (rc = layer_put(l, pk->img.data, pk->img.size)) == 0)
            rc = tar_pad(l, pk->img.size);
    }
    if (rc == 0 && (rc = layer_put(l, end, sizeof(end))) == 0)
        rc = layer_finish(l);
    deflateEnd(&l->z);
    if (rc != 0) {
        tmp_discard(&l->out);
        return -1;
    }
    sha256_final(&l->diff, sum);
    to_hex(sum, diff->hex);
    diff->size = l->isize;
    sha256_final(&l->blob, sum);
    to_hex(sum, blob->hex);
    blob->size = l->blob_size;
    char *path = path_join(blobs, blob->hex);
    if (path == NULL) {
        tmp_discard(&l->out);
        return error("out of memory");
    }
    rc = tmp_commit(&l->out, path);
    free(path);
    return rc;
}

/* --- the output directory ------------------------------------------------- */

/* 1: DIR is an image layout already, 0: it is new or empty, -1: error. */
static int prepare_dir(const char *dir)
{
    if (mkdir(dir, 0755) == 0)
        return 0;
    if (errno != EEXIST)
        return error("%s: cannot create: %s", dir, strerror(errno));
    DIR *d = opendir(dir);
    if (d == NULL)
        return error("%s: cannot open: %s", dir, strerror(errno));
    int layout = 0, other = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, "oci-layout") == 0)
            layout = 1;
        else if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            other = 1;
    }
    closedir(d);
    if (other && !layout)
        return error("%s: exists and is neither empty nor an OCI image "
                     "layout",
                     dir);
    return layout;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return error("%s: cannot create: %s", path, strerror(errno));
    return 0;
}

/* The manifests of an existing index.json, but the one tagged tag. */
static int kept_manifests(const char *dir, const char *tag, struct str *out)
{
    char *path = path_join(dir, "index.json");
    if (path == NULL)
        return error("out of memory");
    if (access(path, F_OK) != 0) {
        free(path);
        return 0;
    }
    json_object *index = json_object_from_file(path), *list, *ann, *ref;
    int rc = 0;
    if (index == NULL)
        rc = error("%s: cannot read: %s", path, json_util_get_last_err());
    else if (!json_object_is_type(index, json_type_object) ||
             !json_object_object_get_ex(index, "manifests", &list) ||
             !json_object_is_type(list, json_type_array))
        rc = error("%s: not an OCI image index (no manifests array)", path);
    for (size_t i = 0; rc == 0 && i < json_object_array_length(list); i++) {
        json_object *m = json_object_array_get_idx(list, i);
        if (json_object_is_type(m, json_type_object) &&
            json_object_object_get_ex(m, "annotations", &ann) &&
            json_object_is_type(ann, json_type_object) &&
            json_object_object_get_ex(ann, REF_NAME, &ref) &&
            json_object_is_type(ref, json_type_string) &&
            strcmp(json_object_get_string(ref), tag) == 0)
            continue;
        str_add(
            out, "%s,",
            json_object_to_json_string_ext(
                m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    }
    json_object_put(index);
    free(path);
    return rc;
}

/* --- the image ------------------------------------------------------------ */

struct oci_request {
    const char *app, *dir, *tag;
    const char *created; /* RFC 3339, or NULL */
};

static const char *oci_arch(const struct packed *pk)
{
    switch (pk->img.ehdr->e_machine) {
    case EM_X86_64:
        return "amd64";
    case EM_AARCH64:
        return "arm64";
    default:
        return NULL;
    }
}

static int collect(const struct oci_request *r, const struct packed *pk,
                   struct entries *es, const char **appname)
{
    const char *base = strrchr(r->app, '/');
    base = base ? base + 1 : r->app;
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return error("%s: not a file name", r->app);
    *appname = base;
    if (entry_add(es, base, strlen(base)) == NULL)
        return error("out of memory");

    char *app_dir = strndup(r->app, (size_t)(base - r->app));
    if (app_dir == NULL)
        return error("out of memory");
    if (app_dir[0] == '\0') {
        free(app_dir);
        app_dir = strdup(".");
        if (app_dir == NULL)
            return error("out of memory");
    }
    const struct nabla_payload *p = pk->payload;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < p->options_count; i++) {
        const char *opt =
            payload_string(pk->payload, p->options_offset, p->options_count, i);
        struct devopt d;
        char err[256];
        int k = devopt_split(opt, &d, err, sizeof(err));
        if (k < 0)
            rc = error("%s: damaged default option: %s", r->app, err);
        else if (k == 1 && d.kind == DEVOPT_BLOCK && d.value[0] != '/')
            rc = add_disk(es, app_dir, r->app, opt, d.value);
    }
    free(app_dir);
    return rc != 0 ? rc : entries_check(es, r->app);
}

/* The image config: no Cmd, no shell, no time unless SOURCE_DATE_EPOCH. */
static void config_json(struct str *s, const struct oci_request *r,
                        const char *arch, const char *entrypoint,
                        const struct digest *diff)
{
    str_add(s, "{");
    if (r->created)
        str_add(s, "\"created\":\"%s\",", r->created);
    str_add(s,
            "\"architecture\":\"%s\",\"os\":\"linux\",\"config\":{"
            "\"Entrypoint\":[",
            arch);
    str_json(s, entrypoint);
    str_add(s,
            "],\"WorkingDir\":\"/\"},\"rootfs\":{\"type\":\"layers\","
            "\"diff_ids\":[\"sha256:%s\"]}",
            diff->hex);
    /* History only with a time: umoci 0.4.7 cannot show an entry without. */
    if (r->created)
        str_add(s,
                ",\"history\":[{\"created\":\"%s\",\"created_by\":"
                "\"nabla-pack oci\"}]",
                r->created);
    str_add(s, "}");
}

static void manifest_json(struct str *s, const struct digest *config,
                          const struct digest *layer)
{
    str_add(s,
            "{\"schemaVersion\":2,\"mediaType\":\"" MT_MANIFEST "\","
            "\"config\":{\"mediaType\":\"" MT_CONFIG "\",\"digest\":"
            "\"sha256:%s\",\"size\":%llu},\"layers\":[{\"mediaType\":"
            "\"" MT_LAYER "\",\"digest\":\"sha256:%s\",\"size\":%llu}]}",
            config->hex, (unsigned long long)config->size, layer->hex,
            (unsigned long long)layer->size);
}

/* kept: the other images' entries, each followed by a comma. */
static void index_json(struct str *s, const char *kept, const char *arch,
                       const char *tag, const struct digest *manifest)
{
    str_add(s,
            "{\"schemaVersion\":2,\"mediaType\":\"" MT_INDEX "\","
            "\"manifests\":[%s{\"mediaType\":\"" MT_MANIFEST "\","
            "\"digest\":\"sha256:%s\",\"size\":%llu,\"platform\":"
            "{\"architecture\":\"%s\",\"os\":\"linux\"},\"annotations\":"
            "{\"" REF_NAME "\":\"%s\"}}]}",
            kept ? kept : "", manifest->hex, (unsigned long long)manifest->size,
            arch, tag);
}

/*
 * Blobs first, index.json last (renamed into place): a failure never leaves
 * an index that names a missing blob.
 */
static int write_image(const struct oci_request *r, const struct packed *pk)
{
    struct entries es = {0};
    struct str kept = {0}, config = {0}, manifest = {0}, index = {0};
    struct digest layer_d, diff_d, config_d, manifest_d;
    struct layer *l = NULL;
    const char *appname = NULL, *arch = oci_arch(pk);
    char *blobs = NULL, *sha = NULL, *entrypoint = NULL;
    int layout, rc = -1;

    if (arch == NULL) {
        error("%s: unknown ELF machine %u", r->app, pk->img.ehdr->e_machine);
        goto out;
    }
    /* Everything is checked before DIR is touched. */
    if (collect(r, pk, &es, &appname) != 0 ||
        (layout = prepare_dir(r->dir)) < 0)
        goto out;
    blobs = path_join(r->dir, "blobs");
    sha = blobs ? path_join(blobs, "sha256") : NULL;
    entrypoint = path_join("", appname);
    l = malloc(sizeof(*l));
    if (sha == NULL || entrypoint == NULL || l == NULL) {
        error("out of memory");
        goto out;
    }
    if (make_dir(blobs) != 0 || make_dir(sha) != 0 ||
        (layout && kept_manifests(r->dir, r->tag, &kept) != 0) ||
        write_layer(l, sha, &es, pk, &layer_d, &diff_d) != 0)
        goto out;
    config_json(&config, r, arch, entrypoint, &diff_d);
    if (config.oom || kept.oom) {
        error("out of memory");
        goto out;
    }
    if (write_blob(sha, config.p, config.len, &config_d) != 0)
        goto out;
    manifest_json(&manifest, &config_d, &layer_d);
    if (manifest.oom) {
        error("out of memory");
        goto out;
    }
    if (write_blob(sha, manifest.p, manifest.len, &manifest_d) != 0)
        goto out;
    index_json(&index, kept.p, arch, r->tag, &manifest_d);
    if (index.oom) {
        error("out of memory");
        goto out;
    }
    if (!layout &&
        write_file(r->dir, "oci-layout", OCI_LAYOUT, strlen(OCI_LAYOUT)) != 0)
        goto out;
    if (write_file(r->dir, "index.json", index.p, index.len) != 0)
        goto out;
    printf("oci:%s:%s sha256:%s\n", r->dir, r->tag, manifest_d.hex);
    rc = 0;
out:
    entries_free(&es);
    free(kept.p);
    free(config.p);
    free(manifest.p);
    free(index.p);
    free(blobs);
    free(sha);
    free(entrypoint);
    free(l);
    return rc;
}

/* --- command line ----------------------------------------------------------
 */

/* Docker's tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
static int valid_tag(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > MAX_TAG || t[0] == '.' || t[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* SOURCE_DATE_EPOCH as RFC 3339 UTC; NULL in *out if unset or empty. */
static int source_date(char *buf, size_t size, const char **out)
{
    const char *v = getenv("SOURCE_DATE_EPOCH");
    struct tm tm;
    char *end;

    *out = NULL;
    if (v == NULL || v[0] == '\0')
        return 0;
    errno = 0;
    long long secs = strtoll(v, &end, 10);
    time_t t = (time_t)secs;
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 ||
        secs > 253402300799ll || gmtime_r(&t, &tm) == NULL)
        return error("SOURCE_DATE_EPOCH='%s': not a number of seconds since "
                     "1970 (up to year 9999)",
                     v);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    *out = buf;
    return 0;
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr,
            "nabla-pack: error: oci: %s%s%s (usage: nabla-pack oci "
            "APP -o DIR [-t TAG])\n",
            what, arg ? " " : "", arg ? arg : "");
    return 1;
}

int cmd_oci(int argc, char **argv)
{
    struct oci_request r = {.tag = "latest"};
    struct packed pk;
    uint8_t sum[SHA256_DIGEST_SIZE];
    char err[512], created[32];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-o") == 0 || strcmp(a, "-t") == 0) && i + 1 >= argc)
            return usage_error("missing value after", a);
        if (strcmp(a, "-o") == 0)
            r.dir = argv[++i];
        else if (strcmp(a, "-t") == 0)
            r.tag = argv[++i];
        else if (a[0] == '-' || r.app != NULL)
            return usage_error("unexpected argument", a);
        else
            r.app = a;
    }
    if (r.app == NULL || r.dir == NULL || r.dir[0] == '\0')
        return usage_error(r.app ? "no output directory" : "no APP", NULL);
    if (!valid_tag(r.tag)) {
        fprintf(stderr,
                "nabla-pack: error: oci: invalid tag '%s' (letters, "
                "digits, '_', '.', '-'; at most %d)\n",
                r.tag, MAX_TAG);
        return 1;
    }
    if (source_date(created, sizeof(created), &r.created) != 0) {
        fprintf(stderr, "nabla-pack: error: oci: %s\n", errbuf);
        return 1;
    }
    if (packed_open(&pk, r.app, err, sizeof(err)) != 0) {
        fprintf(stderr, "nabla-pack: error: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (packed_checksum(&pk.img, sum, err, sizeof(err)) != 0) {
        fprintf(stderr, "nabla-pack: error: %s\n", err);
        rc = 1;
    } else if (memcmp(sum, pk.payload->checksum, sizeof(sum)) != 0) {
        fprintf(stderr,
                "nabla-pack: error: %s: checksum mismatch: the file "
                "is damaged\n",
                r.app);
        rc = 1;
    } else if (write_image(&r, &pk) != 0) {
        fprintf(stderr, "nabla-pack: error: oci: %s\n", errbuf);
        rc = 1;
    }
    packed_close(&pk);
    return rc;
}
