/*
 * aslr: where the guest runs, as the guest sees it (tests/aslr.bats; built
 * fixed like every test guest, and as a static PIE by mk/aslr.mk).
 *
 * Prints
 *     aslr: function 0x...   the address of aslr_function
 *     aslr: data 0x...       the address of aslr_data (.data)
 *     aslr: stack 0x...      the address of a local variable
 *     aslr: heap 0x...       the heap's start (solo5_start_info)
 * then checks that the pointers the link stored (relocated in a PIE: a
 * table of constant pointers in .data.rel.ro, a pointer and a function
 * pointer in .data) point where their targets now are, and prints
 * "aslr ok" (exit 0), or a line per failed check and "aslr FAILED" (exit
 * 1). With the argument "write-relro" it then writes to that constant
 * table, which must kill it (SIGSEGV): read-only in a fixed guest's
 * .rodata and, once relocated, in a PIE's PT_GNU_RELRO.
 */
#include "solo5.h"
#define GUEST_NAME "aslr"
#include "say.h"

/* Makes the compiler forget what it knows about the memory at p. */
#define LAUNDER(p) __asm__ volatile("" : "+r"(p) : : "memory")

static const char text[] = "relocated";
void aslr_function(void);
/* Pointers the link stores: in a PIE, each is a relative relocation. */
const char *const aslr_table[] = {text, text + 2};
const char *aslr_pointer = text + 4;
void (*aslr_function_pointer)(void) = aslr_function;
int aslr_data = 42;

void aslr_function(void)
{
    say("aslr: called through the function pointer\n");
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    volatile int local = 1;
    uintptr_t function = (uintptr_t)aslr_function;
    LAUNDER(function);

    say_hex("aslr: function ", function);
    say_hex("aslr: data ", (uintptr_t)&aslr_data);
    say_hex("aslr: stack ", (uintptr_t)&local);
    say_hex("aslr: heap ", si->heap_start);

    const char *const *table = aslr_table;
    const char *pointer = aslr_pointer;
    void (*fp)(void) = aslr_function_pointer;
    LAUNDER(table);
    LAUNDER(pointer);
    LAUNDER(fp);
    check(table[0] == text && table[1] == text + 2,
          "the constant pointer table points at its string");
    check(streq(table[0], "relocated"), "the string read through the table");
    check(pointer == text + 4, "the pointer in .data points at its string");
    check((uintptr_t)fp == function, "the function pointer");
    check(aslr_data == 42, "an initialised global");
    if ((uintptr_t)fp == function)
        fp();
    if (streq(si->cmdline, "write-relro")) {
        say("aslr: writing to the constant pointer table\n");
        const char **writable = (const char **)(uintptr_t)table;
        LAUNDER(writable);
        writable[0] = text + 1;
        say("aslr: FAILED: the constant pointer table was writable\n");
        return 1;
    }
    say(failures ? "aslr FAILED\n" : "aslr ok\n");
    return failures ? 1 : 0;
}
