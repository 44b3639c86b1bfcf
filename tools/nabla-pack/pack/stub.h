/*
 * What nabla-pack puts next to the guest: the stub (the one built into
 * nabla-pack for the guest's architecture, or --stub=PATH) and the exit
 * trampoline's code. This is the one place that chooses them, by the
 * guest's e_machine: x86_64's or aarch64's pair (stub_blob.S).
 */
#ifndef NABLA_PACK_STUB_H
#define NABLA_PACK_STUB_H

#include <stddef.h>
#include <stdint.h>

#include "read/elfimage.h"

struct stub {
    /* Static, its PT_LOADs between NABLA_STUB_BASE and the payload. */
    struct elf_image img;
    const uint8_t *trampoline; /* the exit trampoline's code */
    size_t trampoline_size;
    /* Its alignment in the guest's text: aarch64's instructions lie on
     * 4-byte boundaries, x86_64's anywhere. */
    unsigned trampoline_align;
    uint64_t entry_end; /* its symbol nabla_entry_end (stub/entry.ld), or 0 */
};

/* Loads and checks the stub for a guest of machine e_machine: the one at
 * path, which must be for that machine, or the built-in one (path NULL).
 * Returns 0, or -1 with one line in err. */
int stub_load(struct stub *s, const char *path, unsigned e_machine, char *err,
              size_t errsz);
/* 1 if this nabla-pack carries a stub for machine e_machine: a build
 * without the cross toolchain (make NABLA_AARCH64=0) has none for aarch64. */
int stub_built_in(unsigned e_machine);
void stub_free(struct stub *s);

#endif
