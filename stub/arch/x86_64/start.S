/*
 * The stub's own process entry. musl's crt1.o is not used: it holds 32-bit
 * PC-relative references to weak undefined symbols that cannot reach address
 * 0 from the stub's high load address. Hands the initial stack (argc, argv,
 * envp, auxv) to stub_start_c. In the entry section, with the code that
 * checks the file is complete (stub/entry.c).
 */
    .section .text.nabla_entry, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    xor %ebp, %ebp
    mov %rsp, %rdi
    and $-16, %rsp
    call stub_start_c
    hlt
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
