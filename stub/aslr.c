/*
 * Guest ASLR (docs/aslr.md). A position-independent guest (payload format
 * 4) is packed at its link addresses, where execve maps it. Unless
 * randomisation is off (--no-aslr, or the personality flag that gdb and
 * setarch -R set), the stub moves all of guest memory — segments, boot
 * pages, heap and stack — by one random slide: it reserves the new range,
 * then moves each segment there with mremap, which keeps it file-backed
 * (instances still share the guest's pages) and costs no copy. Then it
 * applies the guest's R_X86_64_RELATIVE relocations and makes the relocated
 * read-only data (PT_GNU_RELRO) read-only. All of it before the filter:
 * the policy allows nothing new after the jump.
 */
#include <elf.h>
#include <errno.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/random.h>
#include <string.h>

#include "stub.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/*
 * Where the slid guest memory lies: [ASLR_LOW, ASLR_HIGH), 1 TiB to 64 TiB.
 * Above the stub, its payload and its heap (below 512 GiB), and below
 * where the kernel puts the stack, the vDSO and mmap's top-down area (from
 * the top of the 128 TiB user address space down by at most the stack
 * limit and 1 TiB of randomisation). Positions: (63 TiB - mem_size) /
 * align + 1, 2^33.97 to 2^33.98 for 4 KiB pages whatever --mem says
 * (Linux gives a PIE program 2^28, vm.mmap_rnd_bits).
 */
#define ASLR_LOW (1ull << 40)
#define ASLR_HIGH (1ull << 46)
/* A range in use (a large stack limit moves the kernel's areas down into
 * it): another slide, at most this many times. */
#define ASLR_ATTEMPTS 16

int aslr_wanted(int no_aslr_option)
{
    if (no_aslr_option)
        return 0;
    int persona = personality(0xffffffff);
    return persona == -1 || (persona & ADDR_NO_RANDOMIZE) == 0;
}

/* 64 random bits from the kernel: getrandom, else (a kernel without it, or
 * its generator not yet ready at early boot) the second half of AT_RANDOM,
 * whose first half seeds the guest's stack guard, mixed with the attempt. */
static uint64_t random_bits(unsigned attempt)
{
    uint64_t r;
    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
        return r;
    const unsigned char *at_random =
        (const unsigned char *)getauxval(AT_RANDOM);
    if (at_random == NULL)
        stub_die("no randomness for the guest's address (no getrandom, no "
                 "AT_RANDOM): run it with --no-aslr");
    memcpy(&r, at_random + 8, sizeof(r));
    /* splitmix64's finaliser: a different value for every attempt. */
    r += (attempt + 1) * 0x9e3779b97f4a7c15ull;
    r = (r ^ (r >> 30)) * 0xbf58476d1ce4e5b9ull;
    r = (r ^ (r >> 27)) * 0x94d049bb133111ebull;
    return r ^ (r >> 31);
}

/* How many bases there are to choose from. */
static uint64_t positions_for(uint64_t align, uint64_t mem_size)
{
    return (ASLR_HIGH - ASLR_LOW - mem_size) / align + 1;
}

/* Reserves [base + SPT_HOST_MEM_BASE, base + mem_size) for a random base:
 * anonymous, read-write, never replacing anything. Returns the base. */
static uint64_t reserve(uint64_t align, uint64_t mem_size)
{
    uint64_t positions = positions_for(align, mem_size);
    for (unsigned attempt = 0; attempt < ASLR_ATTEMPTS; attempt++) {
        /* The modulo's bias is below 2^-29 for 2^34 positions. */
        uint64_t base = ASLR_LOW + random_bits(attempt) % positions * align;
        void *want = (void *)(base + SPT_HOST_MEM_BASE);
        size_t len = mem_size - SPT_HOST_MEM_BASE;
        void *got = mmap(want, len, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE |
                             MAP_NORESERVE,
                         -1, 0);
        if (got == want)
            return base;
        if (got == MAP_FAILED && errno != EEXIST)
            stub_die_errno("cannot map guest memory %#llx-%#llx",
                           (unsigned long long)(base + SPT_HOST_MEM_BASE),
                           (unsigned long long)(base + mem_size));
        if (got != MAP_FAILED)
            munmap(got, len); /* a kernel without MAP_FIXED_NOREPLACE */
    }
    stub_die("no free address range for guest memory (%llu MiB) after %d "
             "random tries: run it with --no-aslr",
             (unsigned long long)(mem_size >> 20), ASLR_ATTEMPTS);
}

/* Moves [start, end) to start + base: one mapping, as execve made it. */
static void move(uint64_t start, uint64_t end, uint64_t base)
{
    if (start >= end)
        return;
    void *want = (void *)(start + base);
    void *got = mremap((void *)start, end - start, end - start,
                       MREMAP_MAYMOVE | MREMAP_FIXED, want);
    if (got != want)
        stub_die_errno("cannot move guest memory %#llx-%#llx to %#llx",
                       (unsigned long long)start, (unsigned long long)end,
                       (unsigned long long)(start + base));
}

/*
 * perf learns where a file's code is mapped from the kernel's mmap records,
 * which mremap does not make; a change of protection does, for the whole
 * mapping, file and offset included. Taking PROT_EXEC away and giving it
 * back makes perf attribute the moved code to this file's symbols, as for
 * a fixed guest.
 */
