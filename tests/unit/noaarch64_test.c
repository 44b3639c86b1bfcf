/*
 * noaarch64_test X86_64.spt AARCH64.spt: nabla-pack's code linked with the
 * stubs of a build without the aarch64 one (make NABLA_AARCH64=0: the
 * Makefile links this test with stub_blob.S built so): an x86_64 guest
 * packs; an aarch64 guest is refused with one line naming what is
 * missing, and no output is written. ASan/UBSan.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack/pack.h"
#include "pack/stub.h"
#include "tap.h"

static int pack_one(const char *guest, const char *out, char *err, size_t errsz)
{
    struct pack_request req = {
        .guest_path = guest, .out_path = out, .quiet = 1};
    err[0] = '\0';
    return pack(&req, err, errsz);
}

int main(int argc, char **argv)
{
    char err[512], want[512];
    char tmpl[] = "/tmp/noaarch64_test.XXXXXX";

    if (argc != 3) {
        fprintf(stderr, "usage: noaarch64_test X86_64.spt AARCH64.spt\n");
        return 2;
    }
    const char *dir = mkdtemp(tmpl);
    if (dir == NULL) {
        perror("noaarch64_test: mkdtemp");
        return 2;
    }
    char out[256];
    snprintf(out, sizeof(out), "%s/app", dir);

    report(!stub_built_in(EM_AARCH64) && stub_built_in(EM_X86_64),
           "this build carries the x86_64 stub and not the aarch64 one");
    int rc = pack_one(argv[1], out, err, sizeof(err));
    report(rc == 0 && access(out, F_OK) == 0, "an x86_64 guest packs (%s)",
           err);
    unlink(out);
    rc = pack_one(argv[2], out, err, sizeof(err));
    snprintf(want, sizeof(want),
             "%s: a guest for aarch64, but this nabla-pack was built without "
             "the aarch64 stub (make NABLA_AARCH64=0, or no cross compiler)",
             argv[2]);
    report(rc == -1 && strcmp(err, want) == 0,
           "an aarch64 guest is refused with one line: '%s'", err);
    report(access(out, F_OK) != 0, "and nothing is written");
    unlink(out);
    rmdir(dir);
    return tap_done();
}
