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
    /* Only the file's segments lie below the stub at start-up, and this
     * range is between them: the bare "File exists" would say nothing. */
    if (got == MAP_FAILED && errno == EEXIST)
        stub_die("cannot map guest memory %#llx-%#llx: part of it is in use "
                 "already, by a mapping that the program headers do not "
                 "list (check the file: %s --verify)",
                 (unsigned long long)start, (unsigned long long)end,
                 stub_progname);
    if (got == MAP_FAILED)
        stub_die_errno("cannot map guest memory %#llx-%#llx",
                       (unsigned long long)start, (unsigned long long)end);
    if (got != want) {
        munmap(got, end - start);
        stub_die("cannot map guest memory at %#llx: address in use",
                 (unsigned long long)start);
    }
}

/* Whether [addr, addr + size) lies in the file bytes of an executable
 * guest segment. */
static int in_guest_code(const struct guest_segments *segs, uint64_t addr,
                         uint64_t size)
{
    for (size_t i = 0; i < segs->n; i++) {
        const Elf64_Phdr *ph = segs->ph[i];
        if ((ph->p_flags & PF_X) && addr >= ph->p_vaddr &&
            addr - ph->p_vaddr < ph->p_filesz &&
            size <= ph->p_filesz - (addr - ph->p_vaddr))
            return 1;
    }
    return 0;
}

/* The guest's segments are our own PT_LOADs below the stub; the packer
 * wrote them in address order, above the boot pages (docs/abi.md §3). Its
 * entry point and the exit trampoline nabla-pack put in its text are in
 * its code: the stub jumps to both. */
static void find_segments(struct guest_segments *segs,
                          const struct nabla_payload *p, uint64_t mem_size)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    uint64_t cursor = SPT_GUEST_MIN_BASE;

    segs->n = 0;
    for (unsigned long i = 0; ph != NULL && i < phnum; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_vaddr >= NABLA_STUB_BASE)
            continue;
        uint64_t start = page_down(ph[i].p_vaddr);
        uint64_t end = page_up(ph[i].p_vaddr + ph[i].p_memsz);
        if (segs->n == NABLA_MAX_GUEST_SEGMENTS)
            stub_die("damaged executable: more than %d guest segments",
                     NABLA_MAX_GUEST_SEGMENTS);
        if (start < SPT_GUEST_MIN_BASE || end > mem_size)
            stub_die("damaged executable: guest segment %#llx-%#llx lies "
                     "outside %#llx-%#llx, where guest segments belong",
                     (unsigned long long)start, (unsigned long long)end,
                     (unsigned long long)SPT_GUEST_MIN_BASE,
                     (unsigned long long)mem_size);
        if (start < cursor)
            stub_die("damaged executable: guest segment at %#llx out of "
                     "order (it begins below the end of the one before it, "
                     "%#llx)",
                     (unsigned long long)start, (unsigned long long)cursor);
        segs->ph[segs->n++] = &ph[i];
        cursor = end;
    }
    if (segs->n == 0)
        stub_die("damaged executable: no guest segment");
    if (!in_guest_code(segs, p->guest_entry, 1))
        stub_die("damaged executable: the guest's entry point %#llx is not "
                 "in its code",
                 (unsigned long long)p->guest_entry);
    size_t tsize = (size_t)(nabla_trampoline_end - nabla_trampoline);
    if (p->trampoline != 0 && !in_guest_code(segs, p->trampoline, tsize))
        stub_die("damaged executable: the exit trampoline %#llx is not in "
                 "the guest's code",
                 (unsigned long long)p->trampoline);
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
    find_segments(&segs, p, mem_size);
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
