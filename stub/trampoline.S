/*
 * The exit trampoline (see struct nabla_exit_plan in nabla/packed.h).
 * nabla-pack copies this code into the tail of the guest's text page; the
 * stub calls it with the plan in %rdi. It uses no stack and no data of the
 * stub: everything it needs is in the plan, in guest memory. It must stay
 * small: it only fits where the guest's text page has room left.
 *
 *   for each range: munmap(start, len)
 *   seccomp(SECCOMP_SET_MODE_FILTER, 0, &plan->filter)
 *   %rsp = plan->stack; %rdi = plan->boot_info; jump to plan->entry
 *
 * Any failure: write plan->errmsg to stderr and exit_group(1): the guest
 * never runs unconfined.
 */
#define SYS_write 1
#define SYS_munmap 11
#define SYS_exit_group 231
#define SYS_seccomp 317
#define SECCOMP_SET_MODE_FILTER 1

    .text
    .globl nabla_trampoline
    .type nabla_trampoline, @function
nabla_trampoline:
    mov %rdi, %rbx
    mov 40(%rbx), %r12
    lea 64(%rbx), %r13
1:  test %r12, %r12
    jz 2f
    mov $SYS_munmap, %eax
    mov (%r13), %rdi
    mov 8(%r13), %rsi
    syscall
    test %rax, %rax
    jnz 9f
    add $16, %r13
    dec %r12
    jmp 1b
2:  mov $SYS_seccomp, %eax
    mov $SECCOMP_SET_MODE_FILTER, %edi
    xor %esi, %esi
    lea 24(%rbx), %rdx
    syscall
    test %rax, %rax
    jnz 9f
    mov 0(%rbx), %rax
    mov 8(%rbx), %rsp
    mov 16(%rbx), %rdi
    xor %ebp, %ebp /* the outermost frame, for debuggers */
    jmp *%rax
9:  mov $SYS_write, %eax
    mov $2, %edi
    mov 48(%rbx), %rsi
    mov 56(%rbx), %rdx
    syscall
    mov $SYS_exit_group, %eax
    mov $1, %edi
    syscall
    ud2
    .size nabla_trampoline, . - nabla_trampoline

    .section .note.GNU-stack, "", @progbits
