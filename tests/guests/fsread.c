/*
 * fsread: a guest that never sets up TLS and reads %fs:0x28 (where a host C
 * library keeps its stack guard; [tpidr_el0 + 0x28] on aarch64) must die
 * with SIGSEGV, as Solo5's own test_notls expects: the bindings start every
 * guest with TLS base 0, so nothing a tender left in %fs is readable.
 */
#include "arch.h"
#include "say.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    unsigned long v;
    say("fsread: reading " ARCH_TLS_GUARD_NAME "\n");
    v = arch_tls_guard_read();
    say("fsread: survived the read\n");
    return v == 0 ? 3 : 4;
}
