/*
 * What makes a guest ELF a Solo5 spt guest: the ABI1 note, and the
 * PT_INTERP that stops the bare guest from running on the host.
 */
#include "nabla/abi.h"

__attribute__((section(".note.solo5.abi"), aligned(4), used))
const struct abi1_note nabla_abi1_note = {
    .h = {.namesz = sizeof(ABI_NOTE_NAME),
          .descsz = sizeof(struct abi1_info),
          .type = ABI1_NOTE_TYPE,
          .name = ABI_NOTE_NAME},
    .desc = {ABI_TARGET_SPT, ABI_SPT_VERSION, 0, 0},
};

__attribute__((section(".interp"), used)) const char nabla_interp[] =
    SOLO5_INTERP;
