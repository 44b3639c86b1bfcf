/*
 * APP --verify: the check of `nabla-pack verify` (common/packed_file.c),
 * made by the file on itself, so that a target host needs nothing but the
 * file. It reads its own file (/proc/self/exe, else the path it was
 * started by), mapped read-only: the running image will not do, the stub's
 * data has changed since execve.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "packed_file.h"
#include "sha256.h"
#include "stub.h"

static int open_self(void)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
        return fd;
    const char *fn = (const char *)getauxval(AT_EXECFN);
    if (fn != NULL && (fd = open(fn, O_RDONLY | O_CLOEXEC)) >= 0)
        return fd;
    stub_die_errno("--verify: cannot open this executable's file "
                   "(/proc/self/exe)");
}

int verify_self(void)
{
    int fd = open_self();
    struct stat st;
    if (fstat(fd, &st) != 0)
        stub_die_errno("--verify: cannot stat this executable's file");
    size_t size = (size_t)st.st_size;
    const uint8_t *file =
        size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    if (file == MAP_FAILED)
        stub_die_errno("--verify: cannot map this executable's file");
    close(fd);

    uint8_t sum[SHA256_DIGEST_SIZE];
    struct result_msg why;
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    if (packed_verify(file, size, sum, &why) != RESULT_OK)
        stub_die("%s, do not run it", why.text);
    sha256_hex(sum, hex);
    printf("%s: OK (sha256 %s)\n", stub_progname, hex);
    /* An OK that was never written is no OK: a full disk or a closed
     * pipe must not pass as success. */
    if (fflush(stdout) != 0 || ferror(stdout))
        stub_die_errno("--verify: cannot write the result to standard "
                       "output");
    return 0;
}
