/*
 * nabla-pack's host utility layer: one way to report an error, one growable
 * buffer, one read and one write loop, one atomic file write, one JSON
 * writer. The command-line conventions are in cli.h.
 */
#ifndef NABLA_PACK_UTIL_H
#define NABLA_PACK_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* v rounded up to a multiple of a, a power of two. */
static inline uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* --- errors (report.c) ---------------------------------------------------- */

/*
 * Formats one line (no newline) into err, if there is room, and returns -1:
 * library code reports with "return fail(err, errsz, ...)".
 */
__attribute__((format(printf, 3, 4))) int fail(char *err, size_t errsz,
                                               const char *fmt, ...);
/* Prints "nabla-pack: error: MESSAGE" on stderr and returns 1, the exit
 * status: subcommands end with "return die(...)". */
__attribute__((format(printf, 1, 2))) int die(const char *fmt, ...);

/* --- growable buffer (buf.c) ---------------------------------------------- */

/*
 * Zero-initialise it ({0}) and free data when done. Bytes never written are
 * zero and data[len] is always 0, so text can be read as a C string. On
 * out-of-memory oom sticks, later calls do nothing, and each call returns
 * -1: a sequence of calls can be checked once at the end.
 */
struct buf {
    unsigned char *data;
    size_t len, cap;
    int oom;
};

/* Writes len bytes at offset at (possibly past len, leaving zeros between). */
int buf_put(struct buf *b, size_t at, const void *data, size_t len);
int buf_append(struct buf *b, const void *data, size_t len);
/* Appends zeros up to a multiple of align (at most 64). */
int buf_align(struct buf *b, size_t align);
/* Room for n more bytes after len, which the caller then fills and counts;
 * NULL if out of memory. */
void *buf_room(struct buf *b, size_t n);
__attribute__((format(printf, 2, 3))) int buf_printf(struct buf *b,
                                                     const char *fmt, ...);

/* --- JSON (json.c) -------------------------------------------------------- */

/* Appends s as a quoted JSON string: \" \\ and \u00XX for control
 * characters, every other byte as it is. */
int buf_json_string(struct buf *b, const char *s);

/* --- files (fileio.c) ----------------------------------------------------- */

/* 1 if both paths exist and are the same file (device and inode, symbolic
 * links followed, hard links alike), else 0. */
int same_file(const char *a, const char *b);

/* "a/b" (one '/' between them) in a new string; NULL if out of memory. */
char *path_join(const char *a, const char *b);

/* Reads until len bytes or end of file, retrying interrupted calls. Returns
 * the count (less than len only at end of file), or -1 with errno. */
ssize_t read_full(int fd, void *data, size_t len);
/*
 * All of the regular file at path, of at most max bytes, into a new buffer
 * (*data, which the caller frees, and *size). Returns 0, or -1 with one
 * line in err.
 */
int read_file(const char *path, uint64_t max, uint8_t **data, size_t *size,
              char *err, size_t errsz);
/* Writes all len bytes. Returns 0, or -1 with errno. */
int write_full(int fd, const void *data, size_t len);

/*
 * A file written under a temporary name next to its final one (PATH.tmpXXXXXX)
 * and renamed into place only when complete and on disk: a failure or crash
 * never leaves a partial or stale file under the final name.
 */
struct atomic_file {
    char *tmp;
    int fd;
};

/* Creates the temporary file for path with the given mode. Returns 0, or -1
 * with one line in err. */
int atomic_open(struct atomic_file *f, const char *path, mode_t mode, char *err,
                size_t errsz);
int atomic_write(struct atomic_file *f, const void *data, size_t len, char *err,
                 size_t errsz);
/* Syncs, closes and renames the file to path (which may differ from the
 * path given to atomic_open). On failure the file is discarded. */
int atomic_commit(struct atomic_file *f, const char *path, char *err,
                  size_t errsz);
/* Closes and removes the temporary file; does nothing after a commit. */
void atomic_discard(struct atomic_file *f);
/* Whether atomic_write_file writes path in place: a name of a file already
 * open (/dev/stdout, /dev/fd/N, /proc/self/fd/N), a device or a pipe. */
int written_in_place(const char *path);
/* All of a file at once, the same way; but a path written_in_place is
 * written where it is, not replaced. */
int atomic_write_file(const char *path, mode_t mode, const void *data,
                      size_t len, char *err, size_t errsz);
/* The same for dir/name. */
int atomic_write_file_in(const char *dir, const char *name, mode_t mode,
                         const void *data, size_t len, char *err, size_t errsz);

#endif
