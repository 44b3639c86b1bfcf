/*
 * What runs before the C library starts (stub_start_c, main.c): is this
 * file complete? And the stub's data page, mapped for writing in one call.
 *
 * Is this file complete?
 * execve maps every segment of the file whether or not the file still
 * holds it: an interrupted copy runs until it touches a page past the end
 * of the file, and dies there of SIGBUS, or worse, runs on zeros. So the
 * stub compares the size of its own file with the size a complete one has,
 * which its ELF header and program headers say (packed_complete_size): they
 * lie in the first page, which the kernel has read. One system call; no
 * hash, no page of the file touched besides the first and this code's own.
 *
 * Its own file: the path execve was given (AT_EXECFN, in the same working
 * directory), a stat of about a microsecond. /proc/self/exe names the file
 * for certain, but a fresh process pays 20 to 30 us for it (its /proc
 * entries are made on the spot), so it is asked only to confirm a short
 * size: in case the path was renamed over since execve (a package upgrade)
 * or is gone (a close-on-exec /proc/self/fd/N).
 *
 * A short file gets one line and NABLA_EXIT_REFUSED.
 *
 * The stub's data page: nabla-pack fills the stub's data segment with zeros
 * in the file up to the end of the page, so that execve never writes the
 * file's pages (see tools/nabla-pack/merge.c); the C library's first reads
 * and writes there would then fault twice (a read, then a copy on write),
 * so the page is populated for writing first, as the kernel's zeroing did.
 *
 * This code, _start (stub/arch/ARCH/start.S) and stub_start_c (main.c) are in
 * the section .text.nabla_entry, which stub/entry.ld puts first in the stub's
 * text, and nabla-pack puts the stub's text right after the payload
 * (tools/nabla-pack/merge.c): only a cut before the end of this code goes
 * unreported (the process then dies of SIGBUS, or exec fails). So nothing
 * here may reach outside that section: no C library (its code lies
 * further on, and its TLS is not set up yet: no errno), no string literal
 * (.rodata lies further on: the constants are in .rodata.nabla_entry, in
 * the same place), no call that is not inlined. tests/selfcheck.bats
 * checks the machine code for that.
 */
#include <elf.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "packed_file.h"
#include "stub.h"
#include "stub_arch.h" /* entry_syscall3, entry_stat */

#define ENTRY_TEXT __attribute__((section(".text.nabla_entry")))
#define ENTRY_DATA __attribute__((section(".rodata.nabla_entry")))
#define ENTRY_INLINE static inline __attribute__((always_inline))

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static const char proc_self_exe[] ENTRY_DATA = "/proc/self/exe";
static const char default_name[] ENTRY_DATA = "nabla";
static const char msg_error[] ENTRY_DATA = ": error: incomplete copy: ";
static const char msg_of[] ENTRY_DATA = " of ";
static const char msg_bytes[] ENTRY_DATA =
    " bytes (the file was cut short, as by an interrupted copy: copy it "
    "again)\n";

/* Appends the NUL-terminated s to buf[*n], within size. */
ENTRY_INLINE void put_string(char *buf, size_t size, size_t *n, const char *s)
{
    while (*s != '\0' && *n < size)
        buf[(*n)++] = *s++;
}

