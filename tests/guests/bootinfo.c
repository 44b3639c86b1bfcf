/*
 * bootinfo: checks the start-up contract of docs/abi.md §3 from inside the
 * guest, by reading the boot information block at 0x11000 (struct
 * spt_boot_info).
 *
 * Usage: bootinfo MB [ARGS...] -- MB is the guest memory the tender was told
 * to give (--mem). The guest prints
 *     bootinfo: app cmdline [<what solo5_app_main got>]
 *     bootinfo: boot cmdline [<the command line in the boot information>]
 *     bootinfo: mem_size N / kernel_end 0x.. / end 0x.. / rsp 0x.. / ...
 * (sp in place of rsp on aarch64)
 * then "bootinfo ok" (exit 0), or a line per failed check and
 * "bootinfo FAILED" (exit 1); exit 2 on a bad command line.
 *
 * In a position-independent guest (built by mk/aslr.mk) every address is
 * moved by the stub's slide (base.h), and mem_size is the end address.
 *
 * Checked: mem_size == MB MiB; kernel_end == _end of the linker script (the
 * end of the highest segment); cmdline and manifest lie in the low pages
 * (0x11000, 0x100000) without overlapping the block or each other; the
 * manifest is version 1 with the reserved entry 0; epollfd and timerfd are
 * distinct and non-negative; the stack is at the top of guest memory; the
 * heap lies between kernel_end and the stack; memory at 0x10000, in the low
 * pages, in the heap and at the top of guest memory is readable and
 * writable.
 */
#include "base.h"
#include "nabla/abi.h"
#include "solo5.h"
#include "arch.h"
#define GUEST_NAME "bootinfo"
#include "say.h"

