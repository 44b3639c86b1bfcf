/*
 * entryregs: checks the registers the guest's entry point is given
 * (docs/abi.md §3), as its own first instructions recorded them
 * (tests/guests/arch/ARCH-entry.S, linked as the ELF entry point, which
 * then goes on to the bindings' _start): the stack pointer is mem_size
 * minus ARCH_ENTRY_SP_OFFSET, the argument is the boot information at
 * 0x11000, the frame pointer is 0; on aarch64 also the link register (a
 * return from the entry point faults) and the thread pointer (nothing of
 * the unmapped stub's) are 0.
 *
 * And the stack guard: the stub handed over the kernel's AT_RANDOM bytes in
 * nabla's boot extension (docs/abi.md §3.3), and the guard is made of them
 * (its low byte zero), so that it differs from start to start.
 *
 * Prints each register and the guard, then "entryregs ok" (exit 0), or a
 * line per failed check and "entryregs FAILED" (exit 1).
 */
#include "nabla/abi.h"
#include "solo5.h"
#include "arch.h"
#include "base.h"
#define GUEST_NAME "entryregs"
#include "say.h"

/* sp, argument, frame pointer, link register, thread pointer (the last
 * two 0 where the architecture has none). */
extern uint64_t entry_regs[5];
/* The bindings' stack guard (bindings/ssp.c). */
extern uintptr_t __stack_chk_guard;

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    const struct spt_boot_info *bi = guest_boot_info();

    say_hex("entryregs: sp ", entry_regs[0]);
    say_hex("entryregs: argument ", entry_regs[1]);
    say_hex("entryregs: frame pointer ", entry_regs[2]);
    say_hex("entryregs: link register ", entry_regs[3]);
    say_hex("entryregs: thread pointer ", entry_regs[4]);
    check(entry_regs[0] == bi->mem_size - ARCH_ENTRY_SP_OFFSET,
          "the stack pointer is mem_size - " ARCH_ENTRY_SP_OFFSET_TEXT);
    check(entry_regs[1] == guest_base() + SPT_BOOT_INFO_BASE,
          "the argument is the boot information");
    check(entry_regs[2] == 0, "the frame pointer is 0");
    check(entry_regs[3] == 0, "the link register is 0");
    check(entry_regs[4] == 0, "the thread pointer is 0");

    const struct nabla_boot_ext *ext =
        (const struct nabla_boot_ext *)(guest_base() + NABLA_BOOT_EXT_BASE);
    uint64_t random = 0;
    for (int i = 0; i < 8; i++)
        random |= (uint64_t)ext->random[i] << (8 * i);
    say_hex("entryregs: stack guard ", __stack_chk_guard);
    check(ext->magic == NABLA_BOOT_EXT_MAGIC,
          "the stub handed over its AT_RANDOM bytes");
    check(__stack_chk_guard == (random & ~0xffull) && __stack_chk_guard != 0,
          "the stack guard is made of them, its low byte zero");
    say(failures ? "entryregs FAILED\n" : "entryregs ok\n");
    return failures ? 1 : 0;
}
