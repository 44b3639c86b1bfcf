/*
 * The Solo5 spt ABI, version 2: the structures shared by a guest and the
 * tender that starts it. One definition, used by the bindings (guest side),
 * the stub (tender side) and nabla-pack (which reads and validates them).
 *
 * Self-contained and freestanding: only <stdint.h>, <stdbool.h>, <stddef.h>.
 */
#ifndef NABLA_ABI_H
#define NABLA_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ABI1 note: which tender a guest was built for. */
#define ABI_NOTE_NAME "Solo5"
#define ABI1_NOTE_TYPE 0x31494241u /* "ABI1" */
#define MFT1_NOTE_TYPE 0x3154464du /* "MFT1" */

enum abi_target {
    ABI_TARGET_HVT = 1,
    ABI_TARGET_SPT = 2,
    ABI_TARGET_VIRTIO = 3,
    ABI_TARGET_MUEN = 4,
    ABI_TARGET_GENODE = 5,
    ABI_TARGET_XEN = 6,
};

#define ABI_SPT_VERSION 2

/*
 * The PT_INTERP of every Solo5 guest: an interpreter that does not exist, so
 * that running the bare guest ELF on the host fails at once (exit 127).
 */
#define SOLO5_INTERP "/nonexistent/solo5/"

struct abi1_info {
    uint32_t abi_target;
    uint32_t abi_version;
    uint32_t reserved0;
    uint32_t reserved1;
};

/*
 * Every Solo5 note begins with the ELF note header and the name "Solo5"
 * padded to 8 bytes: 20 bytes, after which its descriptor (n_descsz bytes)
 * follows, whatever the PT_NOTE's alignment.
 */
struct solo5_note_header {
    uint32_t namesz; /* sizeof(ABI_NOTE_NAME) */
    uint32_t descsz;
    uint32_t type;
    char name[8];
};

#define SOLO5_NOTE_HEADER_SIZE 20

/* The ABI1 note as a whole: header and a 16-byte descriptor. */
struct abi1_note {
    struct solo5_note_header h;
    struct abi1_info desc;
};

/* The application manifest, manifest ABI version 1. */
#define MFT_VERSION 1
#define MFT_MAX_ENTRIES 64
#define MFT_NAME_SIZE 68
#define MFT_NAME_MAX (MFT_NAME_SIZE - 1)

enum mft_type {
    MFT_BLOCK_BASIC = 1,
    MFT_NET_BASIC = 2,
    MFT_RESERVED_FIRST = (1 << 30),
};

struct mft_block_basic {
    uint64_t capacity;
    uint16_t block_size;
};

struct mft_net_basic {
    uint8_t mac[6];
    uint16_t mtu;
};

struct mft_entry {
    char name[MFT_NAME_SIZE];
    uint32_t type;
    union {
        struct mft_block_basic block_basic;
        struct mft_net_basic net_basic;
    } u;
    union {
        int hostfd;
        void *data;
    } b;
    bool attached;
};

struct mft {
    uint32_t version;
    uint32_t entries;
    struct mft_entry e[];
};

#define MFT_SIZE(entries)                                                      \
    (sizeof(struct mft) + (size_t)(entries) * sizeof(struct mft_entry))

/*
 * The MFT1 descriptor begins with 4 bytes of padding, so that struct mft,
 * which holds 64-bit fields, lies at offset 24 of the note. n_descsz counts
 * the padding: n_descsz = MFT1_DESC_SIZE(entries). This is how Solo5's
 * toolchain writes the note, and how its tenders and ours read it.
 */
#define MFT1_DESC_PAD 4
#define MFT1_DESC_SIZE(entries) (MFT1_DESC_PAD + MFT_SIZE(entries))
#define MFT1_MFT_OFFSET (SOLO5_NOTE_HEADER_SIZE + MFT1_DESC_PAD)

/* Guest memory layout (identity-mapped: guest address == host address). */
#define SPT_HOST_MEM_BASE 0x10000ull
#define SPT_BOOT_INFO_BASE 0x11000ull
#define SPT_GUEST_MIN_BASE 0x100000ull
#define SPT_CMDLINE_SIZE 8192
#define SPT_PAGE_SIZE 0x1000ull

/* epoll event data of the timerfd in the boot information's epoll set. */
#define SPT_TIMERFD_EVENT_DATA (~1u)

struct spt_boot_info {
    uint64_t mem_size;
    uint64_t kernel_end;
    const char *cmdline;
    const void *mft;
    int epollfd;
    int timerfd;
};

/*
 * nabla's own addition, not part of the Solo5 ABI: right after the boot
 * information, the stub leaves 16 random bytes from the kernel (AT_RANDOM)
 * for the guest's stack guard. Guests must check the magic: other tenders
 * leave no such block.
 */
#define NABLA_BOOT_EXT_MAGIC 0x544f4f42414c424eull /* "NBLABOOT" */

struct nabla_boot_ext {
    uint64_t magic;
    uint8_t random[16];
};

#define NABLA_BOOT_EXT_BASE (SPT_BOOT_INFO_BASE + sizeof(struct spt_boot_info))

/* The layout is normative: fail the build if a compiler disagrees. */
_Static_assert(sizeof(struct mft_entry) == 104, "mft_entry layout");
_Static_assert(offsetof(struct mft_entry, type) == 68, "mft_entry.type");
_Static_assert(offsetof(struct mft_entry, u) == 72, "mft_entry.u");
_Static_assert(offsetof(struct mft_entry, b) == 88, "mft_entry.b");
_Static_assert(offsetof(struct mft_entry, attached) == 96,
               "mft_entry.attached");
_Static_assert(sizeof(struct mft) == 8, "mft header");
_Static_assert(MFT_SIZE(MFT_MAX_ENTRIES) == 6664, "mft max size");
_Static_assert(MFT1_DESC_SIZE(1) == 0x74, "MFT1 descriptor of one entry");
_Static_assert(MFT1_DESC_SIZE(MFT_MAX_ENTRIES) == 6668, "MFT1 max size");
_Static_assert(sizeof(struct solo5_note_header) == SOLO5_NOTE_HEADER_SIZE,
               "Solo5 note header");
_Static_assert(offsetof(struct solo5_note_header, name) == 12,
               "Solo5 note name");
_Static_assert(MFT1_MFT_OFFSET == 24, "struct mft at offset 24 of MFT1");
_Static_assert(sizeof(struct abi1_note) == SOLO5_NOTE_HEADER_SIZE + 16,
               "ABI1 note");
_Static_assert(sizeof(struct spt_boot_info) == 40, "spt_boot_info layout");

#endif