ENTRY_INLINE void put_decimal(char *buf, size_t size, size_t *n, uint64_t v)
{
    char digits[20];
    size_t k = 0;
    do {
        digits[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (k > 0 && *n < size)
        buf[(*n)++] = digits[--k];
}

/* "NAME: error: incomplete copy: HAVE of WANT bytes (...)", exit. */
ENTRY_INLINE void __attribute__((noreturn))
refuse_incomplete(const char *argv0, uint64_t have, uint64_t want)
{
    char line[256];
    size_t n = 0;
    const char *name = default_name;

    if (argv0 != NULL && argv0[0] != '\0') {
        name = argv0;
        for (const char *c = argv0; *c != '\0'; c++) {
            if (*c == '/' && c[1] != '\0')
                name = c + 1;
        }
    }
    put_string(line, sizeof(line) - 64, &n, name);
    put_string(line, sizeof(line), &n, msg_error);
    put_decimal(line, sizeof(line), &n, have);
    put_string(line, sizeof(line), &n, msg_of);
    put_decimal(line, sizeof(line), &n, want);
    put_string(line, sizeof(line), &n, msg_bytes);
    entry_syscall3(SYS_write, 2, (long)line, (long)n);
    for (;;)
        entry_syscall3(SYS_exit_group, NABLA_EXIT_REFUSED, 0, 0);
}

/* The auxiliary vector, after argv and envp on the initial stack. */
ENTRY_INLINE const Elf64_auxv_t *auxv_of(long *sp)
{
    char **envp = (char **)(sp + 1) + sp[0] + 1;
    while (*envp != NULL)
        envp++;
    return (const Elf64_auxv_t *)(envp + 1);
}

ENTRY_TEXT void entry_check_complete(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    const Elf64_Phdr *ph = NULL;
    unsigned long phnum = 0;
    const char *execfn = NULL;

    for (const Elf64_auxv_t *a = auxv_of(sp); a->a_type != AT_NULL; a++) {
        if (a->a_type == AT_PHDR)
            ph = (const Elf64_Phdr *)a->a_un.a_val;
        else if (a->a_type == AT_PHNUM)
            phnum = a->a_un.a_val;
        else if (a->a_type == AT_EXECFN)
            execfn = (const char *)a->a_un.a_val;
    }
    /* The ELF header: the start of the payload's PT_LOAD, which maps file
     * offset 0. Without one, payload_find says what is wrong. */
    const Elf64_Ehdr *eh = NULL;
    for (unsigned long i = 0; ph != NULL && i < phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr == NABLA_PAYLOAD_BASE &&
            ph[i].p_offset == 0 && ph[i].p_filesz >= sizeof(*eh))
            eh = (const Elf64_Ehdr *)NABLA_PAYLOAD_BASE;
    }
    if (eh == NULL)
        return;
    uint64_t want = packed_complete_size(eh, ph, phnum);
    struct stat st;
    if (execfn != NULL && entry_stat(execfn, &st) == 0 &&
        (uint64_t)st.st_size >= want)
        return;
    /* Short, or no such path: ask /proc. With neither, nothing can be
     * told. */
    if (entry_stat(proc_self_exe, &st) != 0 &&
        (execfn == NULL || entry_stat(execfn, &st) != 0))
        return;
    if ((uint64_t)st.st_size < want)
        refuse_incomplete(argc > 0 ? argv[0] : NULL, (uint64_t)st.st_size,
                          want);
}

ENTRY_TEXT void entry_populate_data(long *sp)
{
    const Elf64_Phdr *ph = NULL;
    unsigned long phnum = 0;

    for (const Elf64_auxv_t *a = auxv_of(sp); a->a_type != AT_NULL; a++) {
        if (a->a_type == AT_PHDR)
            ph = (const Elf64_Phdr *)a->a_un.a_val;
        else if (a->a_type == AT_PHNUM)
            phnum = a->a_un.a_val;
    }
    for (unsigned long i = 0; ph != NULL && i < phnum; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_vaddr < NABLA_STUB_BASE ||
            ph[i].p_vaddr >= NABLA_PAYLOAD_BASE || !(ph[i].p_flags & PF_W))
            continue;
        uint64_t start = ph[i].p_vaddr & ~(SPT_PAGE_SIZE - 1);
        uint64_t end = (ph[i].p_vaddr + ph[i].p_filesz + SPT_PAGE_SIZE - 1) &
                       ~(SPT_PAGE_SIZE - 1);
        /* Best effort, as populate.c: failure only costs the faults. */
        entry_syscall3(SYS_madvise, (long)start, (long)(end - start),
                       MADV_POPULATE_WRITE);
    }
}
