/*
 * Each architecture's stub executable and exit trampoline, embedded in
 * nabla-pack so that the tool is one file (pack/stub.c chooses). The
 * Makefile passes each one's path; one it does not pass (make
 * NABLA_AARCH64=0) is empty here, and pack/stub.c says so.
 */
#define BLOB(name, path)                                                       \
    .globl name;                                                               \
    .globl name##_end;                                                         \
    .balign 16;                                                                \
    name:                                                                      \
    .incbin path;                                                              \
    name##_end:
#define NO_BLOB(name)                                                          \
    .globl name;                                                               \
    .globl name##_end;                                                         \
    name:                                                                      \
    name##_end:

    .section .rodata
    BLOB(nabla_stub_x86_64, NABLA_STUB_X86_64)
    BLOB(nabla_trampoline_x86_64, NABLA_TRAMPOLINE_X86_64)
#ifdef NABLA_STUB_AARCH64
    BLOB(nabla_stub_aarch64, NABLA_STUB_AARCH64)
    BLOB(nabla_trampoline_aarch64, NABLA_TRAMPOLINE_AARCH64)
#else
    NO_BLOB(nabla_stub_aarch64)
    NO_BLOB(nabla_trampoline_aarch64)
#endif

    .section .note.GNU-stack, "", @progbits
