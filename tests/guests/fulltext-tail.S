/*
 * The tail of the fulltext guest (Makefile: TEST_GUEST_OBJS_fulltext), in a
 * section of its own that fulltext-tail.ld places after all other text:
 * page-aligned, it fills its page to 16 bytes short of the end, so that the
 * guest's text ends there whatever the size of the code before it, and its
 * last text page has no room for nabla's exit trampoline (93 bytes on
 * x86_64, 100 on aarch64: mk/aarch64.mk links it too).
 */
    .section .fulltext_tail, "ax"
    .balign 4096
    .globl fulltext_tail
    .type fulltext_tail, @object
fulltext_tail:
    .fill 4096 - 16, 1, 0xcc /* int3 on x86_64 */
    .size fulltext_tail, . - fulltext_tail

    .section .note.GNU-stack, "", @progbits
