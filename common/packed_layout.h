/*
 * The packed-executable contract between nabla-pack and the stub.
 *
 * A packed executable is one ET_EXEC ELF: the stub's PT_LOAD segments (linked
 * at NABLA_STUB_BASE), the guest's PT_LOAD segments at their own addresses,
 * and one read-only PT_LOAD at NABLA_PAYLOAD_BASE that maps file offset 0:
 * the ELF header, the program headers and the GNU build-ID note in its
 * first page, then struct nabla_payload and the data it points to. The stub
 * finds the payload by looking for that PT_LOAD in its own program headers
 * (AT_PHDR).
 *
 * File order (docs/packed.md §1): headers, payload, the stub's segments
 * (its entry code first), the guest's segments, the symbols and DWARF, the
 * section headers. The stub's first instructions check that the file is
 * complete (stub/entry.c), so only a cut before the end of that code goes
 * unreported. No segment with bss ends inside a page of the file: the
 * kernel would have to zero that page's tail at execve, and fault on a cut
 * file before the stub runs.
 */
#ifndef NABLA_PACKED_LAYOUT_H
#define NABLA_PACKED_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/* Both in one 2 MiB range of the address space, under one last-level page
 * table, and in the guest's 512 GiB slot, under its upper-level table: a
 * start that makes and frees fewer page tables (each costs; bench/start-hello
 * measures the start). The stub (under 1 MiB: nabla-pack checks)
 * lies below the payload, guest memory below both. The Makefile links the
 * stub at NABLA_STUB_BASE. */
#define NABLA_STUB_BASE 0x7f00000000ull
#define NABLA_PAYLOAD_BASE 0x7f00100000ull
/* The payload header follows the page that holds the ELF headers. */
#define NABLA_PAYLOAD_HEADER_OFFSET 0x1000ull

#define NABLA_PAYLOAD_MAGIC "NABLAPK\0"
/*
 * The version of struct nabla_payload and of what follows it. Every change
 * of the layout (a field added, removed, moved or resized; the meaning of a
 * field) must bump it: the stub and nabla-pack refuse any other version, so
 * a file packed by another nabla-pack fails with a message instead of being
 * misread. The assertions after the struct catch a layout change made
 * without updating them. Version 1 changed layout several times; 2 had no
 * app name, entry or segment checksums, and a trampoline of 0 meant "none,
 * the stub stays mapped"; 3 is the layout below, where a trampoline of 0
 * means "at NABLA_EXIT_TRAMPOLINE_BASE".
 */
#define NABLA_PAYLOAD_VERSION 3
/*
 * Version 4 is version 3 with a struct nabla_pie right after struct
 * nabla_payload (the manifest and what follows it come after that): the
 * guest is position-independent and loaded at a fresh random address at
 * every start (docs/aslr.md). nabla-pack writes version 3 for a fixed guest,
 * so that packing one gives exactly the file it always gave, and 4 for a
 * static PIE: a reader that knows only version 3 refuses a PIE instead of
 * running it unrelocated.
 */
#define NABLA_PAYLOAD_VERSION_PIE 4

#define NABLA_MAX_GUEST_SEGMENTS 16

/*
 * The GNU build ID (a PT_NOTE in the first page, section
 * .note.gnu.build-id): the first NABLA_BUILD_ID_SIZE bytes of the SHA-256
 * of the file as written with the ID, the segment sums and the checksum
 * zero. It names this file's code and debug data for gdb, dh_strip and
 * rpm's find-debuginfo, and is as reproducible as the file.
 */
#define NABLA_BUILD_ID_SIZE 20

/* Largest guest memory (--mem): it ends at the stub at most (508 GiB). */
#define NABLA_MEM_MAX_MB (NABLA_STUB_BASE >> 20)
#define NABLA_MEM_DEFAULT_MB 512ull

/*
 * Offsets are relative to the start of struct nabla_payload. String lists are
 * `count` NUL-terminated strings back to back.
 */
