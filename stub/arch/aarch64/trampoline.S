/*
 * The exit trampoline on aarch64 (see struct nabla_exit_plan in
 * common/packed_layout.h, and stub/arch/x86_64/trampoline.S): the stub
 * calls it with the plan in x0. It uses no stack and no data of the stub.
 *
 *   for each call of the plan: svc #0 with x8 = nr, x0-x2 = its
 *     arguments, which must return 0 (munmap of everything outside guest
 *     memory, then seccomp(SECCOMP_SET_MODE_FILTER, 0, &plan->filter))
 *   enter the guest as Solo5's aarch64 spt does (docs/abi.md §3):
 *     sp = plan->stack, x0 = plan->boot_info, x30 = 0 (a return from the
 *     entry point faults), x29 = 0 (the outermost frame), tpidr_el0 = 0
 *     (no thread pointer into the unmapped stub: a guest that reads TLS
 *     before it sets it faults), then branch to plan->entry
 *
 * Any failure: write plan->errmsg to stderr and
 * exit_group(NABLA_EXIT_REFUSED): the guest never runs unconfined.
 * nabla-pack places it on a 4-byte boundary, as instructions must be.
 */
#include "nabla/exit.h"
#include "nabla/syscalls.h"

    .text
    .balign 4
    .globl nabla_trampoline
    .type nabla_trampoline, %function
nabla_trampoline:
    mov x19, x0                 /* the plan */
    add x20, x19, #64           /* plan->calls */
    ldr x21, [x19, #40]         /* plan->ncalls */
1:  cbz x21, 2f
    sub x21, x21, #1
    ldr x8, [x20]
    ldp x0, x1, [x20, #8]
    ldr x2, [x20, #24]
    svc #0
    add x20, x20, #32
    cbz x0, 1b
    mov x8, #NABLA_NR_WRITE
    mov x0, #2
    ldp x1, x2, [x19, #48]      /* plan->errmsg, plan->errmsg_len */
    svc #0
    mov x8, #NABLA_NR_EXIT_GROUP
    mov x0, #NABLA_EXIT_REFUSED
    svc #0
2:  ldp x9, x10, [x19]          /* plan->entry, plan->stack */
    ldr x0, [x19, #16]          /* plan->boot_info */
    mov sp, x10
    msr tpidr_el0, xzr
    mov x29, xzr
    mov x30, xzr
    br x9
    .size nabla_trampoline, . - nabla_trampoline
    /* Where the stub's copy ends. */
    .globl nabla_trampoline_end
nabla_trampoline_end:

    .section .note.GNU-stack, "", %progbits