static void announce(uint64_t start, uint64_t end, uint32_t flags)
{
    int prot = PROT_READ | (flags & PF_W ? PROT_WRITE : 0);
    if (mprotect((void *)start, end - start, prot) != 0 ||
        mprotect((void *)start, end - start, prot | PROT_EXEC) != 0)
        stub_die_errno("cannot protect the guest's moved code %#llx-%#llx",
                       (unsigned long long)start, (unsigned long long)end);
}

uint64_t aslr_move_guest(const struct nabla_pie *pie,
                         const struct guest_segments *segs, uint64_t mem_size)
{
    uint64_t base = reserve(pie->align, mem_size);
    /* execve mapped each segment as its file pages, then its bss past the
     * last of them as anonymous memory (nabla-pack fills the last file page
     * with zeros): two mappings. The file pages move. A writable segment's
     * bss need not: the reserved range there is zeroed read-write memory
     * already; what stays behind lies below the new guest memory, and the
     * exit plan unmaps it with the stub. One system call fewer. */
    for (size_t i = 0; i < segs->n; i++) {
        const Elf64_Phdr *ph = segs->ph[i];
        uint64_t start = ph->p_vaddr & ~(SPT_PAGE_SIZE - 1);
        uint64_t file_end =
            ph->p_filesz == 0
                ? start
                : (ph->p_vaddr + ph->p_filesz + SPT_PAGE_SIZE - 1) &
                      ~(SPT_PAGE_SIZE - 1);
        uint64_t end = (ph->p_vaddr + ph->p_memsz + SPT_PAGE_SIZE - 1) &
                       ~(SPT_PAGE_SIZE - 1);
        move(start, file_end, base);
        if (!(ph->p_flags & PF_W))
            move(file_end, end, base);
        if ((ph->p_flags & PF_X) && file_end > start)
            announce(start + base, file_end + base, ph->p_flags);
    }
    return base;
}

/* The guest segment that holds [vaddr, vaddr + size): in its file bytes
 * (in_file), or anywhere in it and writable. */
static const Elf64_Phdr *segment_of(const struct guest_segments *segs,
                                    uint64_t vaddr, uint64_t size, int in_file)
{
    for (size_t i = 0; i < segs->n; i++) {
        const Elf64_Phdr *ph = segs->ph[i];
        uint64_t len = in_file ? ph->p_filesz : ph->p_memsz;
        if (!in_file && !(ph->p_flags & PF_W))
            continue;
        if (vaddr >= ph->p_vaddr && vaddr - ph->p_vaddr <= len &&
            size <= len - (vaddr - ph->p_vaddr))
            return ph;
    }
    return NULL;
}

void aslr_relocate(const struct nabla_pie *pie,
                   const struct guest_segments *segs, uint64_t base)
{
    /* nabla-pack checked the table; a damaged file is refused here rather
     * than written through (nabla-pack verify says what is damaged). */
    if (pie->rela_count > (1ull << 40) ||
        (pie->rela_count > 0 &&
         segment_of(segs, pie->rela_vaddr, pie->rela_count * sizeof(Elf64_Rela),
                    1) == NULL))
        stub_die("damaged executable: the guest's relocation table "
                 "(%#llx, %llu entries) lies outside its segments",
                 (unsigned long long)pie->rela_vaddr,
                 (unsigned long long)pie->rela_count);
    if (base != 0 || !(pie->flags & NABLA_PIE_PRELINKED)) {
        const Elf64_Rela *r = (const Elf64_Rela *)(base + pie->rela_vaddr);
        for (uint64_t i = 0; i < pie->rela_count; i++) {
            if (r[i].r_info != R_X86_64_RELATIVE ||
                segment_of(segs, r[i].r_offset, sizeof(uint64_t), 0) == NULL)
                stub_die("damaged executable: guest relocation %llu (type "
                         "%llu at %#llx) is not a relative relocation inside "
                         "a writable segment",
                         (unsigned long long)i,
                         (unsigned long long)ELF64_R_TYPE(r[i].r_info),
                         (unsigned long long)r[i].r_offset);
            uint64_t value = base + (uint64_t)r[i].r_addend;
            memcpy((void *)(base + r[i].r_offset), &value, sizeof(value));
        }
    }
    if (pie->relro_memsz == 0)
        return;
    if (segment_of(segs, pie->relro_vaddr, pie->relro_memsz, 0) == NULL)
        stub_die("damaged executable: the guest's PT_GNU_RELRO %#llx-%#llx "
                 "lies outside its writable segments",
                 (unsigned long long)pie->relro_vaddr,
                 (unsigned long long)(pie->relro_vaddr + pie->relro_memsz));
    /* Its whole pages only, as every loader does: the last may hold data. */
    uint64_t start = (base + pie->relro_vaddr) & ~(SPT_PAGE_SIZE - 1);
    uint64_t end =
        (base + pie->relro_vaddr + pie->relro_memsz) & ~(SPT_PAGE_SIZE - 1);
    if (start < end && mprotect((void *)start, end - start, PROT_READ) != 0)
        stub_die_errno("cannot make the guest's relocated data %#llx-%#llx "
                       "read-only",
                       (unsigned long long)start, (unsigned long long)end);
}
