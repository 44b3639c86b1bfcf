/* A unikernel ELF, validated for the spt ABI v2 before anything is packed. */
#ifndef NABLA_PACK_GUEST_H
#define NABLA_PACK_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "nabla/abi.h"
#include "packed_layout.h"
#include "read/elfimage.h"

struct guest {
    struct elf_image img;
    uint64_t entry;
    uint64_t kernel_end; /* highest p_vaddr + p_memsz */
    size_t nloads;
    const Elf64_Phdr *loads[NABLA_MAX_GUEST_SEGMENTS];
    uint64_t orig_filesz[NABLA_MAX_GUEST_SEGMENTS]; /* set by the packer */
    int nabi, nmft; /* Solo5 ABI1 and MFT1 notes found */
    struct abi1_info abi;
    struct mft *mft; /* a validated copy, MFT_SIZE(MFT_MAX_ENTRIES) bytes */
    size_t mft_size;
    int is_pie;           /* ET_DYN: a static PIE (docs/aslr.md) */
    struct nabla_pie pie; /* its record, when is_pie */
};

/*
 * Loads and checks the guest: a static ET_EXEC for this host (or a static
 * PIE, ET_DYN, laid out the same way: guest_pie_check), PT_LOADs inside
 * the file, at or above 0x100000 and below mem_limit, page-congruent, not
 * overlapping, never W+X, entry in an executable segment, exactly one ABI1
 * note (spt, version 2) and exactly one valid MFT1 note.
 * Returns 0 or -1 with one line in err.
 */
int guest_load(struct guest *g, const char *path, uint64_t mem_limit, char *err,
               size_t errsz);
/*
 * Only reads the Solo5 notes of the ELF file at path (any ABI target, no
 * other check): g->nabi and g->abi, g->nmft, g->mft and g->mft_size (the
 * first of each). Returns 0, or -1 with one line in err (a note that points
 * outside its segment, a file that is not ELF). guest_free releases g.
 */
int guest_load_notes(struct guest *g, const char *path, char *err,
                     size_t errsz);
void guest_free(struct guest *g);

/*
 * guest_pie.c. For an ET_DYN guest whose segments guest_load has checked:
 * a PT_DYNAMIC of a static PIE (DF_1_PIE, no DT_NEEDED, no REL, RELR or
 * PLT relocations, no text relocations), a relocation table inside the
 * segments whose every entry is R_X86_64_RELATIVE writing inside a
 * writable segment, a PT_GNU_RELRO (if any) inside one. Fills g->pie.
 * Returns 0 or -1 with one line in err.
 */
int guest_pie_check(struct guest *g, char *err, size_t errsz);
/* 1 if the guest has a PT_DYNAMIC flagged DF_1_PIE. */
int guest_pie_flagged(const struct guest *g);

/* "hvt", "spt", ... for an ABI1 target number, NULL if unknown. */
const char *guest_abi_target_name(uint32_t target);

#endif