static void say_dec(const char *label, int64_t v)
{
    char buf[24];
    size_t n = sizeof(buf);
    uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;
    buf[--n] = '\n';
    do {
        buf[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        buf[--n] = '-';
    say(label);
    solo5_console_write(buf + n, sizeof(buf) - n);
}

/* End of the guest image (linker/guest.ld). */
extern char _end[];
/* What the bindings were given at entry, if they say (weak: optional). */
extern const struct spt_boot_info *bindings_boot_info __attribute__((weak));

static size_t length(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Writes patterns to the 8 bytes at addr, reads them back, restores them. */
static int read_write_ok(uint64_t addr)
{
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
    uint64_t saved = *p;
    int ok = 1;
    static const uint64_t patterns[] = {0x5555aaaa5555aaaaull,
                                        0xaaaa5555aaaa5555ull, 0, ~0ull};
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        *p = patterns[i] ^ addr;
        ok &= *p == (patterns[i] ^ addr);
    }
    *p = saved;
    ok &= *p == saved;
    return ok;
}

static void check_rw(uint64_t addr, const char *what)
{
    if (!read_write_ok(addr))
        say_hex("bootinfo: read/write failed at ", addr);
    check(read_write_ok(addr), what);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    uintptr_t rsp = arch_stack_pointer();

    /* 0, or where a position-independent guest was moved to. */
    const uint64_t base = guest_base();
    const struct spt_boot_info *bi = guest_boot_info();

    say("bootinfo: app cmdline [");
    say(si->cmdline);
    say("]\n");
    say("bootinfo: boot cmdline [");
    say(bi->cmdline);
    say("]\n");

    /* The expected size in MiB: the first argument. */
    const char *p = si->cmdline;
    uint64_t mb = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 8) {
        mb = mb * 10 + (uint64_t)(*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || (*p != '\0' && *p != ' ')) {
        say("bootinfo: usage: bootinfo MB [ARGS...]\n");
        return 2;
    }

    /* The size: mem_size is the end of guest memory, base + the size. */
    say_dec("bootinfo: mem_size ", (int64_t)(bi->mem_size - base));
    /* At the link addresses: what they are less the base. */
    say_hex("bootinfo: kernel_end ", bi->kernel_end - base);
    say_hex("bootinfo: end ", (uintptr_t)_end - base);
    say_hex("bootinfo: cmdline ", (uintptr_t)bi->cmdline);
    say_hex("bootinfo: mft ", (uintptr_t)bi->mft);
    say_dec("bootinfo: epollfd ", bi->epollfd);
    say_dec("bootinfo: timerfd ", bi->timerfd);
    say_hex("bootinfo: " ARCH_SP_NAME " ", rsp);
    say_hex("bootinfo: heap_start ", si->heap_start);
    say_hex("bootinfo: heap_end ", si->heap_start + si->heap_size);

    const uint64_t mem = bi->mem_size;
    const uint64_t low =
        base + SPT_BOOT_INFO_BASE + sizeof(struct spt_boot_info);
    const uint64_t high = base + SPT_GUEST_MIN_BASE;

    /* The block itself. */
    if (&bindings_boot_info != 0)
        check(bindings_boot_info == bi,
              "the entry point got the address 0x11000");
    check(mem - base == mb << 20, "mem_size is --mem MiB");
    check(bi->kernel_end == (uintptr_t)_end,
          "kernel_end is the end of the highest segment (_end)");

    /* Command line: in the low pages, after the block, NUL-terminated
     * there, at most 8192 bytes with the NUL. */
    uintptr_t cl = (uintptr_t)bi->cmdline;
    check(cl >= low && cl < high,
          "cmdline lies in the low pages, after the boot information");
    size_t cl_len = length(bi->cmdline);
    check(cl_len + 1 <= SPT_CMDLINE_SIZE, "cmdline at most 8192 bytes");
    check(cl + cl_len + 1 <= high, "cmdline ends below 0x100000");

    /* Manifest: in the low pages, version 1, reserved entry 0. */
    uintptr_t mp = (uintptr_t)bi->mft;
    const struct mft *mft = bi->mft;
    check(mp >= low && mp < high,
          "manifest lies in the low pages, after the boot information");
    check(mp % 8 == 0, "manifest is 8-byte aligned");
    check(mft->version == MFT_VERSION, "manifest version is 1");
    check(mft->entries >= 1 && mft->entries <= MFT_MAX_ENTRIES,
          "manifest has 1 to 64 entries");
    check(mft->entries == 1, "manifest of a guest without devices has only "
                             "the reserved entry");
    check(mft->e[0].type == MFT_RESERVED_FIRST,
          "manifest entry 0 has type 1 << 30");
    check(mft->e[0].name[0] == '\0', "manifest entry 0 has an empty name");
    uintptr_t mend = mp + MFT_SIZE(mft->entries);
    check(mend <= high, "manifest ends below 0x100000");
    check(cl >= mend || cl + cl_len + 1 <= mp,
          "cmdline and manifest do not overlap");

    /* Event fds. */
    check(bi->epollfd >= 0, "epollfd >= 0");
    check(bi->timerfd >= 0, "timerfd >= 0");
    check(bi->epollfd != bi->timerfd, "epollfd != timerfd");

    /* Stack at the top of guest memory. */
    check(rsp < mem && rsp > mem - 64 * 1024,
          "stack pointer within 64 KiB below mem_size");

    /* Heap: from the page after kernel_end, below the stack. */
    check(si->heap_start >= bi->kernel_end &&
              si->heap_start - bi->kernel_end < SPT_PAGE_SIZE,
          "heap starts in the page after kernel_end");
    check(si->heap_size > 0 && si->heap_start + si->heap_size <= rsp,
          "heap is non-empty and ends below the stack");

    /* Memory that is not a segment is readable and writable. */
    check_rw(base + SPT_HOST_MEM_BASE, "memory at 0x10000 is read-write");
    check_rw(base + SPT_BOOT_INFO_BASE - 8, "memory at 0x10ff8 is read-write");
    if (cl + cl_len + 1 <= base + 0xff000 && mend <= base + 0xff000)
        check_rw(base + 0xff000,
                 "memory at 0xff000 (below the text) is read-write");
    check_rw(si->heap_start, "first word of the heap is read-write");
    check_rw(si->heap_start + si->heap_size - 8,
             "last word of the heap is read-write");
    check_rw(mem - 4096, "memory at mem_size - 4096 is read-write");
    check_rw(mem - 8, "memory at mem_size - 8 is read-write");

    if (failures) {
        say("bootinfo FAILED\n");
        return 1;
    }
    say("bootinfo ok\n");
    return 0;
}
