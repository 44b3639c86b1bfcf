/*
 * Helpers shared by the fuzz harnesses (tests/fuzz/fuzz_*.c): an in-memory
 * file for code that takes a path, and invariant checks that crash.
 */
#ifndef NABLA_FUZZ_UTIL_H
#define NABLA_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* libFuzzer's entry point, also called by the replay driver (replay.c). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An invariant of the code under test does not hold: say which, and abort,
 * which libFuzzer and the replay driver report as a crash (with the input).
 */
#define FUZZ_ASSERT(cond, ...)                                                 \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr,                                                    \
                    "fuzz: %s:%d: invariant '%s' does not hold: ", __FILE__,   \
                    __LINE__, #cond);                                          \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* The harness itself cannot work (no memfd, ...): not a finding. */
#define FUZZ_SETUP_FAIL(what)                                                  \
    do {                                                                       \
        perror("fuzz: " what);                                                 \
        exit(2);                                                               \
    } while (0)

/*
 * A memfd holding exactly the current input, reachable by path as
 * /proc/self/fd/N: created on first use, rewritten for every input (opening
 * the path gives a fresh open file description, at offset 0).
 */
struct fuzz_file {
    int fd;
    char path[40];
};

static inline const char *fuzz_file_set(struct fuzz_file *f, const char *name,
                                        const uint8_t *data, size_t size)
{
    if (f->path[0] == '\0') {
        f->fd = memfd_create(name, MFD_CLOEXEC);
        if (f->fd < 0)
            FUZZ_SETUP_FAIL("memfd_create");
        snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
    }
    if (ftruncate(f->fd, 0) != 0)
        FUZZ_SETUP_FAIL("ftruncate");
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(f->fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            FUZZ_SETUP_FAIL("pwrite");
        done += (size_t)n;
    }
    return f->path;
}

/* NABLA_FUZZ_VERBOSE=1 in the environment: harnesses print what the code
 * under test said about each input (on stderr), for replaying by hand. */
static inline bool fuzz_verbose(void)
{
    static int verbose = -1;
    if (verbose < 0) {
        const char *v = getenv("NABLA_FUZZ_VERBOSE");
        verbose = v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
    }
    return verbose;
}

#define FUZZ_SAY(...)                                                          \
    do {                                                                       \
        if (fuzz_verbose()) {                                                  \
            fprintf(stderr, "fuzz: ");                                         \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
        }                                                                      \
    } while (0)

/* A message promised to be one printable line: non-empty, printable ASCII,
 * NUL-terminated inside its buffer. */
static inline bool fuzz_is_printable_line(const char *s, size_t bufsz)
{
    const char *nul = memchr(s, '\0', bufsz);
    if (nul == NULL || nul == s)
        return false;
    for (const char *c = s; c < nul; c++) {
        if (*c < 0x20 || *c > 0x7e)
            return false;
    }
    return true;
}

#endif
