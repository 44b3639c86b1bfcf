/* Whole reads and writes, and files that appear complete or not at all. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "util/util.h"

int same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

char *path_join(const char *a, const char *b)
{
    size_t k = strlen(a), n = k + strlen(b) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s%s%s", a, k > 0 && a[k - 1] == '/' ? "" : "/", b);
    return p;
}

ssize_t read_full(int fd, void *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, (unsigned char *)data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

int read_file(const char *path, uint64_t max, uint8_t **data, size_t *size,
              char *err, size_t errsz)
{
    struct stat st;
    int rc = -1;

    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errsz, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0)
        fail(err, errsz, "%s: cannot stat: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        fail(err, errsz, "%s: not a regular file", path);
    else if ((uint64_t)st.st_size > max || (uint64_t)st.st_size >= SIZE_MAX)
        fail(err, errsz, "%s: file too large (%lld bytes)", path,
             (long long)st.st_size);
    else if ((*data = malloc(st.st_size ? (size_t)st.st_size : 1)) == NULL)
        fail(err, errsz, "%s: out of memory", path);
    else if (read_full(fd, *data, (size_t)st.st_size) != st.st_size)
        fail(err, errsz, "%s: read error", path);
    else {
        *size = (size_t)st.st_size;
        rc = 0;
    }
    close(fd);
    if (rc != 0) {
        free(*data);
        *data = NULL;
    }
    return rc;
}

int write_full(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) { /* not an error to write(2), but no progress */
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int atomic_open(struct atomic_file *f, const char *path, mode_t mode, char *err,
                size_t errsz)
{
    size_t len = strlen(path) + sizeof(".tmpXXXXXX");

    f->fd = -1;
    f->tmp = malloc(len);
    if (f->tmp == NULL)
        return fail(err, errsz, "out of memory");
    snprintf(f->tmp, len, "%s.tmpXXXXXX", path);
    f->fd = mkstemp(f->tmp);
    /* mkstemp makes the file 0600; set the mode wanted, umask aside. */
    if (f->fd < 0 || fchmod(f->fd, mode) != 0) {
        int e = errno;
        atomic_discard(f);
        return fail(err, errsz, "%s: cannot create: %s", path, strerror(e));
    }
    return 0;
}

int atomic_write(struct atomic_file *f, const void *data, size_t len, char *err,
                 size_t errsz)
{
    if (write_full(f->fd, data, len) != 0)
        return fail(err, errsz, "%s: cannot write: %s", f->tmp,
                    strerror(errno));
    return 0;
}

int atomic_commit(struct atomic_file *f, const char *path, char *err,
                  size_t errsz)
{
    int rc = 0;

    /* On disk before the rename, or a crash could leave an empty file under
     * the final name. */
    if (fsync(f->fd) != 0)
        rc = fail(err, errsz, "%s: cannot write: %s", f->tmp, strerror(errno));
    if (close(f->fd) != 0 && rc == 0)
        rc = fail(err, errsz, "%s: cannot write: %s", f->tmp, strerror(errno));
    f->fd = -1;
    if (rc == 0 && rename(f->tmp, path) != 0)
        rc = fail(err, errsz, "%s: cannot rename into place: %s", path,
                  strerror(errno));
    if (rc != 0)
        unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    return rc;
}

/* fd >= 0 exactly while the temporary file exists and is open. */
void atomic_discard(struct atomic_file *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        unlink(f->tmp);
    }
    f->fd = -1;
    free(f->tmp);
    f->tmp = NULL;
}

/* /dev/stdout, /dev/fd/N, /proc/self/fd/N: names of a file already open,
 * which the process must write, not replace. */
static int names_open_file(const char *path)
{
    char dir[PATH_MAX], link[64];
    struct statfs fs;

    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (statfs(dir, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC)
        return 1;
    ssize_t n = readlink(path, link, sizeof(link) - 1);
    if (n <= 0)
        return 0;
    link[n] = '\0';
    return strncmp(link, "/proc/", 6) == 0 || strncmp(link, "/dev/fd/", 8) == 0;
}

int written_in_place(const char *path)
{
    struct stat st;

    return names_open_file(path) ||
           (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
}

/* Those, a device or a pipe (/dev/null, a FIFO) are written where they are:
 * a file renamed over one would replace the name itself (as root, -o
 * /dev/null or -o /dev/stdout would leave a regular file in /dev). */
static int write_in_place(const char *path, const void *data, size_t len,
                          char *err, size_t errsz)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errsz, "%s: cannot open: %s", path, strerror(errno));
    int rc = 0;
    if (write_full(fd, data, len) != 0)
        rc = fail(err, errsz, "%s: cannot write: %s", path, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = fail(err, errsz, "%s: cannot write: %s", path, strerror(errno));
    return rc;
}

int atomic_write_file(const char *path, mode_t mode, const void *data,
                      size_t len, char *err, size_t errsz)
{
    struct atomic_file f;
    struct stat st;

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return fail(err, errsz, "%s: is a directory", path);
    if (written_in_place(path))
        return write_in_place(path, data, len, err, errsz);
    if (atomic_open(&f, path, mode, err, errsz) != 0)
        return -1;
    if (atomic_write(&f, data, len, err, errsz) != 0) {
        atomic_discard(&f);
        return -1;
    }
    return atomic_commit(&f, path, err, errsz);
}

int atomic_write_file_in(const char *dir, const char *name, mode_t mode,
                         const void *data, size_t len, char *err, size_t errsz)
{
    char *path = path_join(dir, name);
    if (path == NULL)
        return fail(err, errsz, "out of memory");
    int rc = atomic_write_file(path, mode, data, len, err, errsz);
    free(path);
    return rc;
}
