/*
 * Guest memory. execve already mapped the guest's segments, file-backed, at
 * their own addresses. What is left of [SPT_HOST_MEM_BASE, mem_size) — the
 * boot page range below the segments, any gaps between them, and the heap
 * and stack above them — becomes anonymous read-write memory, never
 * executable. MAP_FIXED_NOREPLACE: nothing already there is ever replaced.
 */
#include <elf.h>
#include <errno.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "stub.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Room the guest needs above its segments at least, for its stack. Solo5's
 * own tests run small guests with --mem=2, so this is all we ask for. */
#define GUEST_MIN_STACK (64ull << 10)

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

void memory_map_guest(const struct nabla_payload *p, uint64_t mem_size)
{
    uint64_t kernel_end_page =
        (p->kernel_end + SPT_PAGE_SIZE - 1) & ~(SPT_PAGE_SIZE - 1);
    if (mem_size < kernel_end_page + GUEST_MIN_STACK)
        stub_die("--mem=%llu is too small for this unikernel (needs at "
                 "least %llu MiB)",
                 (unsigned long long)(mem_size >> 20),
                 (unsigned long long)((kernel_end_page + GUEST_MIN_STACK +
                                       (1ull << 20) - 1) >>
                                      20));

    /* The guest's segments are our own PT_LOADs below the payload; the
     * packer wrote them in address order. */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    uint64_t cursor = SPT_HOST_MEM_BASE;
    uint64_t rodata = 0; /* the first read-only data segment's start */
    uint64_t data = 0;   /* the first writable one's */
    for (unsigned long i = 0; ph != NULL && i < phnum; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_vaddr >= NABLA_STUB_BASE)
            continue;
        uint64_t start = ph[i].p_vaddr & ~(SPT_PAGE_SIZE - 1);
        uint64_t end = (ph[i].p_vaddr + ph[i].p_memsz + SPT_PAGE_SIZE - 1) &
                       ~(SPT_PAGE_SIZE - 1);
        if (start < cursor || end > mem_size)
            stub_die("damaged executable: guest segment at %#llx out of "
                     "order or outside guest memory",
                     (unsigned long long)start);
        map_anonymous(cursor, start);
        cursor = end;
        if (rodata == 0 && (ph[i].p_flags & (PF_W | PF_X)) == 0)
            rodata = start;
        if (data == 0 && (ph[i].p_flags & PF_W) != 0)
            data = start;
    }
    if (cursor == SPT_HOST_MEM_BASE)
        stub_die("damaged executable: no guest segment");
    map_anonymous(cursor, mem_size);

    /* Written before the guest runs: the boot information page (with the
     * exit plan and the filter when they fit: leave.c). Written first thing
     * by the guest: its stack and the first page of its data (the stack
     * guard, in ours). Read first: the page of its entry point, where the
     * exit trampoline lies too, and the first page of its constants (in one
     * call when they are neighbours, as in a small guest). */
    populate_for_write(SPT_BOOT_INFO_BASE, SPT_BOOT_INFO_BASE + SPT_PAGE_SIZE);
    populate_for_write(mem_size - SPT_PAGE_SIZE, mem_size);
    if (data != 0)
        populate_for_write(data, data + SPT_PAGE_SIZE);
    uint64_t entry_page = p->guest_entry & ~(SPT_PAGE_SIZE - 1);
    if (rodata == entry_page + SPT_PAGE_SIZE) {
        populate_for_read(entry_page, rodata + SPT_PAGE_SIZE);
    } else {
        populate_for_read(entry_page, entry_page + SPT_PAGE_SIZE);
        if (rodata != 0)
            populate_for_read(rodata, rodata + SPT_PAGE_SIZE);
    }
}
