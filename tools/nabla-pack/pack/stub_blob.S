/*
 * The stub executable and the exit trampoline's machine code, embedded in
 * nabla-pack so that the tool is one file.
 */
    .section .rodata
    .globl nabla_stub_blob
    .globl nabla_stub_blob_end
    .balign 16
nabla_stub_blob:
    .incbin NABLA_STUB_PATH
nabla_stub_blob_end:

    .globl nabla_trampoline_blob
    .globl nabla_trampoline_blob_end
    .balign 16
nabla_trampoline_blob:
    .incbin NABLA_TRAMPOLINE_PATH
nabla_trampoline_blob_end:

    .section .note.GNU-stack, "", @progbits
