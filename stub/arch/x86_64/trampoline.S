/*
 * The exit trampoline (see struct nabla_exit_plan in common/packed_layout.h).
 * nabla-pack copies this code into the tail of the guest's text page, or,
 * where none has room, the stub copies it into a page of the boot page
 * range (NABLA_EXIT_TRAMPOLINE_BASE); the stub calls it with the plan in
 * %rdi. It uses no stack and no data of the stub: everything it needs is in
 * the plan, in guest memory. It stays small, so that it fits where most
 * guests' text pages have room left.
 *
 *   for each call of the plan: syscall(nr, a0, a1, a2), which must return 0
 *     (the stub plans: munmap of everything outside guest memory, then
 *     seccomp(SECCOMP_SET_MODE_FILTER, 0, &plan->filter))
 *   %rsp = plan->stack; %rdi = plan->boot_info; jump to plan->entry
 *
 * Any failure: write plan->errmsg to stderr and
 * exit_group(NABLA_EXIT_REFUSED): the guest never runs unconfined.
 */
#include "nabla/exit.h"
#include "nabla/syscalls.h"

    .text
    .globl nabla_trampoline
    .type nabla_trampoline, @function
nabla_trampoline:
    mov %rdi, %rbx
    lea 64(%rbx), %r12          /* plan->calls */
    mov 40(%rbx), %r13          /* plan->ncalls */
1:  dec %r13
    js 2f
    mov (%r12), %eax
    mov 8(%r12), %rdi
    mov 16(%r12), %rsi
    mov 24(%r12), %rdx
    syscall
    add $32, %r12
    test %rax, %rax
    jz 1b
    mov $NABLA_NR_WRITE, %eax
    mov $2, %edi
    mov 48(%rbx), %rsi
    mov 56(%rbx), %rdx
    syscall
    mov $NABLA_NR_EXIT_GROUP, %eax
    mov $NABLA_EXIT_REFUSED, %edi
    syscall
2:  mov 0(%rbx), %rax
    mov 8(%rbx), %rsp
    mov 16(%rbx), %rdi
    xor %ebp, %ebp /* the outermost frame, for debuggers */
    jmp *%rax
    .size nabla_trampoline, . - nabla_trampoline
    /* Where the stub's copy ends. */
    .globl nabla_trampoline_end
nabla_trampoline_end:

    .section .note.GNU-stack, "", @progbits
