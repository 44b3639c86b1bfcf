/*
 * nabla-pack's utility layer (tools/nabla-pack/util/util.h,
 * oci/oci_layer.h): error
 * reporting, struct buf, JSON escaping, whole reads and writes, atomic
 * files, path_join, sha256_hex, and an OCI layer read back with zlib.
 * Built with ASan + UBSan like every unit test; files go to a fresh
 * directory under /tmp, removed at the end. Output is TAP, ending in
 * "# all N tests passed" or "# N of M failed".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "tap.h"
#include "oci/oci_layer.h"
#include "sha256.h"
#include "util/util.h"

static char tmpdir[] = "/tmp/util_test.XXXXXX";

static void check_str(const char *got, const char *want, const char *what)
{
    report(got != NULL && strcmp(got, want) == 0, "%s", what);
    if (got == NULL || strcmp(got, want) != 0)
        printf("#   got  '%s'\n#   want '%s'\n", got ? got : "(null)", want);
}

static char *tmp_path(const char *name)
{
    char *p = path_join(tmpdir, name);
    if (p == NULL) {
        fprintf(stderr, "util_test: out of memory\n");
        exit(1);
    }
    return p;
}

/* Names in tmpdir other than . and .., for "nothing left behind". */
static int count_files(void)
{
    DIR *d = opendir(tmpdir);
    int n = 0;
    for (struct dirent *de; d && (de = readdir(d)) != NULL;)
        n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static void test_errors(void)
{
    char err[16] = "";

    report(fail(err, sizeof(err), "%s %d", "abc", 42) == -1 &&
               strcmp(err, "abc 42") == 0,
           "fail formats into err and returns -1");
    fail(err, sizeof(err), "%s", "0123456789abcdefghij");
    report(strcmp(err, "0123456789abcde") == 0, "fail truncates to errsz");
    report(fail(NULL, 0, "x") == -1, "fail with no buffer still returns -1");

    /* die's line, caught on a temporary file as stderr. */
    FILE *f = tmpfile();
    int saved = dup(2);
    fflush(stderr);
    dup2(fileno(f), 2);
    int rc = die("%s: %d", "thing", 7);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char line[64] = "";
    rewind(f);
    size_t n = fread(line, 1, sizeof(line) - 1, f);
    line[n] = '\0';
    fclose(f);
    report(rc == 1, "die returns the exit status 1");
    check_str(line, "nabla-pack: error: thing: 7\n", "die prints one line");
}

static void test_buf(void)
{
    struct buf b = {0};

    report(buf_append(&b, "ab", 2) == 0 && b.len == 2 && b.data[2] == 0,
           "buf_append, and data[len] is 0");
    report(buf_put(&b, 6, "z", 1) == 0 && b.len == 7 &&
               memcmp(b.data, "ab\0\0\0\0z", 7) == 0,
           "buf_put past the end leaves zeros between");
    report(buf_put(&b, 0, "A", 1) == 0 && b.len == 7 && b.data[0] == 'A',
           "buf_put inside overwrites, len unchanged");
    report(buf_align(&b, 8) == 0 && b.len == 8 && buf_align(&b, 8) == 0 &&
               b.len == 8,
           "buf_align pads to a multiple, and only then");
    b.len = 0;
    buf_printf(&b, "%s-%03d", "x", 5);
    check_str((const char *)b.data, "x-005", "buf_printf");
    b.len = 0;
    buf_json_string(&b, "a\"b\\c\n\x01\xc3\xa9");
    check_str((const char *)b.data, "\"a\\\"b\\\\c\\u000a\\u0001\xc3\xa9\"",
              "buf_json_string escapes quotes, backslashes, controls only");
    b.len = 0;
    for (int i = 0; i < 100000; i++)
        buf_printf(&b, "%d,", i % 10);
    bool same = !b.oom && b.len == 200000;
    for (size_t i = 0; same && i < b.len; i += 2)
        same = b.data[i] == (unsigned char)('0' + (i / 2) % 10);
    report(same && b.data[b.len] == 0, "buf grows to 200000 bytes intact");
    unsigned char *room = buf_room(&b, 10);
    report(room == b.data + b.len && b.cap > b.len + 10,
           "buf_room gives room after len");
    free(b.data);

    struct buf big = {0};
    report(buf_put(&big, SIZE_MAX - 8, "x", 1) == -1 && big.oom &&
               buf_append(&big, "y", 1) == -1,
           "an impossible size is out of memory, and that sticks");
    free(big.data);
}

/* Each kind of byte alone: the quoting is exactly RFC 8259's. */
static void check_json(const char *s, const char *want, const char *what)
{
    struct buf b = {0};
    buf_json_string(&b, s);
    check_str((const char *)b.data, want, what);
    free(b.data);
}

static void test_json(void)
{
    check_json("a", "\"a\"", "buf_json_string: plain");
    check_json("", "\"\"", "buf_json_string: empty");
    check_json("\"", "\"\\\"\"", "buf_json_string: quote");
    check_json("\\", "\"\\\\\"", "buf_json_string: backslash");
    check_json("\x1f", "\"\\u001f\"", "buf_json_string: control");
    check_json("\x7f/", "\"\x7f/\"",
               "buf_json_string: DEL and slash as they are");
    check_json("\xe9", "\"\xe9\"", "buf_json_string: high byte");
}

static void test_files(void)
{
    char err[256] = "";
    char *p = tmp_path("data");
    static char data[300000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 7);

    report(atomic_write_file(p, 0640, data, sizeof(data), err, sizeof(err)) ==
               0,
           "atomic_write_file");
    struct stat st;
    report(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640 &&
               st.st_size == (off_t)sizeof(data) && count_files() == 1,
           "the file has its mode and size, and nothing else is left");
    static char back[sizeof(data) + 10];
    int fd = open(p, O_RDONLY);
    ssize_t n = read_full(fd, back, sizeof(back));
    report(n == (ssize_t)sizeof(data) && memcmp(back, data, sizeof(data)) == 0,
           "read_full reads it back, short only at the end");
    report(read_full(fd, back, 10) == 0, "read_full at the end reads 0");
    close(fd);
    report(read_full(-1, back, 1) == -1 && errno == EBADF,
           "read_full reports errors");
    report(write_full(-1, back, 1) == -1 && errno == EBADF,
           "write_full reports errors");

    /* Failures: nothing is left behind, and the message names the path. */
    char *missing = tmp_path("no/such");
    char want[512];
    snprintf(want, sizeof(want), "%s: cannot create: %s", missing,
             strerror(ENOENT));
    report(atomic_write_file(missing, 0644, "x", 1, err, sizeof(err)) == -1,
           "atomic_write_file into a missing directory fails");
    check_str(err, want, "... saying so");
    char *dir = tmp_path("dir");
    mkdir(dir, 0755);
    snprintf(want, sizeof(want), "%s: is a directory", dir);
    report(atomic_write_file(dir, 0644, "x", 1, err, sizeof(err)) == -1,
           "atomic_write_file over a directory fails");
    check_str(err, want, "... saying so");
    report(count_files() == 2, "no temporary file is left");

    struct atomic_file f;
    report(atomic_open(&f, p, 0644, err, sizeof(err)) == 0 &&
               count_files() == 3,
           "atomic_open makes a temporary file");
    atomic_discard(&f);
    atomic_discard(&f);
    report(count_files() == 2 && stat(p, &st) == 0 &&
               st.st_size == (off_t)sizeof(data),
           "atomic_discard (twice) removes it and leaves the old file");
    char *other = tmp_path("other");
    report(atomic_open(&f, p, 0644, err, sizeof(err)) == 0 &&
               atomic_write(&f, "new", 3, err, sizeof(err)) == 0 &&
               atomic_commit(&f, other, err, sizeof(err)) == 0 &&
               stat(other, &st) == 0 && st.st_size == 3 && count_files() == 3,
           "atomic_commit may name another path");
    atomic_discard(&f);
    report(stat(other, &st) == 0, "atomic_discard after a commit does nothing");
    unlink(other);
    rmdir(dir);
    unlink(p);
    free(other);
    free(dir);
    free(missing);
    free(p);

    char *j = path_join("a", "b"), *k = path_join("a/", "b"),
         *l = path_join("", "b");
    check_str(j, "a/b", "path_join");
    check_str(k, "a/b", "path_join: no double '/'");
    check_str(l, "/b", "path_join: empty first part");
    free(j);
    free(k);
    free(l);

    struct sha256 h;
    uint8_t sum[SHA256_DIGEST_SIZE];
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    sha256_init(&h);
    sha256_update(&h, "abc", 3);
    sha256_final(&h, sum);
    sha256_hex(sum, hex);
    check_str(
        hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha256_hex");
}

static void hash_hex(const void *data, size_t len, char *hex)
{
    struct sha256 h;
    uint8_t sum[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, data, len);
    sha256_final(&h, sum);
    sha256_hex(sum, hex);
}

/* A layer with a directory, a file from memory and a copied file, read back
 * with zlib: digests, sizes, gzip header and the tar's headers. */
static void test_layer(void)
{
    char err[256] = "", hex[2 * SHA256_DIGEST_SIZE + 1];
    struct digest blob, diff;
    char *disk = tmp_path("disk.img");
    static unsigned char disk_data[70000];
    for (size_t i = 0; i < sizeof(disk_data); i++)
        disk_data[i] = (unsigned char)(i % 251);
    atomic_write_file(disk, 0644, disk_data, sizeof(disk_data), err,
                      sizeof(err));

    struct layer *l = layer_open(tmpdir, err, sizeof(err));
    int rc = l ? 0 : -1;
    if (rc == 0)
        rc = layer_file(l, "app", 0755, "hello", 5);
    if (rc == 0)
        rc = layer_dir(l, "d/");
    if (rc == 0)
        rc = layer_copy(l, "d/disk.img", 0644, disk);
    if (rc == 0)
        rc = layer_close(l, &blob, &diff);
    else if (l)
        layer_abort(l);
    report(rc == 0, "a layer is written%s%s", rc ? ": " : "", rc ? err : "");
    if (rc != 0)
        return;

    char *path = tmp_path(blob.hex);
    struct buf gz = {0};
    int fd = open(path, O_RDONLY);
    void *room = buf_room(&gz, blob.size + 1);
    ssize_t n = room && fd >= 0 ? read_full(fd, room, blob.size + 1) : -1;
    if (fd >= 0)
        close(fd);
    gz.len = n > 0 ? (size_t)n : 0;
    hash_hex(gz.data, gz.len, hex);
    report(n == (ssize_t)blob.size && strcmp(hex, blob.hex) == 0,
           "the blob is named by its digest and has its size");
    report(gz.len > 10 &&
               memcmp(gz.data, "\x1f\x8b\x08\0\0\0\0\0\x02\x03", 10) == 0,
           "gzip header of gzip -9n");

    static unsigned char tar[4 * 512 + 70144 + 1024 + 512];
    z_stream z = {0};
    inflateInit2(&z, 16 + 15);
    z.next_in = gz.data;
    z.avail_in = (uInt)gz.len;
    z.next_out = tar;
    z.avail_out = sizeof(tar);
    int zrc = inflate(&z, Z_FINISH);
    size_t tlen = sizeof(tar) - z.avail_out;
    inflateEnd(&z);
    hash_hex(tar, tlen, hex);
    report(zrc == Z_STREAM_END && tlen == diff.size &&
               strcmp(hex, diff.hex) == 0,
           "diff is the digest and size of the tar inside");
    /* app: header, 5 bytes padded; d/: header; disk: header, data padded;
     * two zero blocks. */
    size_t want = 512 + 512 + 512 + 512 + 70144 + 1024;
    report(tlen == want, "tar size %zu (want %zu)", tlen, want);
    report(strcmp((char *)tar, "app") == 0 &&
               memcmp(tar + 100, "0000755", 8) == 0 &&
               memcmp(tar + 124, "00000000005", 12) == 0 && tar[156] == '0' &&
               strcmp((char *)tar + 265, "root") == 0 &&
               memcmp(tar + 512, "hello", 5) == 0,
           "the file entry: name, mode, size, type, owner, data");
    report(strcmp((char *)tar + 1024, "d/") == 0 && tar[1024 + 156] == '5',
           "the directory entry");
    report(strcmp((char *)tar + 1536, "d/disk.img") == 0 &&
               memcmp(tar + 1536 + 100, "0000644", 8) == 0 &&
               memcmp(tar + 2048, disk_data, sizeof(disk_data)) == 0,
           "the copied file, whole");
    free(gz.data);
    unlink(path);
    free(path);

    /* A failed copy leaves no blob and no temporary file. */
    int before = count_files();
    l = layer_open(tmpdir, err, sizeof(err));
    char *missing = tmp_path("missing.img");
    rc = l ? layer_copy(l, "x", 0644, missing) : 0;
    if (l)
        layer_abort(l);
    report(rc == -1 && strstr(err, "missing.img: cannot open") != NULL &&
               count_files() == before,
           "a missing source fails, and nothing is left");
    free(missing);
    unlink(disk);
    free(disk);
}

int main(void)
{
    if (mkdtemp(tmpdir) == NULL) {
        fprintf(stderr, "util_test: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    test_errors();
    test_buf();
    test_json();
    test_files();
    test_layer();
    if (count_files() != 0)
        printf("# files left in %s\n", tmpdir);
    else
        rmdir(tmpdir);
    return tap_done();
}