struct nabla_payload {
    char magic[8];
    uint32_t version;
    uint32_t abi_target;
    uint32_t abi_version;
    /* The file offset where the stub's entry code ends (0: unknown): a copy
     * cut short anywhere after it is refused at start (stub/entry.c);
     * one cut before it dies before any code can tell. */
    uint32_t entry_code_end;
    uint64_t guest_entry;
    uint64_t
        kernel_end;  /* end of the highest guest segment (p_vaddr + p_memsz) */
    uint64_t mem_mb; /* default --mem */
    uint32_t mft_offset, mft_size;
    uint32_t options_offset, options_size, options_count; /* default options */
    uint32_t args_offset, args_size, args_count; /* default guest args */
    /* The app's name, one NUL-terminated string: a default path
     * "state:REL" resolves to /var/lib/NAME/REL without $STATE_DIRECTORY. */
    uint32_t name_offset, name_size;
    /* Guest address of the exit trampoline (see below) in a text page of
     * the guest; 0: none had room, the stub puts it at
     * NABLA_EXIT_TRAMPOLINE_BASE. */
    uint64_t trampoline;
    /* The guest's PT_TLS, kept for tools (the host never sees it). */
    uint64_t tls_vaddr, tls_filesz, tls_memsz, tls_align;
    /* File size of each guest segment (the guest's PT_LOADs are the packed
     * file's below NABLA_PAYLOAD_BASE, in address order) before the
     * trampoline was added. */
    uint64_t segment_filesz[NABLA_MAX_GUEST_SEGMENTS];
    /* The packed file's e_entry (the stub's), for verify. */
    uint64_t entry;
    /* One struct nabla_segment_sum per PT_LOAD but the payload's, in
     * program header order. */
    uint32_t sums_offset, sums_count;
    /* SHA-256 over this payload (from this struct to the end of its
     * PT_LOAD) with checksum zeroed; with the sums, it covers every loaded
     * byte but the first page's (common/packed_file.c: `nabla-pack verify`,
     * `APP --verify`). */
    uint8_t checksum[32];
};

/*
 * A position-independent guest (payload version 4; docs/aslr.md). It is
 * packed at its link addresses, as a fixed guest is, and the stub may move
 * all of guest memory by a slide, a multiple of `align`: every guest
 * segment, the boot pages and the stack move together. Addresses here are
 * link addresses (add the slide).
 */
struct nabla_pie {
    /* The guest's Elf64_Rela table (DT_RELA) in a guest segment's file
     * bytes: rela_count entries, each R_X86_64_RELATIVE. */
    uint64_t rela_vaddr, rela_count;
    /* PT_GNU_RELRO: read-only once relocated (memsz 0: none). */
    uint64_t relro_vaddr, relro_memsz;
    /* PT_DYNAMIC, kept for extract. */
    uint64_t dynamic_vaddr, dynamic_memsz;
    /* The slide is a multiple of this: a power of two, at least a page
     * (the largest p_align of the guest's PT_LOADs). */
    uint64_t align;
    uint32_t flags;    /* NABLA_PIE_* */
    uint32_t reserved; /* zero */
};

/* Every relocated place holds its addend already (GNU ld writes them):
 * at slide 0 there is nothing to apply. */
#define NABLA_PIE_PRELINKED 1u
/* The largest slide alignment nabla-pack accepts (and the stub). */
#define NABLA_PIE_MAX_ALIGN (1ull << 30)

_Static_assert(sizeof(struct nabla_pie) == 64, "pie record");
_Static_assert(sizeof(struct nabla_payload) % 8 == 0,
               "the pie record follows the payload header, 8-byte aligned");

/* What a segment's program header must say and the SHA-256 of its file
 * bytes. */
struct nabla_segment_sum {
    uint64_t vaddr, filesz, memsz;
    uint32_t flags, reserved; /* reserved: zero */
    uint8_t sha256[32];
};

/* The layout of version NABLA_PAYLOAD_VERSION: changing it fails here first.
 * Update these and bump the version together. */
