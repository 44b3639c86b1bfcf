/*
 * Guest memory. execve already mapped the guest's segments, file-backed, at
 * their own addresses. What is left of [SPT_HOST_MEM_BASE, mem_size) — the
 * boot page range below the segments, any gaps between them, and the heap
 * and stack above them — becomes anonymous read-write memory, never
 * executable. MAP_FIXED_NOREPLACE: nothing already there is ever replaced.
 *
 * A position-independent guest (docs/aslr.md) is moved first, unless
 * randomisation is off: all of guest memory by one random slide, its
 * segments still file-backed (aslr.c), then relocated.
 */
#include <elf.h>
#include <errno.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "stub.h"
#include "stub_arch.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Room the guest needs above its segments at least, for its stack. Solo5's
 * own tests run small guests with --mem=2, so this is all we ask for. */
#define GUEST_MIN_STACK (64ull << 10)

static uint64_t page_down(uint64_t a)
{
    return a & ~(SPT_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t a)
{
    return (a + SPT_PAGE_SIZE - 1) & ~(SPT_PAGE_SIZE - 1);
}

static void map_anonymous(uint64_t start, uint64_t end)
{
    if (start >= end)
        return;
    void *want = (void *)start;
    void *got =
        mmap(want, end - start, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE,
             -1, 0);
    if (got == MAP_FAILED)
        stub_die_errno("cannot map guest memory %#llx-%#llx",
                       (unsigned long long)start, (unsigned long long)end);
    if (got != want) {
        munmap(got, end - start);
        stub_die("cannot map guest memory at %#llx: address in use",
                 (unsigned long long)start);
    }
}

/* The guest's segments are our own PT_LOADs below the stub; the packer
 * wrote them in address order. */
static void find_segments(struct guest_segments *segs, uint64_t mem_size)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    uint64_t cursor = SPT_HOST_MEM_BASE;

    segs->n = 0;
    for (unsigned long i = 0; ph != NULL && i < phnum; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_vaddr >= NABLA_STUB_BASE)
            continue;
        uint64_t start = page_down(ph[i].p_vaddr);
        uint64_t end = page_up(ph[i].p_vaddr + ph[i].p_memsz);
        if (start < cursor || end > mem_size ||
            segs->n == NABLA_MAX_GUEST_SEGMENTS)
            stub_die("damaged executable: guest segment at %#llx out of "
                     "order or outside guest memory",
                     (unsigned long long)start);
        segs->ph[segs->n++] = &ph[i];
        cursor = end;
    }
    if (segs->n == 0)
        stub_die("damaged executable: no guest segment");
}

/* Guest memory at the segments' own addresses: the gaps around them. */
static void map_around_segments(const struct guest_segments *segs,
                                uint64_t mem_size)
{
    uint64_t cursor = SPT_HOST_MEM_BASE;
    for (size_t i = 0; i < segs->n; i++) {
        map_anonymous(cursor, page_down(segs->ph[i]->p_vaddr));
        cursor = page_up(segs->ph[i]->p_vaddr + segs->ph[i]->p_memsz);
    }
    map_anonymous(cursor, mem_size);
}

void memory_map_guest(const struct nabla_payload *p, struct guest_memory *gm,
                      int no_aslr)
{
    uint64_t mem_size = gm->size;
    uint64_t kernel_end_page = page_up(p->kernel_end);
    if (mem_size < kernel_end_page + GUEST_MIN_STACK)
        stub_die("--mem=%llu is too small for this unikernel (needs at "
                 "least %llu MiB)",
                 (unsigned long long)(mem_size >> 20),
                 (unsigned long long)((kernel_end_page + GUEST_MIN_STACK +
                                       (1ull << 20) - 1) >>
                                      20));

    struct guest_segments segs;
    find_segments(&segs, mem_size);
    const struct nabla_pie *pie = payload_pie(p);
#if !ARCH_GUEST_PIE
    if (pie != NULL)
        stub_die("damaged executable: a position-independent guest, which "
                 "this architecture's stub does not relocate (guest ASLR "
                 "is x86_64's only so far)");
#endif
    gm->base = 0;
    if (pie != NULL && aslr_wanted(no_aslr))
        gm->base = aslr_move_guest(pie, &segs, mem_size);
    else
        map_around_segments(&segs, mem_size);
    if (pie != NULL)
        aslr_relocate(pie, &segs, gm->base);

    /* Written before the guest runs: the boot information page (with the
     * exit plan and the filter when they fit: leave.c). Written first thing
     * by the guest: its stack and the first page of its data (the stack
     * guard, in ours). Read first: the page of its entry point, where the
     * exit trampoline lies too, and the first page of its constants (in one
     * call when they are neighbours, as in a small guest). */
    uint64_t base = gm->base;
    uint64_t rodata = 0; /* the first read-only data segment's start */
    uint64_t data = 0;   /* the first writable one's */
    for (size_t i = 0; i < segs.n; i++) {
        uint64_t start = base + page_down(segs.ph[i]->p_vaddr);
        if (rodata == 0 && (segs.ph[i]->p_flags & (PF_W | PF_X)) == 0)
            rodata = start;
        if (data == 0 && (segs.ph[i]->p_flags & PF_W) != 0)
            data = start;
    }
    /* A PIE's first writable page may be its relocated constants, read-only
     * now: the guest's first write goes to the page after them. */
    if (pie != NULL && pie->relro_memsz != 0 &&
        data == base + page_down(pie->relro_vaddr))
        data = base + page_down(pie->relro_vaddr + pie->relro_memsz);
    populate_for_write(base + SPT_BOOT_INFO_BASE,
                       base + SPT_BOOT_INFO_BASE + SPT_PAGE_SIZE);
    populate_for_write(base + mem_size - SPT_PAGE_SIZE, base + mem_size);
    if (data != 0)
        populate_for_write(data, data + SPT_PAGE_SIZE);
    uint64_t entry_page = base + page_down(p->guest_entry);
    if (rodata == entry_page + SPT_PAGE_SIZE) {
        populate_for_read(entry_page, rodata + SPT_PAGE_SIZE);
    } else {
        populate_for_read(entry_page, entry_page + SPT_PAGE_SIZE);
        if (rodata != 0)
            populate_for_read(rodata, rodata + SPT_PAGE_SIZE);
    }
}
