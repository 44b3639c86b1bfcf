/*
 * What nabla-pack puts next to the guest: the stub (the one built into
 * nabla-pack, or --stub=PATH) and the exit trampoline's code. This is the
 * one place that chooses them: packing for a second architecture picks the
 * pair here, by the guest's e_machine.
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
    uint64_t entry_end; /* its symbol nabla_entry_end (stub/entry.ld), or 0 */
};

/* Loads and checks the stub at path, or the built-in one (path NULL).
 * Returns 0, or -1 with one line in err. */
int stub_load(struct stub *s, const char *path, char *err, size_t errsz);
void stub_free(struct stub *s);

#endif
