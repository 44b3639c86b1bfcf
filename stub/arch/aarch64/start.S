/*
 * The stub's own process entry on aarch64 (see stub/arch/x86_64/start.S):
 * hands the initial stack (argc, argv, envp, auxv) to stub_start_c, in the
 * entry section. The kernel starts a process with sp 16-aligned.
 */
    .section .text.nabla_entry, "ax", %progbits
    .globl _start
    .type _start, %function
_start:
    mov x29, xzr /* the outermost frame */
    mov x30, xzr
    mov x0, sp
    bl stub_start_c
    udf #0
    .size _start, . - _start

    .section .note.GNU-stack, "", %progbits
