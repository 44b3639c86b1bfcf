/*
 * An OCI layer: tar -> gzip -> blob file. The tar stream feeds one SHA-256
 * (the diff_id) and deflate; deflate's output feeds another (the blob's
 * digest) and the file, so that a disk image of any size is read once and
 * never held in memory.
 */
#include "oci/oci_layer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#include "util/util.h"

#define TAR_BLOCK 512
#define CHUNK (64 * 1024)

struct layer {
    z_stream z;
    uLong crc;
    uint64_t isize;     /* uncompressed bytes */
    struct sha256 diff; /* of the tar: the config's diff_id */
    struct sha256 blob; /* of the gzip stream: the blob's digest */
    uint64_t blob_size;
    const char *dir;
    struct atomic_file out;
    char *err;
    size_t errsz;
    uint8_t buf[CHUNK]; /* deflate's output */
    uint8_t in[CHUNK];  /* disk images are read through this */
};

/* Compressed bytes, to the blob file. */
static int layer_emit(struct layer *l, const void *data, size_t len)
{
    sha256_update(&l->blob, data, len);
    l->blob_size += len;
    return atomic_write(&l->out, data, len, l->err, l->errsz);
}

static int layer_deflate(struct layer *l, int flush)
{
    int rc;
    do {
        l->z.next_out = l->buf;
        l->z.avail_out = sizeof(l->buf);
        rc = deflate(&l->z, flush);
        if (rc == Z_STREAM_ERROR)
            return fail(l->err, l->errsz, "zlib: deflate failed");
        size_t have = sizeof(l->buf) - l->z.avail_out;
        if (have > 0 && layer_emit(l, l->buf, have) != 0)
            return -1;
    } while (l->z.avail_out == 0);
    if (flush == Z_FINISH && rc != Z_STREAM_END)
        return fail(l->err, l->errsz, "zlib: deflate did not finish");
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
struct layer *layer_open(const char *dir, char *err, size_t errsz)
{
    static const uint8_t header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3};
    struct layer *l = calloc(1, sizeof(*l));
    char *tmp = path_join(dir, ".nabla-oci-layer");

    if (l == NULL || tmp == NULL) {
        free(l);
        free(tmp);
        fail(err, errsz, "out of memory");
        return NULL;
    }
    l->dir = dir;
    l->err = err;
    l->errsz = errsz;
    l->crc = crc32(0, NULL, 0);
    sha256_init(&l->diff);
    sha256_init(&l->blob);
    if (deflateInit2(&l->z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        free(tmp);
        free(l);
        fail(err, errsz, "zlib: cannot initialise deflate");
        return NULL;
    }
    int rc = atomic_open(&l->out, tmp, 0644, err, errsz);
    free(tmp);
    if (rc != 0) {
        deflateEnd(&l->z);
        free(l);
        return NULL;
    }
    if (layer_emit(l, header, sizeof(header)) != 0) {
        layer_abort(l);
        return NULL;
    }
    return l;
}

void layer_abort(struct layer *l)
{
    deflateEnd(&l->z);
    atomic_discard(&l->out);
    free(l);
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
            return fail(l->err, l->errsz, "/%s: name too long for a tar header",
                        name);
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

int layer_dir(struct layer *l, const char *name)
{
    return tar_header(l, name, 0, 0755, '5');
}

int layer_file(struct layer *l, const char *name, unsigned mode,
               const void *data, uint64_t size)
{
    if (tar_header(l, name, size, mode, '0') != 0 ||
        layer_put(l, data, size) != 0)
        return -1;
    return tar_pad(l, size);
}

int layer_copy(struct layer *l, const char *name, unsigned mode,
               const char *src)
{
    struct stat st;
    int fd = open(src, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(l->err, l->errsz, "%s: cannot open: %s", src,
                    strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(l->err, l->errsz, "%s: not a regular file", src);
    }
    uint64_t size = (uint64_t)st.st_size, done = 0;
    int rc = tar_header(l, name, size, mode, '0');
    while (rc == 0 && done < size) {
        size_t want = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
        ssize_t n = read_full(fd, l->in, want);
        if (n < 0)
            rc = fail(l->err, l->errsz, "%s: cannot read: %s", src,
                      strerror(errno));
        else if ((size_t)n < want)
            rc = fail(l->err, l->errsz, "%s: changed while being read", src);
        else
            rc = layer_put(l, l->in, want);
        done += want;
    }
    close(fd);
    return rc == 0 ? tar_pad(l, size) : rc;
}

/* The end of the archive, of the deflate stream and the gzip trailer. */
static int layer_finish(struct layer *l)
{
    static const uint8_t end[2 * TAR_BLOCK];
    uint8_t trailer[8];

    if (layer_put(l, end, sizeof(end)) != 0 || layer_deflate(l, Z_FINISH) != 0)
        return -1;
    for (int i = 0; i < 4; i++) {
        trailer[i] = (uint8_t)(l->crc >> (8 * i));
        trailer[4 + i] = (uint8_t)(l->isize >> (8 * i));
    }
    return layer_emit(l, trailer, sizeof(trailer));
}

int layer_close(struct layer *l, struct digest *blob, struct digest *diff)
{
    uint8_t sum[SHA256_DIGEST_SIZE];
    char *path = NULL;
    int rc = layer_finish(l);

    if (rc == 0) {
        sha256_final(&l->diff, sum);
        sha256_hex(sum, diff->hex);
        diff->size = l->isize;
        sha256_final(&l->blob, sum);
        sha256_hex(sum, blob->hex);
        blob->size = l->blob_size;
        path = path_join(l->dir, blob->hex);
        rc = path ? atomic_commit(&l->out, path, l->err, l->errsz)
                  : fail(l->err, l->errsz, "out of memory");
    }
    free(path);
    layer_abort(l); /* the file is in place or discarded by now */
    return rc;
}
