/*
 * An OCI image layer: a gzip-compressed ustar archive written as a blob of
 * an image layout, hashed both ways on the fly. The bytes depend on the
 * entries alone: owner root:root (0:0), mtime 0, a gzip header without name
 * or time (like gzip -9n).
 */
#ifndef NABLA_PACK_OCI_LAYER_H
#define NABLA_PACK_OCI_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

/* What an image says of a blob: its sha256 and size. */
struct digest {
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    uint64_t size;
};

struct layer;

/*
 * Starts a layer in a temporary file in dir (DIR/blobs/sha256). Returns NULL
 * with one line in err; the other functions report into the same err, and
 * return 0 or -1.
 */
struct layer *layer_open(const char *dir, char *err, size_t errsz);
/* A directory; name ends in '/'. Mode 0755. */
int layer_dir(struct layer *l, const char *name);
/* A regular file of size bytes at data. */
int layer_file(struct layer *l, const char *name, unsigned mode,
               const void *data, uint64_t size);
/* A regular file with the contents of the host file src, read in chunks. */
int layer_copy(struct layer *l, const char *name, unsigned mode,
               const char *src);
/*
 * Ends the archive and names the blob dir/<blob digest>. blob is the
 * digest of the gzip stream, diff (the config's diff_id) that of the tar.
 * Frees l, also on failure.
 */
int layer_close(struct layer *l, struct digest *blob, struct digest *diff);
/* Drops an unfinished layer and frees l. */
void layer_abort(struct layer *l);

#endif
