/*
 * The packed-executable contract between nabla-pack and the stub.
 *
 * A packed executable is one ET_EXEC ELF: the stub's PT_LOAD segments (linked
 * at NABLA_STUB_BASE), the guest's PT_LOAD segments at their own addresses,
 * and one read-only PT_LOAD at NABLA_PAYLOAD_BASE that maps file offset 0:
 * the ELF header and program headers in its first page, then
 * struct nabla_payload and the data it points to. The stub finds the payload
 * by looking for that PT_LOAD in its own program headers (AT_PHDR).
 */
#ifndef NABLA_PACKED_H
#define NABLA_PACKED_H

#include <stdint.h>

#define NABLA_STUB_BASE 0x7e0000000000ull
#define NABLA_PAYLOAD_BASE 0x7d0000000000ull
/* The payload header follows the page that holds the ELF headers. */
#define NABLA_PAYLOAD_HEADER_OFFSET 0x1000ull

#define NABLA_PAYLOAD_MAGIC "NABLAPK\0"
#define NABLA_PAYLOAD_VERSION 1

#define NABLA_MAX_GUEST_SEGMENTS 16

/* Largest guest memory (--mem), far below the stub and the payload. */
#define NABLA_MEM_MAX_MB (1024ull * 1024) /* 1 TiB */
#define NABLA_MEM_DEFAULT_MB 512ull

struct nabla_segment {
    uint64_t vaddr; /* page-aligned down */
    uint64_t memsz; /* page-aligned up, from vaddr */
    uint32_t flags; /* PF_R | PF_W | PF_X */
    uint32_t reserved;
};

/*
 * Offsets are relative to the start of struct nabla_payload. String lists are
 * `count` NUL-terminated strings back to back.
 */
struct nabla_payload {
    char magic[8];
    uint32_t version;
    uint32_t abi_target;
    uint32_t abi_version;
    uint32_t nsegments;
    uint64_t guest_entry;
    uint64_t kernel_end; /* end of the highest guest segment (p_vaddr + p_memsz) */
    uint64_t mem_mb;     /* default --mem */
    struct nabla_segment segments[NABLA_MAX_GUEST_SEGMENTS];
    uint32_t mft_offset, mft_size;
    uint32_t options_offset, options_size, options_count;   /* default options */
    uint32_t args_offset, args_size, args_count;            /* default guest args */
    uint32_t reserved[6];
};

#endif
