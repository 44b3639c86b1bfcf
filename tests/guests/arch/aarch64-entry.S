/*
 * entryregs' entry point on aarch64 (tests/guests/entryregs.c): records
 * sp, x0, x29, x30 and tpidr_el0 as the tender left them, then goes on to
 * the bindings' _start with x0 unchanged.
 */
    .text
    .globl entry_probe
    .type entry_probe, %function
entry_probe:
    adrp x9, entry_regs
    add x9, x9, :lo12:entry_regs
    mov x10, sp
    str x10, [x9]
    str x0, [x9, #8]
    str x29, [x9, #16]
    str x30, [x9, #24]
    mrs x10, tpidr_el0
    str x10, [x9, #32]
    b _start
    .size entry_probe, . - entry_probe

    .bss
    .balign 8
    .globl entry_regs
entry_regs:
    .skip 40

    .section .note.GNU-stack, "", %progbits
