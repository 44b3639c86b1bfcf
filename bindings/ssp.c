/*
 * Stack smashing protection. The guard is chosen at every start, before any
 * protected function runs; a smashed stack aborts the guest.
 */
#include "bindings.h"
#include "layout.h"

uintptr_t __stack_chk_guard;

/* Called first thing, with the boot information not yet parsed. */
void bindings_ssp_init(void)
{
    const struct nabla_boot_ext *ext = bindings_boot_ext();
    uintptr_t guard;

    /* The nabla stub hands over the kernel's AT_RANDOM bytes; the CPU is
     * the fallback under other tenders (bindings/arch/ARCH/random.c). */
    if (ext->magic == NABLA_BOOT_EXT_MAGIC) {
        guard = 0;
        for (int i = 0; i < 8; i++)
            guard |= (uintptr_t)ext->random[i] << (8 * i);
    } else {
        guard = (uintptr_t)bindings_cpu_random();
    }
    /* A zero low byte stops string functions from reading the guard. */
    __stack_chk_guard = guard & ~(uintptr_t)0xff;
}

void __stack_chk_fail(void) __attribute__((noreturn));

void __stack_chk_fail(void)
{
    static const char msg[] = "nabla: stack smashing detected\n";
    solo5_console_write(msg, sizeof(msg) - 1);
    solo5_abort();
}
