/* A unikernel ELF, validated for the spt ABI v2 before anything is packed. */
#ifndef NABLA_PACK_GUEST_H
#define NABLA_PACK_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "elfimage.h"
#include "nabla/abi.h"
#include "nabla/packed.h"

struct guest {
    struct elf_image img;
    uint64_t entry;
    uint64_t kernel_end; /* highest p_vaddr + p_memsz */
    size_t nloads;
    const Elf64_Phdr *loads[NABLA_MAX_GUEST_SEGMENTS];
    uint64_t orig_filesz[NABLA_MAX_GUEST_SEGMENTS]; /* set by the packer */
    struct abi1_info abi;
    struct mft *mft; /* a validated copy, MFT_SIZE(MFT_MAX_ENTRIES) bytes */
    size_t mft_size;
};

/*
 * Loads and checks the guest: a static ET_EXEC for this host, PT_LOADs inside
 * the file, at or above 0x100000 and below mem_limit, page-congruent, not
 * overlapping, never W+X, entry in an executable segment, exactly one ABI1
 * note (spt, version 2) and exactly one valid MFT1 note.
 * Returns 0 or -1 with one line in err.
 */
int guest_load(struct guest *g, const char *path, uint64_t mem_limit, char *err,
               size_t errsz);
void guest_free(struct guest *g);

#endif
