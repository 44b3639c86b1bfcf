/*
 * Ends the stub's read-only segment on a new page (one byte into it), so
 * that the writable segment, which the linker starts at the same offset
 * within a page as the read-only one ends (-z noseparate-code), starts at
 * the beginning of a page: the data and small bss the start touches (musl's
 * TLS and globals, the stub's own) then lie in one page, the one execve
 * already faults in, whatever the size of the code before it. Without this
 * they straddle two pages as soon as the code ends late in a page: one
 * more page fault at every start (about 1% of a packed hello's start,
 * README "Where start-up time goes"). .exception_ranges is the last
 * read-only output section of ld's default x86-64 script; the stub has no
 * other. The page it adds to the text mapping is never touched.
 */
    .section .exception_ranges, "a", @progbits
    .balign 4096
    .byte 0

    .section .note.GNU-stack, "", @progbits