_Static_assert(offsetof(struct nabla_payload, version) == 8, "payload");
_Static_assert(offsetof(struct nabla_payload, guest_entry) == 24, "payload");
_Static_assert(offsetof(struct nabla_payload, mft_offset) == 48, "payload");
_Static_assert(offsetof(struct nabla_payload, options_offset) == 56, "payload");
_Static_assert(offsetof(struct nabla_payload, args_offset) == 68, "payload");
_Static_assert(offsetof(struct nabla_payload, trampoline) == 88, "payload");
_Static_assert(offsetof(struct nabla_payload, tls_vaddr) == 96, "payload");
_Static_assert(offsetof(struct nabla_payload, name_offset) == 80, "payload");
_Static_assert(offsetof(struct nabla_payload, segment_filesz) == 128,
               "payload");
_Static_assert(offsetof(struct nabla_payload, entry) == 256, "payload");
_Static_assert(offsetof(struct nabla_payload, sums_offset) == 264, "payload");
_Static_assert(offsetof(struct nabla_payload, checksum) == 272, "payload");
_Static_assert(sizeof(struct nabla_payload) == 304, "payload size");
_Static_assert(sizeof(struct nabla_segment_sum) == 64, "segment sum");

/*
 * The exit trampoline: a few bytes of position-independent code (see
 * stub/trampoline.S) that nabla-pack places in the unused tail of the
 * guest's last text page, or, when no text page has room for it, that the
 * stub copies to NABLA_EXIT_TRAMPOLINE_BASE. The stub calls it with a
 * struct nabla_exit_plan:
 * it makes the planned system calls (unmap everything that is not guest
 * memory: the stub's code, data, heap and stack, the vDSO; then load the
 * seccomp filter) and jumps to the guest. Once the filter is loaded, the
 * trampoline's own system calls are forbidden, so the few bytes left behind
 * cannot do anything.
 */
/* Where the plan goes when it and the filter do not fit in the boot
 * information page after the command line (stub/leave.c), and the filter
 * when it does not fit after the plan there either. */
#define NABLA_EXIT_PLAN_BASE SPT_HOST_MEM_BASE /* the page below boot info */
#define NABLA_EXIT_FILTER_BASE 0x18000ull      /* up to 32 KiB of BPF */
/* The trampoline's own page, in the boot page range after the filter's
 * room, when the guest's text has no room for it (the payload's trampoline
 * is 0): the stub makes it read-only and executable. */
#define NABLA_EXIT_TRAMPOLINE_BASE 0x20000ull
#define NABLA_EXIT_MAX_CALLS 8

struct nabla_exit_call {
    uint64_t nr, arg0, arg1, arg2;
};

struct nabla_exit_plan {
    uint64_t entry;      /* 0: guest entry point */
    uint64_t stack;      /* 8: guest stack pointer */
    uint64_t boot_info;  /* 16: first argument of the entry point */
    uint16_t filter_len; /* 24: struct sock_fprog */
    uint8_t pad[6];
    uint64_t filter;     /* 32 */
    uint64_t ncalls;     /* 40 */
    uint64_t errmsg;     /* 48: message written to stderr on failure */
    uint64_t errmsg_len; /* 56 */
    struct nabla_exit_call calls[NABLA_EXIT_MAX_CALLS]; /* 64 */
    char errmsg_text[128];
};

/* stub/trampoline.S reads the plan at these offsets. */
_Static_assert(offsetof(struct nabla_exit_plan, filter_len) == 24, "plan");
_Static_assert(offsetof(struct nabla_exit_plan, filter) == 32, "plan");
_Static_assert(offsetof(struct nabla_exit_plan, ncalls) == 40, "plan");
_Static_assert(offsetof(struct nabla_exit_plan, errmsg) == 48, "plan");
_Static_assert(offsetof(struct nabla_exit_plan, calls) == 64, "plan");
_Static_assert(sizeof(struct nabla_exit_call) == 32, "plan call");
_Static_assert(sizeof(struct nabla_exit_plan) <= 0x1000, "plan page");

#endif
