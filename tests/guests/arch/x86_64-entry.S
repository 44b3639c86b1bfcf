/*
 * entryregs' entry point on x86_64 (tests/guests/entryregs.c): records
 * %rsp, %rdi and %rbp as the tender left them, then goes on to the
 * bindings' _start with %rdi unchanged. x86_64 has no link register, and
 * its thread pointer cannot be read without a system call (arch_prctl's
 * ARCH_GET_FS, outside the policy): both stay 0 here.
 */
    .text
    .globl entry_probe
    .type entry_probe, @function
entry_probe:
    mov %rsp, entry_regs(%rip)
    mov %rdi, entry_regs+8(%rip)
    mov %rbp, entry_regs+16(%rip)
    jmp _start
    .size entry_probe, . - entry_probe

    .bss
    .balign 8
    .globl entry_regs
entry_regs:
    .skip 40

    .section .note.GNU-stack, "", @progbits
